"""Rule: the outermost SELECT aggregates: every output column is a GROUP BY key or an aggregate."""

from __future__ import annotations

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.outputs import is_aggregating
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def outer_aggregate(q: Query) -> Finding:
    if not is_aggregating(q):
        refuse(
            q,
            "outer-aggregate",
            "最外层查询必须是聚合查询（GROUP BY 或 COUNT/SUM/AVG 等），不能输出明细行",
            "the outermost query must aggregate (GROUP BY, or COUNT/SUM/AVG …); row-level output is refused",
            q.tree.selects[0],
        )
    return passed("outer-aggregate", "最外层查询是聚合查询", "the outermost query aggregates")
