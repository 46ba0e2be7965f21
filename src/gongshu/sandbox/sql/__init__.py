"""The SQL policy: parse a developer's DuckDB query, check it rule by rule, and rewrite it for output control."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from sqlglot import exp

from gongshu.sandbox.spec import Analysis, Limits, OutputColumn, TableSpec
from gongshu.sandbox.sql import bounding
from gongshu.sandbox.sql.entities import population_count
from gongshu.sandbox.sql.query import DIALECT, Query
from gongshu.sandbox.sql.rewrite import DOMINANCE_TOP, bind_tables, rewrite
from gongshu.sandbox.sql.rules import RULES
from gongshu.sandbox.sql.rules.personal_data import reads_personal

__all__ = ["DOMINANCE_TOP", "RULES", "analyze"]


def analyze(
    sql: str,
    tables: Mapping[str, TableSpec],
    *,
    limits: Limits = Limits(),
    dp: bool = False,
    personal_without_dp: bool = False,
) -> Analysis:
    """Check ``sql`` against the policy for the granted ``tables`` and return the analysis with the query to run.

    Raises ``SqlRefused`` naming the first rule that fails and where. ``Analysis.columns[i].dominance``, for a
    SUM/AVG column ``i`` of a query without DP, is the template ``"__d{}_<i>"``: ``.format("max")`` names the
    hidden list of the ``DOMINANCE_TOP`` largest |x| of the cell, ``.format("sum")`` the hidden sum of |x|.
    """
    q = Query(sql, tables, limits, dp, personal_without_dp=personal_without_dp)
    findings = [f for rule in RULES if (f := rule(q)) is not None]
    normalized = q.tree.sql(dialect=DIALECT, comments=False)
    columns = _shared_aggregates(q)
    read = sorted({q.spec(t.name).name for s in q.scopes() for t in s.sources.values() if isinstance(t, exp.Table)})
    population = _population(q)
    entity = _entity(q)
    plan = None
    if dp:
        bind_tables(q)
        plan = bounding.plan(q)
    return Analysis(
        sql=normalized,
        run_sql="" if dp else rewrite(q),
        plan=plan,
        personal=reads_personal(q),
        columns=columns,
        tables=read,
        findings=findings,
        population=population,
        dp=dp,
        entity=entity[0] if entity else None,
        entity_sql=entity[1] if entity else None,
        entity_type=_entity_type(q, entity[0]) if entity else "",
    )


def _shared_aggregates(q: Query) -> list[OutputColumn]:
    """The output columns, marking a COUNT that is ``__n`` itself and an AVG whose argument a SUM output adds up."""
    n = population_count(q, q.entities).sql(dialect=DIALECT)
    sums = {
        out.aggregate.this.sql(dialect=DIALECT): i
        for i, out in enumerate(q.outputs)
        if out.column.aggregate == "sum" and out.aggregate is not None
    }
    columns = []
    for out in q.outputs:
        col, agg = out.column, out.aggregate
        if col.aggregate == "count" and agg is not None and agg.sql(dialect=DIALECT) == n:
            col = replace(col, counts_persons=True)
        elif col.aggregate == "avg" and agg is not None and agg.this.sql(dialect=DIALECT) in sums:
            col = replace(col, same_sum=sums[agg.this.sql(dialect=DIALECT)])
        columns.append(col)
    return columns


def _entity(q: Query) -> tuple[str, str] | None:
    """("table.column", its SQL in the outer query) of the one person/entity behind the outer query's rows; None
    when there is none (a table without identifier) or several (a join of tables of different entities)."""
    if len(q.entities) != 1:
        return None
    (node,) = q.entities
    raw = q.flow(node, q.root).raw
    if len(raw) != 1:
        return None
    ((table, column),) = raw
    return f"{table}.{column}", node.sql(dialect=DIALECT)


def _entity_type(q: Query, entity: str) -> str:
    table, column = entity.split(".", 1)
    spec = q.column(table, column)
    return spec.type if spec is not None else ""


def _population(q: Query) -> str | None:
    """The WHERE of a query over one base table (no joins, no subqueries), "" when it has none; else None."""
    scopes = list(q.scopes())
    sources = list(q.root.selected_sources.values())
    if len(scopes) != 1 or len(sources) != 1 or not isinstance(sources[0][1], exp.Table):
        return None
    where = q.tree.args.get("where")
    return where.this.sql(dialect=DIALECT, comments=False) if where else ""
