"""Rule: every function called is on the allowlist (no file, system, settings, environment or table functions)."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.functions import function_name, is_allowed
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def allowed_functions(q: Query) -> Finding:
    for node in q.statements[0].find_all(exp.Func):
        if not is_allowed(node):
            name = function_name(node)
            refuse(
                q,
                "allowed-functions",
                f"不允许调用函数 {name}；只能使用常用的数学、字符串、日期、条件和聚合函数",
                f"function {name} is not allowed; use common math, string, date, conditional and aggregate functions",
                node,
            )
    other = q.statements[0].find(exp.Lambda, exp.Placeholder, exp.Parameter, exp.SessionParameter)
    if other is not None:
        refuse(
            q,
            "allowed-functions",
            "不允许使用 lambda、参数或会话变量",
            "lambdas, parameters and session variables are not allowed",
            other,
        )
    return passed("allowed-functions", "只调用允许的函数", "calls only allowed functions")
