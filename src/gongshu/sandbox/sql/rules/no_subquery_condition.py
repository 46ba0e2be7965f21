"""Rule: a subquery is only a row source (a derived table in FROM/JOIN, or a CTE definition), never a value.

A subquery used as a value turns an aggregate over another population into a condition, and the query then
answers one yes/no question about it: ``WHERE (SELECT SUM(月收入) FROM T WHERE 区县 = '新区') > 12000`` returns
all the rows or none, so a binary search over the threshold recovers the income of 新区's one person, while
the minimum cell count counts the rows of the outer query and the differencing control and the query audit read
the outer WHERE only. ``IN (SELECT …)``, ``EXISTS (…)``, ``= ANY (…)``/``ALL (…)``, a scalar subquery in the
select list, ON, HAVING, QUALIFY, ORDER BY, a GROUP BY key (say inside a CASE) or a derived table's projected
column do the same. So every subquery, in every scope, must be a FROM/JOIN source or a CTE definition; what
it joins in is then part of the outer query's rows, which the controls see."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse

_RULE = "subquery-condition"


def no_subquery_condition(q: Query) -> Finding:
    tree = q.tree
    for node in tree.find_all(exp.Select, exp.SetOperation):
        outer = _wrapper(node)
        if node is tree or _row_source(outer):
            continue
        refuse(
            q,
            _RULE,
            "子查询只能作为 FROM/JOIN 的数据源或 WITH 中的定义；用在条件、ON、HAVING、QUALIFY、选择列或分组键中的"
            "子查询（标量子查询、IN、EXISTS、ANY/ALL）把另一组人的汇总值变成筛选条件，每次查询都泄露这一组人的"
            "一点信息，最小单元格人数与差分控制都看不到它；请改为 JOIN 该表（或把子查询放在 FROM 中再 JOIN）",
            "a subquery may only be a FROM/JOIN source or a WITH definition; a subquery in a condition, ON, HAVING, "
            "QUALIFY, the select list or a group key (scalar, IN, EXISTS, ANY/ALL) turns an aggregate over another "
            "group of persons into a filter, so each query leaks a bit about that group, which neither the minimum "
            "cell count nor the differencing control sees; JOIN the table instead (or put the subquery in FROM and "
            "JOIN it)",
            _shown(outer),
        )
    return passed(
        _RULE,
        "子查询只作为 FROM/JOIN 的数据源或 WITH 中的定义",
        "subqueries are only FROM/JOIN sources or WITH definitions",
    )


def _wrapper(node: exp.Expr) -> exp.Expr:
    """``node`` with the parentheses (``Subquery`` nodes without a source role of their own) around it."""
    while isinstance(node.parent, exp.Subquery) and node.arg_key == "this":
        node = node.parent
    return node


def _row_source(node: exp.Expr) -> bool:
    """A derived table in FROM or JOIN (not LATERAL), or the body of a CTE."""
    parent = node.parent
    if isinstance(parent, exp.CTE):
        return node.arg_key == "this"
    return isinstance(node, exp.Subquery) and isinstance(parent, exp.From | exp.Join) and node.arg_key == "this"


def _shown(node: exp.Expr) -> exp.Expr:
    """Where to point: the EXISTS / ANY / ALL / IN around the subquery, else the subquery itself."""
    parent = node.parent
    return parent if isinstance(parent, exp.Exists | exp.Any | exp.All | exp.In) else node
