"""Rule: no window function in a SELECT that aggregates: its cells are not yet protected when the window runs.

Output control drops the cells with too few persons only after the query has run, so a window over aggregated
cells spans them all: ``SUM(SUM(x)) OVER (ORDER BY 区县 ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)`` releases
pairwise sums that include the dropped small cell, and a chain of them recovers it (so would LAG, a running total
or a share of the total). A SELECT aggregates when it has GROUP BY or non-windowed aggregates in its select list,
HAVING, QUALIFY or ORDER BY. Windows over rows in a derived table that does not aggregate remain allowed (a
protected item in a value window is refused by ``value-aggregate``)."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.functions import is_aggregate, is_windowed
from gongshu.sandbox.sql.lineage import own_nodes
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse

_RULE = "window-over-cells"


def window_over_cells(q: Query) -> Finding:
    for scope in q.scopes():
        select = scope.expression
        if not isinstance(select, exp.Select) or not _aggregates(select):
            continue
        window = next((n for n in own_nodes(select) if isinstance(n, exp.Window)), None)
        if window is not None:
            refuse(
                q,
                _RULE,
                "聚合查询中的窗口函数会跨越多个单元格计算，而输出控制在查询之后才隐藏人数过少的单元格，"
                "窗口的值会把被隐藏的单元格带出来；请去掉窗口函数，或只在不聚合的子查询中使用",
                "a window function in an aggregating SELECT spans several cells before output control hides the "
                "small ones, so its values carry the hidden cells out; drop the window, or use it only in a "
                "derived table that does not aggregate",
                window,
            )
    return passed(
        _RULE,
        "聚合查询中没有跨越单元格的窗口函数",
        "no window function spans the cells of an aggregating SELECT",
    )


def _aggregates(select: exp.Select) -> bool:
    """GROUP BY, or a non-windowed aggregate in the select list, HAVING, QUALIFY or ORDER BY."""
    if select.args.get("group"):
        return True
    parts = [*select.expressions, *(select.args.get(k) for k in ("having", "qualify", "order"))]
    return any(_aggregate(n) for part in parts if part is not None for n in own_nodes(part))


def _aggregate(node: exp.Expr) -> bool:
    windowed = is_windowed(node) or (isinstance(node.parent, exp.Filter) and is_windowed(node.parent))
    return is_aggregate(node) and not windowed
