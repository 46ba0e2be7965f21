"""Rule (DP only): a flat aggregate query — no subqueries, CTEs, windows, HAVING, LIMIT or ORDER BY on aggregates."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.functions import is_aggregate
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse

_RULE = "dp-shape"


def dp_shape(q: Query) -> Finding | None:
    if not q.dp:
        return None
    tree = q.qualified
    nested = next((s.expression for s in q.scopes() if s is not q.root), None)
    if nested is not None:
        refuse(
            q,
            _RULE,
            "差分隐私查询不能包含子查询或 CTE",
            "a differentially private query cannot hold subqueries or CTEs",
            nested,
        )
    for key, zh in (("having", "HAVING"), ("limit", "LIMIT"), ("qualify", "QUALIFY")):
        if tree.args.get(key):
            refuse(
                q,
                _RULE,
                f"差分隐私查询不能使用 {zh}",
                f"a differentially private query cannot use {zh}",
                tree.args[key],
            )
    window = tree.find(exp.Window)
    if window is not None:
        refuse(
            q,
            _RULE,
            "差分隐私查询不能使用窗口函数",
            "a differentially private query cannot use window functions",
            window,
        )
    order = tree.args.get("order")
    for key in order.expressions if order else []:
        if any(is_aggregate(n) for n in key.walk()) or _names_aggregate(q, key):
            refuse(
                q,
                _RULE,
                "差分隐私查询只能按分组键排序",
                "a differentially private query may order by group keys only",
                key,
            )
    return passed(
        _RULE, "差分隐私查询结构简单（无子查询、HAVING、LIMIT）", "the DP query is flat (no subqueries, HAVING, LIMIT)"
    )


def _names_aggregate(q: Query, key: exp.Expr) -> bool:
    col = key.this if isinstance(key, exp.Ordered) else key
    if isinstance(col, exp.Column) and not col.table:
        return any(o.column.role == "aggregate" and o.bound.alias_or_name == col.name for o in q.outputs)
    return False
