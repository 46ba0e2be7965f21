"""Rule: no output column carries a protected item's raw value, however it is wrapped (function, CASE, cast,
concatenation, window, scalar subquery, derived table, CTE, alias) — only safe aggregates clean it."""

from __future__ import annotations

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def raw_protected_output(q: Query) -> Finding:
    for out in q.outputs:
        if q.dp and out.column.role == "aggregate":
            continue  # every aggregate is released with noise (dp-aggregates says which may be)
        # Under DP a group key of a protected item is released only through the noisy threshold (or as declared
        # public values): only an identifier stays out, as every group would be one person.
        dp_key = q.dp and out.column.role == "group"
        check = q.is_identifier if dp_key else q.is_protected
        hits = sorted(item for item in q.flow(out.bound, q.root).raw if check(item))
        if hits:
            items = "、".join(f"{t}.{c}" for t, c in hits)
            refuse(
                q,
                "raw-protected-output",
                f"输出列 {out.column.name} 会输出受保护信息项 {items} 的原始值；"
                "受保护项只能出现在 COUNT、SUM、AVG 等聚合中",
                f"output column {out.column.name} would output raw values of the protected item {items}; "
                "protected items may appear only inside COUNT, SUM, AVG and similar aggregates",
                out.written,
            )
    return passed(
        "raw-protected-output", "没有输出受保护信息项的原始值", "no output carries a protected item's raw value"
    )
