"""Rule: the query is no longer than the limit."""

from __future__ import annotations

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def query_length(q: Query) -> Finding:
    most = q.limits.max_query_chars
    if len(q.sql) > most:
        refuse(
            q,
            "query-length",
            f"查询长 {len(q.sql)} 个字符，上限为 {most}",
            f"the query has {len(q.sql)} characters, the limit is {most}",
        )
    if not q.sql.strip():
        refuse(q, "query-length", "查询为空", "the query is empty")
    return passed("query-length", f"查询长度不超过 {most} 个字符", f"the query is at most {most} characters long")
