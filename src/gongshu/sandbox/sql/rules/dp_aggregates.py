"""Rule (DP only): outputs are group keys or COUNT(*), COUNT(x), SUM(x), AVG(x) of a numeric item."""

from __future__ import annotations

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse
from gongshu.sandbox.sql.rules._dp import summed_item

_RULE = "dp-aggregates"


def dp_aggregates(q: Query) -> Finding | None:
    if not q.dp:
        return None
    for out in q.outputs:
        if out.column.role != "aggregate":
            continue
        kind = out.column.aggregate
        if out.aggregate is None or kind not in ("count", "sum", "avg"):
            refuse(
                q,
                _RULE,
                "差分隐私查询只支持 COUNT(*)、COUNT(x)、SUM(x)、AVG(x)，且不能嵌入其他表达式",
                "a differentially private query supports only COUNT(*), COUNT(x), SUM(x) and AVG(x), unwrapped",
                out.written,
            )
        found = summed_item(q, out) if kind in ("sum", "avg") else None
        if kind in ("sum", "avg") and (found is None or not found[1].numeric):
            refuse(
                q,
                _RULE,
                "差分隐私的 SUM/AVG 只能作用于一个数值型信息项（直接写列名）",
                "under DP, SUM/AVG must take one numeric item directly (a bare column)",
                out.written,
            )
    return passed(_RULE, "聚合均为 COUNT/SUM/AVG", "every aggregate is COUNT, SUM or AVG")
