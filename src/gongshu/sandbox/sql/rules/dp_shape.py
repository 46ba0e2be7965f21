"""Rule (DP only): the outer query is one aggregation the release can take apart — GROUP BY keys that are output
columns, no DISTINCT, HAVING or QUALIFY (derived tables and CTEs are fine: the population and dp-person rules keep
each of their rows to one person). ORDER BY output columns and LIMIT n apply to the noisy result after release
(post-processing: "the ten departments with the most visits" costs no more privacy)."""

from __future__ import annotations

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.outputs import limit_of, output_of
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse

_RULE = "dp-shape"


def dp_shape(q: Query) -> Finding | None:
    if not q.dp:
        return None
    tree = q.qualified
    for key, zh in (("having", "HAVING"), ("qualify", "QUALIFY"), ("distinct", "DISTINCT"), ("offset", "OFFSET")):
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
        if output_of(q, key) is None:
            refuse(
                q,
                _RULE,
                "差分隐私查询只能按输出列排序（写列名或与输出相同的表达式）",
                "a differentially private query may order by its output columns only (their names or expressions)",
                key,
            )
    limit = tree.args.get("limit")
    if limit is not None and limit_of(q) is None:
        refuse(q, _RULE, "LIMIT 须为正整数常量", "LIMIT must be a positive whole number", limit)
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
