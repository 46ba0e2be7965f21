"""Rule: a protected item never goes into an aggregate that returns a member's value (MIN, MAX, ARG_MAX,
LIST, STRING_AGG, FIRST, ANY_VALUE, MEDIAN, QUANTILE, MODE …) nor into a window's value function."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.bounding import is_quantile
from gongshu.sandbox.sql.functions import VALUE_AGGREGATES, WINDOW_FUNCTIONS, function_name
from gongshu.sandbox.sql.lineage import own_nodes
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse

_VALUE_WINDOWS = tuple(
    c for c in WINDOW_FUNCTIONS if c.__name__ in {"FirstValue", "LastValue", "NthValue", "Lag", "Lead"}
)


def value_aggregates(q: Query) -> Finding:
    for scope in q.scopes():
        if q.dp and scope is not q.root:
            continue  # under DP a derived table holds one person's rows (population, dp-person): its own values
        for node in own_nodes(scope.expression):
            if q.dp and (is_quantile(node) or is_quantile(node.parent)):
                continue  # a DP quantile: a noisy histogram, not a member's value
            if isinstance(node, exp.Func) and isinstance(node, VALUE_AGGREGATES + _VALUE_WINDOWS):
                _check(q, node, scope)
    return passed(
        "value-aggregate",
        "受保护的信息项只进入不返回个体值的聚合（COUNT、SUM、AVG、STDDEV …）",
        "protected items go only into aggregates that return no member's value (COUNT, SUM, AVG, STDDEV …)",
    )


def _check(q: Query, node: exp.Func, scope: Scope) -> None:
    flow = q.flow(node, scope)
    hits = sorted(item for item in flow.sources if q.is_protected(item))
    if hits:
        name = function_name(node)
        items = "、".join(f"{t}.{c}" for t, c in hits)
        refuse(
            q,
            "value-aggregate",
            f"{name} 会返回个体的值，不能用于受保护的信息项 {items}；请改用 COUNT、SUM、AVG 等",
            f"{name} returns a member's value and cannot take the protected item {items}; use COUNT, SUM, AVG …",
            node,
        )
