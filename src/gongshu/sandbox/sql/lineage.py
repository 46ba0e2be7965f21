"""Lineage: which granted items (table, column) flow into a value, and which of them flow in raw."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from gongshu.sandbox.sql.functions import SAFE_AGGREGATES, is_windowed

if TYPE_CHECKING:
    from gongshu.sandbox.sql.query import Query

Item = tuple[str, str]


@dataclass(frozen=True)
class Flow:
    """``raw``: items whose members' values reach the value unaggregated; ``sources``: every item used."""

    raw: frozenset[Item] = frozenset()
    sources: frozenset[Item] = frozenset()

    def __or__(self, other: Flow) -> Flow:
        return Flow(self.raw | other.raw, self.sources | other.sources)


EMPTY = Flow()


def own_nodes(node: exp.Expr) -> Iterator[exp.Expr]:
    """``node`` and its descendants, without stepping into nested queries or CTE definitions."""
    yield node
    for child in node.iter_expressions():
        if isinstance(child, exp.Query | exp.With):
            continue
        yield from own_nodes(child)


def projection(scope: Scope, name: str) -> exp.Expr | None:
    """The select expression of ``scope`` that outputs column ``name``."""
    selects = scope.expression.selects if isinstance(scope.expression, exp.Query) else []
    return next((s for s in selects if s.alias_or_name.lower() == name.lower()), None)


class Lineage:
    """Computes flows through aliases, derived tables, CTEs, subqueries, windows and aggregates."""

    def __init__(self, query: Query) -> None:
        self.q = query
        self._columns: dict[tuple[int, str], Flow] = {}

    def of(self, node: exp.Expr, scope: Scope) -> Flow:
        if isinstance(node, exp.Column):
            return self.column(node, scope)
        if isinstance(node, exp.Query):
            return self.query(node)
        if isinstance(node, exp.Window):  # PARTITION BY / ORDER BY keys choose the rows, their values do not flow in
            value = self.of(node.this, scope)
            keys = _union([self.of(c, scope) for c in node.iter_expressions() if c is not node.this])
            return Flow(value.raw, value.sources | keys.sources)
        children = [self.of(c, scope) for c in node.iter_expressions() if not isinstance(c, exp.With)]
        flow = _union(children)
        if isinstance(node, SAFE_AGGREGATES) and not is_windowed(node) and not self.grouped_by_protected(scope):
            return Flow(frozenset(), flow.sources)
        return flow

    def query(self, node: exp.Query) -> Flow:
        while isinstance(node, exp.Subquery):
            node = node.this
        scope = self.q.scope_of.get(id(node))
        if scope is None or not isinstance(node, exp.Select):
            return EMPTY
        return _union([self.of(s, scope) for s in node.selects])

    def column(self, col: exp.Column, scope: Scope) -> Flow:
        if isinstance(col.this, exp.Star):
            return _union([self.source_column(src, c.name) for src in scope.sources.values() for c in _columns_of(src)])
        found: Scope | None = scope
        while found is not None:
            source = found.sources.get(col.table) if col.table else None
            if source is not None:
                return self.source_column(source, col.name)
            if not col.table and (target := projection(found, col.name)) is not None and target is not col:
                return self.of(target, found)
            found = found.parent
        return EMPTY

    def source_column(self, source: exp.Table | Scope, name: str) -> Flow:
        if isinstance(source, exp.Table):
            col = self.q.column(source.name, name)
            if col is None:
                return EMPTY
            item = (self.q.spec(source.name).name, col.name)
            return Flow(frozenset({item}), frozenset({item}))
        key = (id(source.expression), name.lower())
        if key not in self._columns:
            self._columns[key] = EMPTY  # guards against cycles
            target = projection(source, name)
            self._columns[key] = self.of(target, source) if target is not None else EMPTY
        return self._columns[key]

    def grouped_by_protected(self, scope: Scope) -> bool:
        """Aggregates of a scope grouped by a protected item are per-member values: they do not clean."""
        group = scope.expression.args.get("group") if isinstance(scope.expression, exp.Select) else None
        if not group:
            return False
        keys = [self.of(k, scope) for k in group.expressions]
        return any(self.q.is_protected(item) for key in keys for item in key.raw)


def _columns_of(source: exp.Table | Scope) -> list[exp.Expr]:
    if isinstance(source, Scope) and isinstance(source.expression, exp.Query):
        return list(source.expression.selects)
    return []


def _union(flows: list[Flow]) -> Flow:
    out = EMPTY
    for flow in flows:
        out = out | flow
    return out
