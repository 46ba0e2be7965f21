"""Range: the share of filled cells of a column whose number, date or time lies within declared bounds."""

from __future__ import annotations

from duckdb import DuckDBPyConnection

from gongshu.classify.quality.model import Context, Rule, RuleResult, pct, share_of, verdict
from gongshu.classify.quality.schema import bound_kind, parse_bound
from gongshu.classify.quality.sql import DATA, data_columns, ident, missing, one, row_numbers

CAST = {"number": "DOUBLE", "date": "DATE", "timestamp": "TIMESTAMP"}


def value_range(rule: Rule, ctx: Context, con: DuckDBPyConnection) -> RuleResult:
    p = rule.params
    kind = bound_kind(p.get("min", p.get("max")))
    v = f"TRY_CAST({ident(p['column'])} AS {CAST[kind]})"
    filled = f"NOT {missing(p['column'], data_columns(con)[p['column']])}"
    lo = f"{v} < ?" if "min" in p else "false"
    hi = f"{v} > ?" if "max" in p else "false"
    args = [parse_bound(p[k]) for k in ("min", "max") if k in p]
    checked, unparseable, below, above = one(
        con,
        f"SELECT count(*), count(*) FILTER (WHERE {v} IS NULL), count(*) FILTER (WHERE {lo}), "
        f"count(*) FILTER (WHERE {hi}) FROM {DATA} WHERE {filled}",
        args,
    )
    invalid = unparseable + below + above
    share = share_of(checked - invalid, checked)
    examples = row_numbers(con, f"{filled} AND ({v} IS NULL OR {lo} OR {hi})", p["examples"], args)
    measured = {
        "checked": checked,
        "below": below,
        "above": above,
        "unparseable": unparseable,
        "invalid": invalid,
        "share": share,
        "examples": examples,
    }
    passed = share >= p["threshold"]
    zh, en = verdict(passed)
    bounds = f"[{p.get('min', '-∞')}, {p.get('max', '+∞')}]"
    return RuleResult(
        rule,
        passed,
        share,
        measured,
        f"{p['column']} 在 {bounds} 内的比例 {pct(share)}（非空 {checked:,} 个中低于下限 {below:,}、"
        f"高于上限 {above:,}、无法解析 {unparseable:,}），阈值 {pct(p['threshold'])}：{zh}",
        f"{p['column']} is within {bounds} in {pct(share)} of filled cells ({below:,} below, {above:,} above, "
        f"{unparseable:,} unreadable of {checked:,}), threshold {pct(p['threshold'])}: {en}",
    )
