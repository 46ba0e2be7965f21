"""Rule: the outer SELECT lists its columns (no `*`, `t.*`, COLUMNS(...)): the output is stated, not implied."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def no_star_output(q: Query) -> Finding:
    for select in q.tree.selects:
        star = select if isinstance(select, exp.Star) else select.find(exp.Star)
        if star is not None and not isinstance(star.parent, exp.Count):
            refuse(
                q,
                "star-output",
                "最外层 SELECT 不能使用 *；请逐一列出要输出的列",
                "the outer SELECT may not use *; list the columns to output",
                select,
            )
    return passed("star-output", "输出列已逐一列出", "the output columns are listed")
