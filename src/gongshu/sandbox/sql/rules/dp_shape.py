"""Rule (DP only): the outer query is one aggregation the release can take apart — GROUP BY keys that are output
columns, no DISTINCT, no HAVING, LIMIT, QUALIFY, and ordering by group keys only (derived tables and CTEs are fine:
the population and dp-person rules keep each of their rows to one person)."""

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
    for key, zh in (("having", "HAVING"), ("limit", "LIMIT"), ("qualify", "QUALIFY"), ("distinct", "DISTINCT")):
        if tree.args.get(key):
            refuse(
                q,
                _RULE,
                f"差分隐私查询的最外层不能使用 {zh}；可在下载结果后自行筛选（对加噪结果的处理不增加隐私损失）",
                f"the outer query of a differentially private query cannot use {zh}; filter the released (noisy) "
                "result afterwards, which costs no privacy",
                tree.args[key],
            )
    _keys_are_outputs(q)
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
        _RULE,
        "差分隐私查询：最外层是一次分组聚合，分组键都在输出中",
        "DP query: the outer query is one aggregation whose group keys are all output columns",
    )


def _keys_are_outputs(q: Query) -> None:
    group = q.qualified.args.get("group")
    if not group or group.args.get("all"):
        return
    outputs = [o.bound.unalias() for o in q.outputs if o.column.role == "group"]
    for key in group.expressions:
        if not any(key == o for o in outputs):
            refuse(
                q,
                _RULE,
                "差分隐私查询的每个分组键都必须出现在输出列中",
                "every group key of a differentially private query must be an output column",
                key,
            )


def _names_aggregate(q: Query, key: exp.Expr) -> bool:
    col = key.this if isinstance(key, exp.Ordered) else key
    if isinstance(col, exp.Column) and not col.table:
        return any(o.column.role == "aggregate" and o.bound.alias_or_name == col.name for o in q.outputs)
    return False
