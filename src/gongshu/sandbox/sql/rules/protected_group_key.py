"""Rule: the outermost GROUP BY has no protected item: each group would be one member's value (in a derived
table whose outer query aggregates again, grouping by a protected item is fine)."""

from __future__ import annotations

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def protected_group_key(q: Query) -> Finding:
    group = q.qualified.args.get("group")
    for key in group.expressions if group else []:
        check = q.is_identifier if q.dp else q.is_protected  # under DP keys pass a noisy threshold
        hits = sorted(item for item in q.flow(key, q.root).raw if check(item))
        if hits:
            items = "、".join(f"{t}.{c}" for t, c in hits)
            refuse(
                q,
                "protected-group-key",
                f"最外层不能按受保护信息项 {items} 分组（每组即个人的值）；可在子查询中分组后再在外层聚合",
                f"the outermost query cannot group by the protected item {items} (each group is one member's value); "
                "group in a derived table and aggregate again outside",
                key,
            )
    return passed(
        "protected-group-key", "最外层分组键不含受保护信息项", "the outermost group keys hold no protected item"
    )
