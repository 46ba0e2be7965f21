"""Entity propagation: the expressions that give, in the outer query, the person/entity behind each row —
carried out of derived tables and CTEs as hidden ``__e_<k>`` columns."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from gongshu.sandbox.sql.functions import is_aggregate, is_windowed
from gongshu.sandbox.sql.lineage import own_nodes, projection
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
        key = self.grouped_by(child, value) if isinstance(select, exp.Select) and _aggregates(select) else value
        if not isinstance(select, exp.Select) or key is None:
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
        select.select(exp.alias_(key.copy(), name, quoted=True), append=True, copy=False)
        return name

    def grouped_by(self, child: Scope, value: exp.Expr) -> exp.Expr | None:
        """The GROUP BY key of the derived table that is exactly this entity value (so carrying the key keeps its
        rows and stays valid SQL: ``value`` itself may be a deeper carried ``__e_<k>`` column the key reads), or
        None."""
        group = child.expression.args.get("group")
        if not group or child.expression.args.get("distinct"):
            return None
        return next((k for k in group.expressions if same_value(k, value, child)), None)


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


def same_value(key: exp.Expr, value: exp.Expr, scope: Scope) -> bool:
    """Whether ``key`` and ``value`` are the same value of ``scope``'s rows: one column of one source, followed
    down through the derived tables to the expressions that define it, or equal expressions."""
    if not (isinstance(key, exp.Column) and isinstance(value, exp.Column)):
        return key == value
    if not key.table or key.table != value.table:
        return False
    source = scope.sources.get(key.table)
    if isinstance(source, exp.Table):
        return key.name.lower() == value.name.lower()
    if not isinstance(source, Scope):
        return False
    left, right = projection(source, key.name), projection(source, value.name)
    return left is not None and right is not None and same_value(left.unalias(), right.unalias(), source)


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
