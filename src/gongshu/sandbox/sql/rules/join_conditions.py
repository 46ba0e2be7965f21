"""Rule: every join has a condition (no CROSS JOIN, comma join, NATURAL or POSITIONAL join) that equates a column
of one side with a column of the other (``ON TRUE`` or ``ON 1 = 1`` is a cross join written another way), and
there are at most ``Limits.max_joins`` joins."""

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
    for join in joins:
        on = join.args.get("on")
        terms = list(on.flatten()) if isinstance(on, exp.And) else [on]
        if on is not None and not any(_links(term) for term in terms if isinstance(term, exp.EQ)):
            refuse(
                q,
                "cross-join",
                "连接条件必须让两侧的列相等（如 a.区县 = b.区县）；ON TRUE 之类等同于交叉连接",
                "a join condition must equate a column of each side (e.g. a.区县 = b.区县); ON TRUE and the like are "
                "cross joins",
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


def _links(eq: exp.EQ) -> bool:
    """Whether both sides of ``a = b`` read columns, not the same ones, and (when qualified) of other tables."""
    left = {(c.table, c.name) for c in eq.this.find_all(exp.Column)}
    right = {(c.table, c.name) for c in eq.expression.find_all(exp.Column)}
    if not left or not right or left == right:
        return False
    tables_left, tables_right = {t for t, _ in left}, {t for t, _ in right}
    return "" in tables_left or "" in tables_right or tables_left != tables_right
