"""Rule (DP only): each aggregate output is one call of COUNT(*), COUNT(x), COUNT(DISTINCT x), SUM(x), AVG(x),
MEDIAN(x), QUANTILE_CONT(x, p) or PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY x), p a literal in [0, 1], over a
row-level x (any expression of the row: CASE, arithmetic, functions), without FILTER."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.bounding import aggregate_argument, is_quantile, quantile_of
from gongshu.sandbox.sql.functions import is_aggregate, is_windowed
from gongshu.sandbox.sql.lineage import own_nodes
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse

_RULE = "dp-aggregates"
_SUPPORTED = "COUNT(*)、COUNT(x)、COUNT(DISTINCT x)、SUM(x)、AVG(x)、MEDIAN(x)、QUANTILE_CONT(x, p)"


def dp_aggregates(q: Query) -> Finding | None:
    if not q.dp:
        return None
    for out in q.outputs:
        if out.column.role != "aggregate":
            continue
        node = out.aggregate
        if node is None or not (isinstance(node, exp.Count | exp.Sum | exp.Avg) or is_quantile(node)):
            refuse(
                q,
                _RULE,
                f"差分隐私查询的每个聚合列只能是一次 {_SUPPORTED} 调用（比值请分别输出分子和分母，或用 AVG）",
                f"under DP each aggregate column is one call of {_SUPPORTED} (for a ratio output numerator and "
                "denominator, or use AVG)",
                out.written,
            )
        if is_quantile(node) and not 0 <= quantile_of(node) <= 1:
            refuse(
                q,
                _RULE,
                "分位数必须是 0 到 1 之间的数字常量",
                "the quantile must be a number literal between 0 and 1",
                out.written,
            )
        argument = aggregate_argument(node)
        inner = [n for n in own_nodes(argument) if is_aggregate(n) or is_windowed(n)] if argument else []
        if inner:
            refuse(
                q,
                _RULE,
                "差分隐私聚合的参数必须是行级表达式，不能再含聚合或窗口函数；可先在按个人分组的子查询中计算",
                "the argument of a DP aggregate must be a row-level expression without aggregates or windows; "
                "compute per person in a derived table grouped by the person first",
                inner[0],
            )
    return passed(_RULE, "聚合均可按人加噪发布", "every aggregate can be released with person-level noise")
