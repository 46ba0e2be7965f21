"""Entity propagation: the expressions that give, in the outer query, the person/entity behind each row —
carried out of derived tables and CTEs as hidden ``__e_<k>`` columns."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from gongshu.sandbox.sql.functions import is_aggregate, is_windowed
from gongshu.sandbox.sql.lineage import own_nodes
from gongshu.sandbox.sql.place import refuse
from gongshu.sandbox.sql.query import Query


class Propagation:
    """Adds ``__e_<k>`` columns to derived tables (once per scope) and returns the outer entity expressions."""

    def __init__(self, q: Query) -> None:
        self.q = q
        self.added: dict[int, list[str]] = {}
        self.count = 0

    def values(self, scope: Scope) -> list[exp.Expr]:
        out: list[exp.Expr] = []
        for alias, (_node, source) in scope.selected_sources.items():
            if isinstance(source, exp.Table):
                entity = self.q.spec(source.name).entity
                if entity:
                    out.append(exp.column(entity, table=alias, quoted=True))
            elif isinstance(source, Scope):
                out.extend(exp.column(name, table=alias, quoted=True) for name in self.carried(source))
        return out

    def carried(self, child: Scope) -> list[str]:
        key = id(child.expression)
        if key not in self.added:
            self.added[key] = [self.carry(child, value) for value in self.values(child)]
        return self.added[key]

    def carry(self, child: Scope, value: exp.Expr) -> str:
        select = child.expression
        if not isinstance(select, exp.Select) or (_aggregates(select) and not self.grouped_by(child, value)):
            refuse(
                self.q.sql,
                "population",
                "无法确定每行涉及的人数：子查询聚合后丢失了个体标识；请在子查询的 GROUP BY 中包含个体标识列",
                "cannot tell how many persons each row covers: the derived table aggregates away the entity; "
                "include the entity column in its GROUP BY",
                select,
            )
        name = f"__e_{self.count}"
        self.count += 1
        select.select(exp.alias_(value.copy(), name, quoted=True), append=True, copy=False)
        return name

    def grouped_by(self, child: Scope, value: exp.Expr) -> bool:
        """Whether the derived table groups by exactly this entity (so carrying it keeps its rows)."""
        group = child.expression.args.get("group")
        if not group or child.expression.args.get("distinct"):
            return False
        entity = self.q.flow(value, child).raw
        return any(isinstance(k, exp.Column) and self.q.flow(k, child).raw == entity for k in group.expressions)


def population_count(q: Query, values: list[exp.Expr]) -> exp.Expr:
    """``__n``: rows of a single entity-unique table, else distinct entities (the least over joined tables)."""
    sources = list(q.root.selected_sources.values())
    if len(sources) == 1 and isinstance(sources[0][1], exp.Table):
        spec = q.spec(sources[0][1].name)
        if spec.entity is None or spec.entity_unique:
            return exp.Count(this=exp.Star())
    if not values:
        return exp.Count(this=exp.Star())
    counts = [exp.Count(this=exp.Distinct(expressions=[v.copy()])) for v in values]
    return counts[0] if len(counts) == 1 else exp.Anonymous(this="LEAST", expressions=counts)


def _aggregates(select: exp.Select) -> bool:
    if select.args.get("group") or select.args.get("distinct"):
        return True
    return any(is_aggregate(n) and not is_windowed(n) for s in select.selects for n in own_nodes(s))


def contributor_count(q: Query, values: list[exp.Expr], arguments: list[exp.Expr]) -> exp.Expr:
    """``__c_<i>``: like ``__n``, counting only rows where every one of ``arguments`` is not null."""
    present = exp.and_(*(exp.Not(this=exp.Is(this=a.copy(), expression=exp.Null())) for a in arguments))
    total = population_count(q, values)
    counts = total.expressions if isinstance(total, exp.Anonymous) else [total]
    out: list[exp.Expr] = []
    for count in counts:
        if isinstance(count.this, exp.Star):
            out.append(exp.Count(this=exp.case().when(present.copy(), exp.Literal.number(1))))
        else:
            (value,) = count.this.expressions  # COUNT(DISTINCT v)
            out.append(exp.Count(this=exp.Distinct(expressions=[exp.case().when(present.copy(), value.copy())])))
    return out[0] if len(out) == 1 else exp.Anonymous(this="LEAST", expressions=out)
