"""Rule: every column resolves to a granted item of a granted table (through aliases, CTEs and subqueries)."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def known_columns(q: Query) -> Finding:
    for scope in q.scopes():
        for column in scope.columns:
            source = scope.sources.get(column.table)
            if isinstance(source, exp.Table) and q.column(source.name, column.name) is None:
                refuse(
                    q,
                    "known-columns",
                    f"列 {column.name} 未授权；只能使用协议授予的信息项",
                    f"column {column.name} is not granted; use only the granted items",
                    column,
                )
    return passed("known-columns", "只使用授权的信息项", "uses only granted items")
