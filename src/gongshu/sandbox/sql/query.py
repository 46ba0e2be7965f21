"""The query under analysis: the raw text, its parse, its qualified form and scopes, computed once."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cached_property

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError, SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, build_scope

from gongshu.sandbox.errors import SqlRefused
from gongshu.sandbox.spec import ColumnSpec, Limits, TableSpec
from gongshu.sandbox.sql.lineage import Flow, Lineage
from gongshu.sandbox.sql.outputs import Output, outer_outputs

DIALECT = "duckdb"
_UNRESOLVED = re.compile(r"Column '([^']*)' could not be resolved")


class Query:
    """One developer query and everything the rules derive from it (each part parsed at most once)."""

    def __init__(
        self, sql: str, tables: Mapping[str, TableSpec], limits: Limits, dp: bool, *, personal_without_dp: bool = False
    ) -> None:
        self.sql = sql
        self.tables = {spec.name.lower(): spec for spec in tables.values()}
        self.limits = limits
        self.dp = dp
        self.personal_without_dp = personal_without_dp  # the agreement lets personal data out without DP
        self.entities: list[exp.Expr] = []  # set by the population rule: entity values in the outer FROM

    @cached_property
    def statements(self) -> list[exp.Expr]:
        try:
            return [s for s in sqlglot.parse(self.sql, read=DIALECT) if s is not None]
        except SqlglotError as e:
            raise _parse_refusal(e) from e

    @property
    def tree(self) -> exp.Select:
        """The single SELECT statement, as written (checked by the statement rules first)."""
        tree = self.statements[0]
        assert isinstance(tree, exp.Select)
        return tree

    @cached_property
    def qualified(self) -> exp.Select:
        """A copy with every column bound to its source alias (sqlglot's qualify against the grant)."""
        schema: dict[str, object] = {
            spec.name: {c: "DOUBLE" if col.numeric else "VARCHAR" for c, col in spec.columns.items()}
            for spec in self.tables.values()
        }
        try:
            tree = qualify(self.tree.copy(), schema=schema, dialect=DIALECT, quote_identifiers=False)
        except (OptimizeError, SqlglotError) as e:
            raise _column_refusal(str(e)) from e
        assert isinstance(tree, exp.Select)
        return tree

    @cached_property
    def root(self) -> Scope:
        scope = build_scope(self.qualified)
        assert scope is not None
        return scope

    @cached_property
    def scope_of(self) -> dict[int, Scope]:
        """Each scope by the id of its SELECT node (to step into subqueries)."""
        return {id(scope.expression): scope for scope in self.root.traverse()}

    @cached_property
    def lineage(self) -> Lineage:
        return Lineage(self)

    @cached_property
    def outputs(self) -> list[Output]:
        """The outer query's columns: role, aggregate kind, name and lineage."""
        return outer_outputs(self)

    def flow(self, node: exp.Expr, scope: Scope) -> Flow:
        return self.lineage.of(node, scope)

    def spec(self, table: str) -> TableSpec:
        return self.tables[table.lower()]

    def column(self, table: str, name: str) -> ColumnSpec | None:
        spec = self.tables.get(table.lower())
        if spec is None:
            return None
        return next((c for key, c in spec.columns.items() if key.lower() == name.lower()), None)

    def is_protected(self, item: tuple[str, str]) -> bool:
        col = self.column(*item)
        return col is None or col.protected or col.identifier

    def is_identifier(self, item: tuple[str, str]) -> bool:
        col = self.column(*item)
        return col is not None and (col.identifier or self.spec(item[0]).entity == col.name)

    def scopes(self) -> Iterator[Scope]:
        yield from self.root.traverse()


def _parse_refusal(e: SqlglotError) -> SqlRefused:
    errors = getattr(e, "errors", None) or []
    first = errors[0] if errors else {}
    place = f"第{first['line']}行第{first['col']}列 / line {first['line']}, column {first['col']}" if first else ""
    detail = str(first.get("description", "")) or str(e).splitlines()[0]
    if first.get("highlight"):
        place += f": {first['highlight']}"
    return SqlRefused("parse", f"无法解析该 SQL（{detail}）", f"the SQL could not be parsed ({detail})", place)


def _column_refusal(message: str) -> SqlRefused:
    found = _UNRESOLVED.search(message)
    name = found.group(1) if found else ""
    if name:
        return SqlRefused(
            "known-columns",
            f"列 {name} 不存在或未授权；只能使用协议授予的信息项",
            f"column {name} does not exist or is not granted; use only the granted items",
            name,
        )
    first = message.splitlines()[0]
    return SqlRefused("known-columns", f"无法确定列的来源（{first}）", f"cannot resolve the columns ({first})")
