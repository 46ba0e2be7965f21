"""Rule: a query that reads data about persons runs under differential privacy, unless the agreement lets
personal data out without it (an explicit term, shown in the agreement and its disclosure)."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.lineage import own_nodes
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse

_RULE = "personal-needs-dp"


def personal_data(q: Query) -> Finding:
    if q.dp or q.personal_without_dp or not reads_personal(q):
        return passed(_RULE, "发布方式与数据类别相符", "the release fits the kind of data")
    refuse(
        q,
        _RULE,
        "该查询读取含个人信息的数据资源，结果只能以差分隐私（按人）发布：请选择差分隐私并指定 ε 后重新提交",
        "this query reads data about persons: its result is released only with person-level differential privacy; "
        "choose DP with an ε and submit again",
    )


def reads_personal(q: Query) -> bool:
    """Whether any table the query reads holds rows about persons, or any item it uses is personal."""
    for scope in q.scopes():
        for source in scope.sources.values():
            if isinstance(source, exp.Table) and q.spec(source.name).personal:
                return True
        for node in own_nodes(scope.expression):
            if isinstance(node, exp.Column) and isinstance(source := scope.sources.get(node.table), exp.Table):
                col = q.column(source.name, node.name)
                if col is not None and col.personal:
                    return True
    return False
