"""Rule: every join has a condition (no CROSS JOIN, comma join, NATURAL or POSITIONAL join), and there are at
most ``Limits.max_joins`` joins."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def join_conditions(q: Query) -> Finding:
    joins = list(q.statements[0].find_all(exp.Join))
    for join in joins:
        kind = str(join.args.get("kind") or "").upper()
        method = str(join.args.get("method") or "").upper()
        if kind == "CROSS" or method or not (join.args.get("on") or join.args.get("using")):
            refuse(
                q,
                "cross-join",
                "每个连接都需要 ON 或 USING 条件；不允许 CROSS JOIN、逗号连接、NATURAL 或 POSITIONAL 连接",
                "every join needs an ON or USING condition; CROSS, comma, NATURAL and POSITIONAL joins are refused",
                join,
            )
    most = q.limits.max_joins
    if len(joins) > most:
        refuse(
            q,
            "max-joins",
            f"查询有 {len(joins)} 个连接，上限为 {most}",
            f"the query has {len(joins)} joins, the limit is {most}",
            joins[most],
        )
    return passed(
        "cross-join",
        f"每个连接都有条件，共 {len(joins)} 个（上限 {most}）",
        f"every join has a condition; {len(joins)} joins (limit {most})",
    )
