"""Rule: at most ``Limits.max_output_columns`` output columns, each with a name DuckDB will return as we say."""

from __future__ import annotations

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def output_columns(q: Query) -> Finding:
    most = q.limits.max_output_columns
    if len(q.outputs) > most:
        refuse(
            q,
            "max-output-columns",
            f"输出 {len(q.outputs)} 列，上限为 {most}",
            f"{len(q.outputs)} output columns, the limit is {most}",
        )
    seen: set[str] = set()
    for out in q.outputs:
        if out.name is None:
            refuse(
                q,
                "output-name",
                "请为该输出列起一个别名（AS 名称）",
                "give this output column an alias (AS name)",
                out.written,
            )
        if out.name.startswith("__") or out.name.lower() in seen:
            refuse(
                q,
                "output-name",
                f"输出列名 {out.name} 重复或以 __ 开头（保留给系统列）",
                f"output column name {out.name} is repeated or starts with __ (reserved for hidden columns)",
                out.written,
            )
        seen.add(out.name.lower())
    return passed(
        "max-output-columns",
        f"输出 {len(q.outputs)} 列（上限 {most}），列名明确",
        f"{len(q.outputs)} named output columns (limit {most})",
    )
