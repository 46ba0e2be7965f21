"""Rule: an aggregate measures the whole cell; a condition goes in WHERE or GROUP BY, never inside the measure.

Conditional aggregation hides a sub-population inside the measure: ``SUM(x) FILTER (WHERE 区县 = '新区')``,
``COUNT(CASE WHEN … THEN 1 END)``, ``SUM(x * CAST(区县 = '新区' AS INTEGER))``, ``SUM(x / (y - 7))`` (division by
zero gives NULL, which filters), ``SUM(CAST(x / 12346 AS INTEGER))`` (rounding is a step function) and
``SUM(x + 1e20 - 1e20)`` (so is floating-point rounding) each add up a few members of the cell, while the minimum
cell count counts the persons of the whole cell and the differencing control reads only WHERE. So every aggregate
(not windowed), in every scope, has no FILTER and takes ``*`` or an affine function a·x + b of at most one value x
occurring once: a granted item, or an inner aggregate (whose own argument is checked in its own scope), followed
through derived-table and CTE columns to the expressions that define them; built only from numeric literals,
+ − × ÷ (x never in a divisor), unary minus, parentheses, DISTINCT and casts to DOUBLE/FLOAT/REAL (arithmetic and
casts only on a numeric x: a text that does not convert would become NULL, a filter again), with
1e-9 ≤ |a| ≤ 1e9 and |b| ≤ 1e6·|a| at every step so that rounding stays far below one unit of x. Arguments that
read no value (``COUNT(1)``, a separator, a quantile) are constants and pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import NoReturn

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.functions import SAFE_AGGREGATES, function_name, is_aggregate, is_windowed
from gongshu.sandbox.sql.lineage import own_nodes, projection
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse

_RULE = "aggregate-argument"
_REAL = frozenset({exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT})
_A_MIN, _A_MAX, _B_PER_A = Fraction(1, 10**9), Fraction(10**9), Fraction(10**6)
_MAX_EXPONENT = 30  # |log10| of a literal: beyond it only rounding tricks need it
_OPERATORS = {
    "eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "nullsafeeq": "IS NOT DISTINCT FROM",
    "nullsafeneq": "IS DISTINCT FROM", "is": "IS", "in": "IN", "like": "LIKE", "ilike": "ILIKE", "between": "BETWEEN",
    "and": "AND", "or": "OR", "not": "NOT", "xor": "XOR", "mod": "%", "intdiv": "//", "dpipe": "||",
}  # fmt: skip


@dataclass(frozen=True)
class _Form:
    """``a·x + b`` with ``values`` occurrences of x (0 or 1); ``number``: one numeric literal, maybe signed;
    ``text``: x is not known to be numeric (a text item, MIN/MAX/FIRST … of one)."""

    a: Fraction
    b: Fraction
    values: int
    number: bool = False
    text: bool = False


@dataclass(eq=False)
class _Found(Exception):
    """What breaks the form, where, and the derived columns followed to reach it."""

    node: exp.Expr
    zh: str
    en: str
    via: list[str] = field(default_factory=list)


def aggregate_argument(q: Query) -> Finding:
    if q.dp:  # contributions are bounded per person and clamped, and every released value is noisy
        return passed(
            _RULE,
            "差分隐私：每人的贡献有上限并截断，聚合参数可以是任意行级表达式",
            "under DP each person's contribution is bounded and clamped: any row-level argument is fine",
        )
    for scope in q.scopes():
        for node in own_nodes(scope.expression):
            if is_aggregate(node) and not is_windowed(node):
                _check(q, node, scope)
    return passed(
        _RULE,
        "聚合的参数只是 * 或一个信息项的线性变换，没有条件聚合",
        "every aggregate takes * or a linear function of one item: no conditional aggregation",
    )


def _check(q: Query, agg: exp.Expr, scope: Scope) -> None:
    name = function_name(agg).upper() if isinstance(agg, exp.Func) else agg.key.upper()
    if isinstance(agg.parent, exp.Filter) and agg.arg_key == "this":
        _refuse(q, f"{name} 带有 FILTER 子句", f"{name} carries a FILTER clause", agg.parent)
    try:
        for arg in agg.iter_expressions():
            for part in _arguments(arg):
                if not _constant(part):
                    _Forms(q).of(part, scope)
    except _Found as found:
        via_zh = f"（经派生列 {'、'.join(found.via)}）" if found.via else ""
        via_en = f" (through the derived column {', '.join(found.via)})" if found.via else ""
        _refuse(
            q,
            f"{name} 的参数{via_zh}含有{found.zh}",
            f"the argument of {name}{via_en} holds {found.en}",
            found.node,
        )


def _refuse(q: Query, zh: str, en: str, node: exp.Expr) -> NoReturn:
    refuse(
        q,
        _RULE,
        f"条件聚合会在度量中隐藏一个子总体：{zh}；最小单元格人数只统计整个分组的人数，差分控制只读取 WHERE，"
        "都看不到它。聚合的参数只能是 *、一个信息项或它的线性变换（加减常数、乘除以常数、转换为 DOUBLE），"
        "且不带 FILTER；请把条件写在 WHERE 或 GROUP BY 中，最小单元格人数与差分控制才能看到",
        f"conditional aggregation hides a sub-population inside the measure: {en}, which neither the minimum cell "
        "count (it counts the persons of the whole group) nor the differencing control (it reads only WHERE) sees. "
        "An aggregate takes only *, one item or a linear function of it (adding, multiplying or dividing by numbers, "
        "a cast to DOUBLE), without FILTER; put conditions in WHERE or GROUP BY, where the minimum cell count and "
        "the differencing control see them",
        node,
    )


def _arguments(arg: exp.Expr) -> list[exp.Expr]:
    """The values an aggregate argument reads: inside DISTINCT, ORDER BY and IGNORE/RESPECT NULLS; ``*`` reads none."""
    if isinstance(arg, exp.Star) or (isinstance(arg, exp.Column) and isinstance(arg.this, exp.Star)):
        return []
    if isinstance(arg, exp.Distinct):
        return [p for e in arg.expressions for p in _arguments(e)]
    if isinstance(arg, exp.Order):
        keys = [o.this if isinstance(o, exp.Ordered) else o for o in arg.expressions]
        return [p for e in [arg.this, *keys] if e is not None for p in _arguments(e)]
    if isinstance(arg, exp.IgnoreNulls | exp.RespectNulls):
        return _arguments(arg.this)
    return [arg]


def _constant(node: exp.Expr) -> bool:
    """Reads no value of any row: no column, subquery, window or aggregate."""
    return not any(
        isinstance(n, exp.Column | exp.Query | exp.Window | exp.Star) or is_aggregate(n) for n in node.walk()
    )


class _Forms:
    """Reduces an argument to ``a·x + b`` or raises ``_Found`` at the first node that is not affine."""

    def __init__(self, q: Query) -> None:
        self.q = q
        self._following: set[tuple[int, str]] = set()  # derived columns being followed (guards against cycles)

    def of(self, node: exp.Expr, scope: Scope) -> _Form:
        form = self._form(node, scope)
        if form.values and not (_A_MIN <= abs(form.a) <= _A_MAX and abs(form.b) <= _B_PER_A * abs(form.a)):
            raise _Found(
                node,
                "超出范围的系数或常数（a·x + b 须 1e-9 ≤ |a| ≤ 1e9、|b| ≤ 1e6·|a|，否则浮点舍入就是阶梯函数）",
                "a coefficient or constant out of range (a·x + b needs 1e-9 ≤ |a| ≤ 1e9 and |b| ≤ 1e6·|a|, "
                "else floating-point rounding is a step function)",
            )
        return form

    def _form(self, node: exp.Expr, scope: Scope) -> _Form:
        if isinstance(node, exp.Paren):
            return self.of(node.this, scope)
        if isinstance(node, exp.Neg):
            inner = _numeric(self.of(node.this, scope), node)
            return _Form(-inner.a, -inner.b, inner.values, inner.number)
        if isinstance(node, exp.Literal) and not node.is_string:
            return _Form(Fraction(0), _number(node), 0, number=True)
        if isinstance(node, exp.Cast) and node.to.this in _REAL:
            return _numeric(self.of(node.this, scope), node)
        if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Div):
            return self._arithmetic(node, scope)
        if isinstance(node, exp.Column):
            return self._column(node, scope)
        if is_aggregate(node) and not is_windowed(node) and not isinstance(node.parent, exp.Filter):
            return _Form(Fraction(1), Fraction(0), 1, text=self._text_aggregate(node, scope))
        raise _Found(node, *_what(node))

    def _text_aggregate(self, node: exp.Expr, scope: Scope) -> bool:
        """An inner aggregate (its own argument is checked in its scope) returns a text when it is MIN, MAX,
        FIRST … of one (COUNT, SUM, AVG … return numbers)."""
        if isinstance(node, SAFE_AGGREGATES):
            return False
        parts = _arguments(node.this) if isinstance(node.this, exp.Expr) else []
        return len(parts) != 1 or self.of(parts[0], scope).text

    def _arithmetic(self, node: exp.Binary, scope: Scope) -> _Form:
        left, right = _numeric(self.of(node.left, scope), node), _numeric(self.of(node.right, scope), node)
        if left.values and right.values:
            raise _Found(
                node, "两个值（信息项或聚合）之间的运算", "an operation between two values (items or aggregates)"
            )
        if isinstance(node, exp.Div) and right.values:
            raise _Found(
                node.right,
                "除数中的信息项（除以零得到 NULL，等于筛选）",
                "an item in a divisor (division by zero gives NULL, which filters)",
            )
        if not left.values and not right.values:
            return _Form(Fraction(0), Fraction(0), 0)  # a constant expression: harmless alone
        constant, side = (right, node.right) if left.values else (left, node.left)
        if not constant.number:
            raise _Found(side, "常数表达式（请写成一个数）", "a constant expression (write it as one number)")
        if isinstance(node, exp.Add):
            return _Form(left.a + right.a, left.b + right.b, 1)
        if isinstance(node, exp.Sub):
            return _Form(left.a - right.a, left.b - right.b, 1)
        if isinstance(node, exp.Mul):
            value = left if left.values else right
            return _Form(value.a * constant.b, value.b * constant.b, 1)
        if constant.b == 0:
            raise _Found(node.right, "除以零（结果为 NULL）", "a division by zero (NULL)")
        return _Form(left.a / constant.b, left.b / constant.b, 1)

    def _column(self, col: exp.Column, scope: Scope) -> _Form:
        found: Scope | None = scope
        while found is not None:
            source = found.sources.get(col.table) if col.table else None
            if isinstance(source, exp.Table):
                spec = self.q.column(source.name, col.name)
                return _Form(Fraction(1), Fraction(0), 1, text=spec is None or not spec.numeric)
            if isinstance(source, Scope):
                return self._follow(col, source, projection(source, col.name))
            if not col.table and (target := projection(found, col.name)) is not None and target is not col:
                return self._follow(col, found, target)
            found = found.parent
        raise _Found(col, "无法追溯来源的列", "a column whose source cannot be followed")

    def _follow(self, col: exp.Column, scope: Scope, target: exp.Expr | None) -> _Form:
        key = (id(scope.expression), col.name.lower())
        if target is None or key in self._following:
            raise _Found(col, "无法追溯来源的列", "a column whose source cannot be followed")
        self._following.add(key)
        try:
            return self.of(target.unalias(), scope)
        except _Found as found:
            found.via.insert(0, col.name)
            raise
        finally:
            self._following.discard(key)


def _numeric(form: _Form, node: exp.Expr) -> _Form:
    """``form``, which arithmetic or a cast at ``node`` takes: refused when its value is not numeric."""
    if form.values and form.text:
        raise _Found(
            node,
            "对非数值的值做运算或转换（无法转换的值变成 NULL，等于筛选）",
            "arithmetic or a cast on a value that is not numeric (values that do not convert become NULL, which "
            "filters)",
        )
    return form


def _number(node: exp.Literal) -> Fraction:
    try:
        value = Decimal(node.this)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or (value != 0 and abs(value.adjusted()) > _MAX_EXPONENT):
        raise _Found(node, "超出范围的数值常量", "a numeric literal out of range")
    return Fraction(value)


def _what(node: exp.Expr) -> tuple[str, str]:
    """What the developer wrote at ``node``, in words (Chinese, English)."""
    op = _OPERATORS.get(node.key, node.key.upper())
    if isinstance(node, exp.Window):
        return "窗口函数（它跨越单元格之外的行）", "a window function (it spans rows outside the cell)"
    if isinstance(node, exp.Query):
        return "子查询", "a subquery"
    if isinstance(node, exp.Filter):
        return "带 FILTER 子句的聚合", "an aggregate with a FILTER clause"
    if isinstance(node, exp.Case | exp.If):
        kind = "CASE" if isinstance(node, exp.Case) else "IF"
        return f"条件表达式 {kind}", f"a conditional ({kind})"
    if isinstance(node, exp.Cast):
        to = node.to.sql(dialect="duckdb")
        return (
            f"转换为 {to} 的 CAST（取整或改变类型是阶梯函数）",
            f"a cast to {to} (rounding or changing the type is a step function)",
        )
    if isinstance(node, exp.Predicate | exp.Connector | exp.Not):
        return f"条件 {op}", f"a condition ({op})"
    if isinstance(node, exp.Mod | exp.IntDiv):
        return (
            f"运算 {op}（取整、取余是阶梯函数）",
            f"the operator {op} (integer division and remainders are step functions)",
        )
    if isinstance(node, exp.Func):
        name = function_name(node).upper()
        return f"函数 {name}", f"the function {name}"
    if isinstance(node, exp.Literal | exp.Null | exp.Boolean):
        return "非数值常量", "a non-numeric literal"
    return f"表达式 {op}", f"an expression ({op})"
