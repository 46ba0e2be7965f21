"""The outer query's output columns: role (group key or aggregate), aggregate kind, DuckDB name, lineage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from gongshu.sandbox.spec import AggKind, OutputColumn
from gongshu.sandbox.sql.functions import is_aggregate, is_windowed
from gongshu.sandbox.sql.lineage import own_nodes
from gongshu.sandbox.sql.naming import duckdb_name

if TYPE_CHECKING:
    from gongshu.sandbox.sql.query import Query


@dataclass(frozen=True)
class Output:
    """One output column with the nodes it came from: as written, and bound (qualified)."""

    column: OutputColumn
    name: str | None  # None: DuckDB's name for it cannot be predicted; an alias is needed
    written: exp.Expr
    bound: exp.Expr
    aggregate: exp.Expr | None  # the aggregate call when the whole column is one (SUM(x), COUNT(*) …)


def outer_outputs(q: Query) -> list[Output]:
    return [
        _output(q, i, written, bound)
        for i, (written, bound) in enumerate(zip(q.tree.selects, q.qualified.selects, strict=True))
    ]


def is_aggregating(q: Query) -> bool:
    """Whether the outer SELECT aggregates (GROUP BY, or aggregates without GROUP BY)."""
    return bool(q.qualified.args.get("group")) or any(o.column.role == "aggregate" for o in q.outputs)


def _output(q: Query, i: int, written: exp.Expr, bound: exp.Expr) -> Output:
    has_aggregate = any(is_aggregate(n) and not is_windowed(n) for n in own_nodes(bound))
    node = bound.unalias()
    top = node if is_aggregate(node) else None
    kind = _kind(top) if has_aggregate else None
    flow = q.flow(bound, q.root)
    name = duckdb_name(q, written, bound, q.root)
    column = OutputColumn(
        name=name or bound.alias_or_name,
        role="aggregate" if has_aggregate else "group",
        aggregate=kind,
        sources=flow.sources,
        protected=any(q.is_protected(item) for item in flow.sources),
        dominance=f"__d{{}}_{i}" if kind in ("sum", "avg") and not q.dp else None,  # no dominance rule under DP
        contributors=f"__c_{i}" if has_aggregate and not q.dp and value_arguments(bound) else None,
    )
    return Output(column, name, written, bound, top)


def value_arguments(node: exp.Expr) -> list[exp.Expr]:
    """The arguments of the aggregates in ``node`` that read a value (not ``COUNT(*)``), DISTINCT unwrapped."""
    out = []
    for agg in own_nodes(node):
        if not is_aggregate(agg) or is_windowed(agg):
            continue
        arg = agg.this
        if isinstance(arg, exp.Distinct):
            arg = arg.expressions[0] if arg.expressions else None
        if arg is not None and not isinstance(arg, exp.Star):
            out.append(arg)
    return out


def _kind(node: exp.Expr | None) -> AggKind:
    if isinstance(node, exp.Count):
        return "count_distinct" if isinstance(node.this, exp.Distinct) else "count"
    if isinstance(node, exp.Sum):
        return "sum"
    if isinstance(node, exp.Avg):
        return "avg"
    return "other"


def output_of(q: Query, key: exp.Expr) -> int | None:
    """The output an ORDER BY key names: by alias, by position or by the same expression; None if none."""
    node = key.this if isinstance(key, exp.Ordered) else key
    if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit():
        i = int(node.this) - 1
        return i if 0 <= i < len(q.outputs) else None
    for i, o in enumerate(q.outputs):
        if node == o.bound.unalias() or (
            isinstance(node, exp.Column) and not node.table and node.name == o.column.name
        ):
            return i
        if isinstance(node, exp.Column) and node.name == o.bound.alias_or_name:
            return i
    return None


def limit_of(q: Query) -> int | None:
    limit = q.qualified.args.get("limit")
    value = limit.args.get("expression") if limit is not None else None
    if isinstance(value, exp.Literal) and not value.is_string and value.this.isdigit() and int(value.this) > 0:
        return int(value.this)
    return None
