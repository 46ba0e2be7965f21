"""Rule: no GROUPING SETS, ROLLUP or CUBE. One result would hold several tables at once (district rows beside their
total row), whose suppression patterns output control completes one table at a time and whose cells the query
audit names by one set of keys; submit each grouping as its own query."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def grouping_sets(q: Query) -> Finding:
    node = q.tree.find(exp.GroupingSets, exp.Rollup, exp.Cube)
    if node is not None:
        refuse(
            q,
            "grouping-sets",
            "不支持 GROUPING SETS、ROLLUP、CUBE；请把每种分组作为单独的查询提交",
            "GROUPING SETS, ROLLUP and CUBE are not supported; submit each grouping as its own query",
            node,
        )
    return passed("grouping-sets", "每个查询只有一种分组", "one grouping per query")
