"""Rule: the text parses and holds exactly one statement (no `;`-separated second one)."""

from __future__ import annotations

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def one_statement(q: Query) -> Finding:
    statements = q.statements
    if not statements:
        refuse(q, "one-statement", "查询中没有语句", "the query holds no statement")
    if len(statements) > 1:
        refuse(
            q,
            "one-statement",
            f"只能提交一条语句，此处有 {len(statements)} 条",
            f"submit one statement only, found {len(statements)}",
            statements[1],
        )
    return passed("one-statement", "查询可以解析，且只有一条语句", "the query parses and holds one statement")
