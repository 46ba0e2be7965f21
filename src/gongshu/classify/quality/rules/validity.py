"""Validity: the share of filled cells of a column that match a declared format (type code, RE2 regex or enum)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from duckdb import DuckDBPyConnection

from gongshu.classify.quality.model import Context, Rule, RuleResult, pct, share_of, verdict
from gongshu.classify.quality.patterns import PATTERNS
from gongshu.classify.quality.sql import DATA, as_text, data_columns, missing, one, row_numbers


def validity(rule: Rule, ctx: Context, con: DuckDBPyConnection) -> RuleResult:
    p = rule.params
    type_ = data_columns(con)[p["column"]]
    value, filled = as_text(p["column"], type_), f"NOT {missing(p['column'], type_)}"
    if "type" in p and p["type"] in ctx.validators:
        measured = _by_validator(con, ctx.validators[p["type"]], value, filled, p)
    else:
        method, test, arg = _in_sql(p, value)
        measured = {"method": method, **_by_sql(con, test, arg, filled, p)}
    passed = measured["share"] >= p["threshold"]
    zh, en = verdict(passed)
    what = p.get("type") or ("regex" if "regex" in p else "enum")
    sample_zh = sample_en = ""
    looked = measured.get("rows_sampled", measured["checked"])
    if measured.get("sampled"):
        sample_zh = (
            f"；不同取值过多，按哈希抽查 {measured['distinct_checked']:,} / {measured['distinct']:,} 个，结果为估计"
        )
        sample_en = (
            f"; too many distinct values, {measured['distinct_checked']:,} of {measured['distinct']:,} checked "
            "in hash order, so the result is an estimate"
        )
    return RuleResult(
        rule,
        passed,
        measured["share"],
        measured,
        f"{p['column']} 符合 {what} 格式的比例 {pct(measured['share'])}（检查的 {looked:,} 个非空单元格中不符合 "
        f"{measured['invalid']:,} 个{sample_zh}），阈值 {pct(p['threshold'])}：{zh}",
        f"{p['column']} matches {what} in {pct(measured['share'])} of filled cells ({measured['invalid']:,} of "
        f"{looked:,} checked do not{sample_en}), threshold {pct(p['threshold'])}: {en}",
    )


def _in_sql(p: dict[str, Any], value: str) -> tuple[str, str, object]:
    """The method's name, its SQL test on ``value`` with one ``?``, and the argument for it."""
    if "enum" in p:
        return "enum", f"list_contains(?::VARCHAR[], {value})", [str(v) for v in p["enum"]]
    pattern = p["regex"] if "regex" in p else PATTERNS[p["type"]]
    return ("regex" if "regex" in p else "pattern"), f"regexp_full_match({value}, ?)", pattern


def _by_sql(con: DuckDBPyConnection, test: str, arg: object, filled: str, p: dict[str, Any]) -> dict[str, Any]:
    checked, invalid = one(
        con, f"SELECT count(*), count(*) FILTER (WHERE NOT {test}) FROM {DATA} WHERE {filled}", [arg]
    )
    return {
        "checked": checked,
        "valid": checked - invalid,
        "invalid": invalid,
        "share": share_of(checked - invalid, checked),
        "examples": row_numbers(con, f"{filled} AND NOT {test}", p["examples"], [arg]),
    }


def _by_validator(
    con: DuckDBPyConnection, check: Callable[[str], bool], value: str, filled: str, p: dict[str, Any]
) -> dict[str, Any]:
    """Validate each distinct value once, at most ``max_distinct`` of them, taken in hash order when there are more."""
    groups = con.execute(
        f"SELECT v, n, count(*) OVER (), sum(n) OVER () FROM "
        f"(SELECT {value} AS v, count(*) AS n FROM {DATA} WHERE {filled} GROUP BY v) "
        f"ORDER BY hash(v), v LIMIT ?",
        [p["max_distinct"]],
    ).fetchall()
    distinct, checked = (groups[0][2], int(groups[0][3])) if groups else (0, 0)
    errors, seen, invalid = 0, 0, 0
    bad: list[str] = []
    for v, n, _, _ in groups:
        seen += n
        ok = _valid(check, v)
        errors += ok is None
        if not ok:
            bad.append(v)
            invalid += n
    sampled = distinct > len(groups)
    share = share_of(seen - invalid, seen)
    examples = (
        row_numbers(con, f"{filled} AND {value} IN (SELECT unnest(?::VARCHAR[]))", p["examples"], [bad]) if bad else []
    )
    measured: dict[str, Any] = {
        "method": "validator",
        "checked": checked,
        "valid": seen - invalid,
        "invalid": invalid,
        "share": share,
        "examples": examples,
        "distinct": distinct,
        "distinct_checked": len(groups),
        "sampled": sampled,
        "validator_errors": errors,
    }
    if sampled:
        measured |= {"rows_sampled": seen, "invalid_estimated": round(checked * (1 - share))}
    return measured


def _valid(check: Callable[[str], bool], value: str) -> bool | None:
    """The validator's answer; None when it raised (cell data must never crash a run), counted as invalid."""
    try:
        return bool(check(value))
    except Exception:
        return None
