"""Running rules over a resource's Parquet file, and the default rules a new resource starts with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

from gongshu.classify.quality.errors import QualityRuleInvalid, query_failed
from gongshu.classify.quality.model import Context, QualityReport, Rule, RuleResult
from gongshu.classify.quality.patterns import PATTERNS
from gongshu.classify.quality.rules import RULES
from gongshu.classify.quality.schema import checked_rules, normalize_params
from gongshu.classify.quality.sql import connect, data_columns, file_columns, row_count

DEFAULT_COMPLETENESS = 0.9
DEFAULT_VALIDITY = 0.95


def run_rules(rules: Sequence[Rule], ctx: Context) -> QualityReport:
    """Run ``rules`` in order over ``ctx.path`` in one locked-down in-memory DuckDB connection.

    Raises Invalid before running anything when a rule does not fit the data or the context (unknown column or
    resource, a type code without validator or pattern, timeliness without ``now``) or a file cannot be read.
    Results hold counts, shares and 1-based row numbers, never cell values.
    """
    refs = _referenced(rules, ctx.others)
    with connect(ctx.path, [ctx.others[code] for code in refs]) as con:
        others = {code: list(file_columns(con, ctx.others[code])) for code in refs}
        checked = checked_rules(rules, list(data_columns(con)), others)
        _check_context(checked, ctx)
        results = [_run(rule, ctx, con) for rule in checked]
        return QualityReport.of(results, row_count(con))


def default_rules(columns: Sequence[tuple[str, str]], typed: Mapping[str, str] = {}) -> list[Rule]:
    """Completeness (threshold 0.9) on every column and validity (threshold 0.95) where a type code was detected.

    ``columns`` are (name, logical type) pairs in file order; ``typed`` maps a column to its detected type code.
    """
    names = [name for name, _ in columns]
    unknown = [c for c in typed if c not in names]
    if unknown:
        raise QualityRuleInvalid(
            [(f"数据中没有列 {', '.join(unknown)}", f"the data has no column {', '.join(unknown)}")]
        )
    rules = []
    for name in names:
        rules.append(_rule("completeness", {"columns": [name], "threshold": DEFAULT_COMPLETENESS}))
        if name in typed:
            rules.append(_rule("validity", {"column": name, "type": typed[name], "threshold": DEFAULT_VALIDITY}))
    return rules


def _rule(kind: str, params: dict) -> Rule:
    return Rule(kind, normalize_params(kind, params))


def _referenced(rules: Sequence[Rule], others: Mapping[str, object]) -> list[str]:
    """Codes of the other resources consistency rules name and the context gives, each once."""
    codes = [r.params.get("ref") for r in rules if r.kind == "consistency" and isinstance(r.params, Mapping)]
    return list(dict.fromkeys(c for c in codes if isinstance(c, str) and c in others))


def _check_context(rules: Sequence[Rule], ctx: Context) -> None:
    problems = []
    for i, rule in enumerate(rules):
        code = rule.params.get("type")
        if rule.kind == "validity" and code is not None and code not in ctx.validators and code not in PATTERNS:
            problems.append(
                (
                    f"rules[{i}]（validity）：没有类型 {code} 的校验函数；请在 Context.validators 中提供",
                    f"rules[{i}] (validity): no validator for type {code}; pass one in Context.validators",
                )
            )
        if rule.kind == "timeliness" and ctx.period is not None and ctx.now is None:
            problems.append(
                (
                    f"rules[{i}]（timeliness）：有更新周期时必须给出当前时间 now",
                    f"rules[{i}] (timeliness): give now when the resource has an update cycle",
                )
            )
        if rule.kind == "timeliness" and ctx.updated_at and ctx.now and _aware(ctx.updated_at) != _aware(ctx.now):
            problems.append(
                (
                    f"rules[{i}]（timeliness）：updated_at 与 now 须同为带时区或同为不带时区的时间",
                    f"rules[{i}] (timeliness): updated_at and now must both be timezone-aware or both naive",
                )
            )
    if problems:
        raise QualityRuleInvalid(problems)


def _aware(t: object) -> bool:
    return getattr(t, "tzinfo", None) is not None


def _run(rule: Rule, ctx: Context, con: duckdb.DuckDBPyConnection) -> RuleResult:
    try:
        return RULES[rule.kind](rule, ctx, con)
    except duckdb.Error as e:
        # from None: DuckDB's message may quote cell values, and a chained traceback would carry it into logs.
        raise query_failed(rule.name, e) from None
