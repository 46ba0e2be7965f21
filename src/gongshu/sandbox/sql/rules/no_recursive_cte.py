"""Rule: no WITH RECURSIVE (a recursive CTE can generate unbounded rows)."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def no_recursive_cte(q: Query) -> Finding:
    for node in q.statements[0].find_all(exp.With):
        if node.args.get("recursive"):
            refuse(
                q,
                "recursive-cte",
                "不允许递归 CTE（WITH RECURSIVE）",
                "recursive CTEs (WITH RECURSIVE) are not allowed",
                node,
            )
    return passed("recursive-cte", "没有递归 CTE", "no recursive CTE")
