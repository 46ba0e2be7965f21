"""Rule: no UNION / INTERSECT / EXCEPT (each branch would need its own output control; submit them separately)."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def no_set_operations(q: Query) -> Finding:
    node = q.statements[0].find(exp.SetOperation)
    if node is not None:
        refuse(
            q,
            "set-operation",
            "不支持 UNION/INTERSECT/EXCEPT；请把各部分作为单独的查询提交",
            "UNION/INTERSECT/EXCEPT are not supported; submit each part as its own query",
            node,
        )
    return passed("set-operation", "没有集合运算", "no set operations")
