"""The query as it runs cannot be made to fail by the data: a run-time error that depends on a value (a cast, a
division by zero, an overflow, a date out of range, a bad regexp read from a column) would tell the developer one
bit about the rows, job after job (an error oracle). So, on the rewritten tree:

- every CAST (``::``) of a column becomes TRY_CAST;
- ``a / b``, ``a // b`` and ``a % b`` divide by ``NULLIF(b, 0)``;
- a string literal given as a result of CASE, IF, COALESCE, NULLIF, GREATEST or LEAST is typed VARCHAR (DuckDB
  would cast it to the other branches' type only on the rows that take it: an error steered by the data; typed, a
  mix is refused by the binder whatever the data);
- arithmetic over aggregates (which DuckDB's TRY cannot hold) is done in DOUBLE, which never overflows;
- every other expression over columns that may raise (arithmetic, functions but those that never raise) and holds
  no aggregate, window or subquery is wrapped in DuckDB's ``TRY(…)``, which makes any error NULL.

What still fails at run time (the time limit, memory, a type the binder refuses) is reported as one failure
that names no value, and is charged like a release (``sandbox.failures``, ``runner.fail``)."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.sql.functions import SAFE_AGGREGATES, _classes

ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.IntDiv, exp.Mod, exp.Neg)
DIVISIONS = (exp.Div, exp.IntDiv, exp.Mod)
CONNECTIVES = (exp.And, exp.Or, exp.Xor, exp.Not, exp.Paren)
# Functions that return a value (possibly NULL, NaN or ±inf) for every argument value.
NEVER_RAISE = _classes(
    "Upper", "Lower", "Length", "MD5", "SHA2", "Concat", "ConcatWs", "Trim", "Initcap", "Reverse", "Year", "Month",
    "Day", "Quarter", "Week", "DayOfWeek", "Hour", "Dayname", "Monthname", "IsNan", "IsInf", "Sqrt", "Cbrt", "Ln",
    "Log", "Exp", "Pow", "Sign", "Floor", "Ceil", "Round", "StartsWith", "EndsWith", "Contains", "StrPosition",
    "Replace", "Translate", "Left", "Right", "Extract", "Coalesce", "Case", "If", "Nullif", "Greatest", "Least",
    "TryCast", "Try", "Pi", "CurrentDate",
)  # fmt: skip
NEVER_RAISE_ANONYMOUS = frozenset({"hash"})
CHOICES = (exp.Case, exp.If, exp.Coalesce, exp.Nullif, exp.Greatest, exp.Least)
_BARRIERS = (exp.AggFunc, exp.Window, exp.Query, exp.Subquery, exp.Star, exp.Lambda)


def make_safe(tree: exp.Expr) -> exp.Expr:
    """Rewrite ``tree`` in place (and return it) so that no value in the data can make it raise."""
    for cast in list(tree.find_all(exp.Cast)):
        if not isinstance(cast, exp.TryCast) and cast.this.find(exp.Column) is not None:  # constants raise or not
            cast.replace(exp.TryCast(this=cast.this, to=cast.args["to"]))
    for node in list(tree.find_all(*DIVISIONS)):
        if not _nonzero_literal(node.expression):
            divisor = node.expression
            node.set("expression", exp.Nullif(this=divisor.copy(), expression=exp.Literal.number(0)))
    for choice in list(tree.find_all(*CHOICES)):
        _type_string_results(choice)
    for arithmetic in list(tree.find_all(*ARITHMETIC)):
        if arithmetic.find(exp.AggFunc) is not None:
            _in_double(arithmetic)
    _wrap(tree)
    return tree


def _nonzero_literal(node: exp.Expr) -> bool:
    """A number literal other than 0 and −1 (x // −1 overflows at the smallest integer)."""
    return isinstance(node, exp.Literal) and not node.is_string and node.this not in ("0", "-1", "0.0")


def _type_string_results(choice: exp.Expr) -> None:
    if isinstance(choice, exp.Case):
        results = [i.args.get("true") for i in choice.args.get("ifs") or []] + [choice.args.get("default")]
    elif isinstance(choice, exp.If):
        results = [choice.args.get("true"), choice.args.get("false")]
    else:
        results = [choice.this, *choice.expressions] if not isinstance(choice, exp.Nullif) else [choice.expression]
    for r in results:
        if isinstance(r, exp.Literal) and r.is_string:
            r.replace(exp.TryCast(this=r.copy(), to=exp.DataType.build("VARCHAR")))


def _in_double(node: exp.Expr) -> None:
    """Arithmetic that holds an aggregate: its number literals and numeric aggregates as DOUBLE."""
    for key in ("this", "expression"):
        operand = node.args.get(key)
        if (isinstance(operand, exp.Literal) and not operand.is_string) or isinstance(operand, SAFE_AGGREGATES):
            operand.replace(exp.TryCast(this=operand.copy(), to=exp.DataType.build("DOUBLE")))


def _wrap(tree: exp.Expr) -> None:
    """TRY around each expression that may raise, itself only: the same expression becomes the same TRY wherever
    it stands (a GROUP BY key and its select-list twin stay equal; plain filters keep their pushdown)."""
    for node in reversed(list(tree.walk(bfs=False))):  # children first
        if node is not tree and _raises(node) and _wrappable(node) and node.find(exp.Column) is not None:
            wrapper = exp.Try()
            node.replace(wrapper)
            wrapper.set("this", node)


def _wrappable(node: exp.Expr) -> bool:
    """A value expression TRY may hold: no aggregate, window or subquery in it, not the function of a window."""
    if not isinstance(node, exp.Func | exp.Binary | exp.Unary | exp.Predicate | exp.Bracket | exp.Interval):
        return False
    if isinstance(node, ((*CONNECTIVES, exp.Dot, exp.Try), _BARRIERS)):
        return False
    if isinstance(node.parent, exp.Window) and node.arg_key == "this":
        return False
    return node.find(*_BARRIERS) is None


def _raises(n: exp.Expr) -> bool:
    if isinstance(n, ARITHMETIC):
        return not (isinstance(n, exp.IntDiv | exp.Mod) and _nonzero_literal(n.expression))
    if isinstance(n, exp.Interval):
        return n.this is not None and n.this.find(exp.Column) is not None
    if isinstance(n, exp.Anonymous):
        return str(n.name).lower() not in NEVER_RAISE_ANONYMOUS
    return isinstance(n, exp.Func) and not isinstance(n, (*NEVER_RAISE, exp.AggFunc))
