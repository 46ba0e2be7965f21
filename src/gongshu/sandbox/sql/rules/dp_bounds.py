"""Rule (DP only): each SUM/AVG item has a declared range (its bounds clamp each contribution)."""

from __future__ import annotations

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse
from gongshu.sandbox.sql.rules._dp import summed_item

_RULE = "dp-bounds"


def dp_bounds(q: Query) -> Finding | None:
    if not q.dp:
        return None
    for out in q.outputs:
        found = summed_item(q, out) if out.column.aggregate in ("sum", "avg") else None
        if found is not None and found[1].bounds is None:
            name = found[1].name
            refuse(
                q,
                _RULE,
                f"信息项 {name} 没有声明取值范围；请先为它设置范围类质量规则（最小值、最大值），差分隐私据此截断",
                f"item {name} has no declared range; declare a range quality rule (min, max) for it: DP clamps to it",
                out.written,
            )
    return passed(_RULE, "求和的信息项都有取值范围", "every summed item has a declared range")
