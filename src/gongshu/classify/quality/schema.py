"""Rule parameter schemas: parse_rules reads declared JSON, check_rules fits rules to the data's columns."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, TypeGuard

import duckdb

from gongshu.classify.quality.errors import QualityRuleInvalid
from gongshu.classify.quality.model import Rule

REQUIRED = object()
RULE_KEYS = ("kind", "params", "weight", "name")
MAX_EXAMPLES = 100
MAX_ENUM = 10_000
MAX_DISTINCT = 10_000_000
DEFAULT_DISTINCT = 200_000


class Problem(Exception):
    """One thing wrong with one rule, in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _number(v: object) -> TypeGuard[int | float]:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def share(v: object) -> float:
    if not _number(v) or not 0 <= v <= 1:
        raise Problem("必须是 0 到 1 之间的数（如 0.95）", "must be a number from 0 to 1 (such as 0.95)")
    return float(v)


def non_negative(v: object) -> float:
    if not _number(v) or v < 0:
        raise Problem("必须是不小于 0 的数", "must be a number of at least 0")
    return float(v)


def count_up_to(top: int) -> Callable[[object], int]:
    def check(v: object) -> int:
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= top:
            raise Problem(f"必须是 0 到 {top} 之间的整数", f"must be a whole number from 0 to {top}")
        return v

    return check


def text(v: object) -> str:
    if not isinstance(v, str) or not v.strip():
        raise Problem("必须是非空字符串", "must be a non-empty string")
    return v


def columns(v: object) -> list[str]:
    if not isinstance(v, list) or not v:
        raise Problem("必须是非空的列名列表", "must be a non-empty list of column names")
    names = [text(c) for c in v]
    if len(set(names)) < len(names):
        raise Problem("列名重复", "lists a column twice")
    return names


def one_of(*choices: str) -> Callable[[object], str]:
    def check(v: object) -> str:
        if v not in choices:
            raise Problem(f"必须是 {' / '.join(choices)} 之一", f"must be one of {', '.join(choices)}")
        return str(v)

    return check


def regex(v: object) -> str:
    """An RE2 pattern as DuckDB's ``regexp_full_match`` compiles it."""
    pattern = text(v)
    try:
        with duckdb.connect(":memory:") as con:
            con.execute("SELECT regexp_full_match('', ?)", [pattern]).fetchall()
    except duckdb.Error as e:
        raise Problem(
            "不是有效的 RE2 正则表达式（不支持反向引用和环视）",
            "is not a valid RE2 regular expression (no backreferences or lookaround)",
        ) from e
    return pattern


def enum(v: object) -> list[str | int | float]:
    if not isinstance(v, list) or not v or len(v) > MAX_ENUM:
        raise Problem(f"必须是 1 到 {MAX_ENUM} 个取值的列表", f"must be a list of 1 to {MAX_ENUM} values")
    if not all(isinstance(x, str) or _number(x) for x in v):
        raise Problem("的取值必须是字符串或数", "values must be strings or numbers")
    return list(v)


def bound_kind(v: object) -> str:
    """``number``, ``date`` or ``timestamp`` for a range bound; raises Problem for anything else."""
    if _number(v):
        return "number"
    if isinstance(v, str):
        try:
            if len(v) == 10:
                date.fromisoformat(v)
                return "date"
            datetime.fromisoformat(v)
            return "timestamp"
        except ValueError:
            pass
    raise Problem(
        "必须是数、ISO 日期（2024-01-31）或 ISO 时间（2024-01-31T08:00:00）",
        "must be a number, an ISO date (2024-01-31) or an ISO time (2024-01-31T08:00:00)",
    )


def bound(v: object) -> object:
    bound_kind(v)
    return v


SHARE = (share, 1.0)
EXAMPLES = (count_up_to(MAX_EXAMPLES), 5)
COLUMN = (text, REQUIRED)

# Each kind's parameters: name -> (checker, default). REQUIRED must be given; None is optional and left out.
PARAMS: dict[str, dict[str, tuple[Callable[[Any], Any], Any]]] = {
    "completeness": {"columns": (columns, None), "threshold": (share, 0.95)},
    "uniqueness": {"columns": (columns, REQUIRED), "nulls": (one_of("fail", "ignore"), "fail"), "examples": EXAMPLES},
    "validity": {
        "column": COLUMN,
        "type": (text, None),
        "regex": (regex, None),
        "enum": (enum, None),
        "threshold": SHARE,
        "examples": EXAMPLES,
        "max_distinct": (count_up_to(MAX_DISTINCT), None),
    },
    "range": {"column": COLUMN, "min": (bound, None), "max": (bound, None), "threshold": SHARE, "examples": EXAMPLES},
    "consistency": {
        "column": COLUMN,
        "ref": (text, REQUIRED),
        "ref_column": (text, REQUIRED),
        "nulls": (one_of("ignore", "count"), "ignore"),
        "threshold": SHARE,
        "examples": EXAMPLES,
    },
    "timeliness": {"grace_days": (non_negative, 0.0)},
}


def _validity_format(p: dict[str, Any]) -> None:
    if sum(k in p for k in ("type", "regex", "enum")) != 1:
        raise Problem("type、regex、enum 三者须恰好给出一个", "give exactly one of type, regex and enum")
    if "type" not in p:
        if "max_distinct" in p:
            raise Problem("max_distinct 只用于 type", "max_distinct applies to type only")
        return
    p.setdefault("max_distinct", DEFAULT_DISTINCT)
    if p["max_distinct"] < 1:
        raise Problem("max_distinct 必须至少为 1", "max_distinct must be at least 1")


def _range_bounds(p: dict[str, Any]) -> None:
    given = [p[k] for k in ("min", "max") if k in p]
    if not given:
        raise Problem("min、max 至少给出一个", "give min, max or both")
    kinds = {bound_kind(v) for v in given}
    if len(kinds) > 1:
        raise Problem("min 与 max 必须同为数、日期或时间", "min and max must both be numbers, dates or times")
    if len(given) == 2 and parse_bound(given[0]) > parse_bound(given[1]):
        raise Problem("min 大于 max", "min is greater than max")


def parse_bound(v: Any) -> Any:
    """A range bound as DuckDB compares it: a float, a date, or a naive UTC datetime."""
    kind = bound_kind(v)
    if kind == "number":
        return float(v)
    if kind == "date":
        return date.fromisoformat(v)
    t = datetime.fromisoformat(v)
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


CROSS: dict[str, Callable[[dict[str, Any]], None]] = {"validity": _validity_format, "range": _range_bounds}


def normalize_params(kind: str, params: object) -> dict[str, Any]:
    """``params`` checked against ``kind``'s schema with defaults filled in; raises Problem."""
    if kind not in PARAMS:
        known = ", ".join(PARAMS)
        raise Problem(f"未知的规则类型 {kind!r}（可用：{known}）", f"unknown rule kind {kind!r} (known: {known})")
    if not isinstance(params, Mapping):
        raise Problem("params 必须是对象", "params must be an object")
    schema = PARAMS[kind]
    unknown = [k for k in params if k not in schema]
    if unknown:
        raise Problem(f"未知参数 {', '.join(map(str, unknown))}", f"unknown parameter {', '.join(map(str, unknown))}")
    out: dict[str, Any] = {}
    for key, (check, default) in schema.items():
        if key not in params:
            if default is REQUIRED:
                raise Problem(f"缺少参数 {key}", f"missing parameter {key}")
            if default is not None:
                out[key] = default
            continue
        try:
            out[key] = check(params[key])
        except Problem as e:
            raise Problem(f"参数 {key} {e.zh}", f"parameter {key} {e.en}") from None
    if kind in CROSS:
        CROSS[kind](out)
    return out


def _normalized(rule: Rule) -> Rule:
    if not isinstance(rule.kind, str):
        raise Problem("kind 必须是字符串", "kind must be a string")
    params = normalize_params(rule.kind, rule.params)
    if not _number(rule.weight) or rule.weight < 0:
        raise Problem("weight 必须是不小于 0 的数", "weight must be a number of at least 0")
    if not isinstance(rule.name, str):
        raise Problem("name 必须是字符串", "name must be a string")
    return replace(rule, params=params, weight=float(rule.weight))


def _located(i: int, kind: object, e: Problem) -> tuple[str, str]:
    named = isinstance(kind, str)
    return (f"rules[{i}]" + (f"（{kind}）" if named else "") + f"：{e.zh}"), (
        f"rules[{i}]" + (f" ({kind})" if named else "") + f": {e.en}"
    )


def parse_rules(data: list[dict]) -> list[Rule]:
    """Rules as a provider declared them in JSON, with parameter defaults filled in.

    Raises QualityRuleInvalid (an Invalid) listing every problem with its rule index, such as
    ``rules[2] (completeness): parameter threshold must be a number from 0 to 1``.
    """
    if not isinstance(data, list):
        raise QualityRuleInvalid([("规则必须是列表", "rules must be a list")])
    rules: list[Rule] = []
    problems: list[tuple[str, str]] = []
    for i, item in enumerate(data):
        try:
            rules.append(_normalized(_rule_of(item)))
        except Problem as e:
            problems.append(_located(i, item.get("kind") if isinstance(item, dict) else None, e))
    if problems:
        raise QualityRuleInvalid(problems)
    return rules


def _rule_of(item: object) -> Rule:
    if not isinstance(item, dict):
        raise Problem("规则必须是对象", "a rule must be an object")
    unknown = [str(k) for k in item if k not in RULE_KEYS]
    if unknown:
        raise Problem(f"未知字段 {', '.join(unknown)}", f"unknown field {', '.join(unknown)}")
    if "kind" not in item:
        raise Problem("缺少 kind", "missing kind")
    return Rule(item["kind"], item.get("params", {}), item.get("weight", 1.0), item.get("name", ""))


def checked_rules(
    rules: Sequence[Rule], columns: Sequence[str], others: Mapping[str, Sequence[str]] = {}
) -> list[Rule]:
    """``rules`` with parameters normalized, after checking that every column and resource they name exists."""
    out: list[Rule] = []
    problems: list[tuple[str, str]] = []
    for i, rule in enumerate(rules):
        try:
            out.append(_normalized(rule))
            _check_names(out[-1], columns, others)
        except Problem as e:
            problems.append(_located(i, rule.kind, e))
    if problems:
        raise QualityRuleInvalid(problems)
    return out


def check_rules(rules: Sequence[Rule], columns: Sequence[str], others: Mapping[str, Sequence[str]] = {}) -> None:
    """Raise QualityRuleInvalid (an Invalid) when a rule is malformed or names an unknown column or resource.

    ``columns`` are the resource's column names; ``others`` maps other resources' codes to their column names.
    """
    checked_rules(rules, columns, others)


def _check_names(rule: Rule, columns: Sequence[str], others: Mapping[str, Sequence[str]]) -> None:
    p = rule.params
    named = p.get("columns") or ([p["column"]] if "column" in p else [])
    missing = [c for c in named if c not in columns]
    if missing:
        raise Problem(f"数据中没有列 {', '.join(missing)}", f"the data has no column {', '.join(missing)}")
    if rule.kind == "consistency":
        if p["ref"] not in others:
            raise Problem(f"未提供被引用的数据资源 {p['ref']}", f"the referenced resource {p['ref']} is not given")
        if p["ref_column"] not in others[p["ref"]]:
            raise Problem(
                f"数据资源 {p['ref']} 中没有列 {p['ref_column']}",
                f"resource {p['ref']} has no column {p['ref_column']}",
            )
