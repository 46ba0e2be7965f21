"""Rule (DP only): each SUM/AVG/quantile argument has a finite range — from the items' declared ranges (range
quality rules) and the literals around them, or a clamp written in the query — into which every row's value is
clamped, so that one person moves the result by a known amount."""

from __future__ import annotations

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.bounding import aggregate_argument, is_quantile
from gongshu.sandbox.sql.interval import range_of
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse

_RULE = "dp-bounds"


def dp_bounds(q: Query) -> Finding | None:
    if not q.dp:
        return None
    for out in q.outputs:
        if out.column.aggregate not in ("sum", "avg") and not is_quantile(out.aggregate):
            continue
        argument = aggregate_argument(out.aggregate)
        if argument is None or range_of(q, argument, q.root) is None:
            refuse(
                q,
                _RULE,
                f"无法确定 {out.column.name} 的取值范围：请为所用信息项设置范围类质量规则（最小值、最大值），"
                "或在查询中截断，例如 SUM(LEAST(GREATEST(x, 0), 100))；差分隐私按该范围截断每行的值",
                f"no range is known for {out.column.name}: declare a range quality rule (min, max) for the items it "
                "reads, or clamp it in the query, e.g. SUM(LEAST(GREATEST(x, 0), 100)); DP clamps each row into it",
                out.written,
            )
    return passed(_RULE, "求和与分位数的参数都有取值范围", "every summed or quantile argument has a range")
