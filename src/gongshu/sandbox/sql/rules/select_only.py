"""Rule: the statement is a SELECT (WITH allowed): no DDL, DML, settings, files, extensions or commands."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def select_only(q: Query) -> Finding:
    statement = q.statements[0]
    if not isinstance(statement, exp.Select | exp.SetOperation):
        kind = statement.key.upper() if not isinstance(statement, exp.Command) else str(statement.this).upper()
        refuse(
            q,
            "select-only",
            f"只允许 SELECT 查询，不允许 {kind} 语句（建表、写入、设置、文件、扩展等操作一律拒绝）",
            f"only SELECT queries are allowed, not {kind} (DDL, DML, settings, files and extensions are refused)",
            statement,
        )
    for node in statement.walk():
        if isinstance(node, exp.Into | exp.DDL | exp.DML | exp.Command):
            refuse(
                q, "select-only", "查询中不允许写入或命令", "writes and commands are not allowed inside a query", node
            )
    return passed("select-only", "语句是只读的 SELECT 查询", "the statement is a read-only SELECT")
