"""The range a row-level expression can take, from the catalog's declared ranges and the literals around them
(interval arithmetic): what a DP SUM/AVG/quantile clamps each row's value into.

``LEAST(GREATEST(x, 0), 50)`` bounds anything; ``CASE WHEN … THEN 1 ELSE 0 END`` is in [0, 1]; ``价格 * 数量``
is bounded when both items have declared ranges. None when no finite range follows (a count per person from a
derived table, an item without a declared range): the analyst then clamps it in the query."""

from __future__ import annotations

import math

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from gongshu.sandbox.sql.lineage import projection
from gongshu.sandbox.sql.query import Query

Range = tuple[float, float]
_NUMERIC_CASTS = frozenset(
    {
        exp.DataType.Type.DOUBLE,
        exp.DataType.Type.FLOAT,
        exp.DataType.Type.INT,
        exp.DataType.Type.BIGINT,
        exp.DataType.Type.SMALLINT,
        exp.DataType.Type.TINYINT,
        exp.DataType.Type.DECIMAL,
        exp.DataType.Type.INT128,
    }
)


def range_of(q: Query, node: exp.Expr, scope: Scope) -> Range | None:
    """The closed range ``node`` takes on any row of ``scope`` (NULL aside), or None when it is not bounded."""
    found = _range(q, node, scope)
    if found is None or not all(math.isfinite(v) for v in found):
        return None
    return found


def _range(q: Query, node: exp.Expr, scope: Scope) -> Range | None:
    if isinstance(node, exp.Paren | exp.Alias):
        return _range(q, node.this, scope)
    if isinstance(node, exp.Literal):
        return _literal(node)
    if isinstance(node, exp.Boolean) or _is_predicate(node):
        return (0.0, 1.0)
    if isinstance(node, exp.Neg):
        inner = _range(q, node.this, scope)
        return None if inner is None else (-inner[1], -inner[0])
    if isinstance(node, exp.Column):
        return _column(q, node, scope)
    if isinstance(node, exp.Cast | exp.TryCast):
        to = node.args.get("to")
        return _range(q, node.this, scope) if to is not None and to.this in _NUMERIC_CASTS else None
    if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Div):
        return _arithmetic(q, node, scope)
    if isinstance(node, exp.Abs):
        inner = _range(q, node.this, scope)
        return None if inner is None else _abs(inner)
    if isinstance(node, exp.Case | exp.If):
        return _branches(q, node, scope)
    if isinstance(node, exp.Coalesce):
        return _union([_range(q, e, scope) for e in [node.this, *node.expressions]])
    if isinstance(node, exp.Greatest | exp.Least):
        return _extreme(q, node, scope)
    return None


def _literal(node: exp.Literal) -> Range | None:
    if node.is_string:
        return None
    try:
        value = float(node.this)
    except ValueError:
        return None
    return (value, value)


def _is_predicate(node: exp.Expr) -> bool:
    return isinstance(node, exp.Predicate | exp.Not | exp.And | exp.Or | exp.Is | exp.In | exp.Between)


def _column(q: Query, node: exp.Column, scope: Scope) -> Range | None:
    source = scope.sources.get(node.table)
    if isinstance(source, exp.Table):
        spec = q.column(source.name, node.name)
        return spec.bounds if spec is not None and spec.numeric else None
    if isinstance(source, Scope):
        defined = projection(source, node.name)
        return _range(q, defined.unalias(), source) if defined is not None else None
    return None


def _arithmetic(q: Query, node: exp.Expr, scope: Scope) -> Range | None:
    left, right = _range(q, node.this, scope), _range(q, node.expression, scope)
    if left is None or right is None:
        return None
    (a, b), (c, d) = left, right
    if isinstance(node, exp.Add):
        return (a + c, b + d)
    if isinstance(node, exp.Sub):
        return (a - d, b - c)
    if isinstance(node, exp.Div):
        if c <= 0 <= d:
            return None  # a divisor that may be 0 (NULL) or near it: unbounded
        right = (1 / d, 1 / c)
        c, d = right
    products = [a * c, a * d, b * c, b * d]
    return (min(products), max(products))


def _abs(r: Range) -> Range:
    lo, hi = r
    if lo >= 0:
        return r
    if hi <= 0:
        return (-hi, -lo)
    return (0.0, max(-lo, hi))


def _branches(q: Query, node: exp.Expr, scope: Scope) -> Range | None:
    if isinstance(node, exp.If):
        values = [node.args.get("true"), node.args.get("false")]
    else:
        values = [w.args.get("true") for w in node.args.get("ifs") or []] + [node.args.get("default")]
    # a missing ELSE is NULL, which SUM and COUNT skip
    return _union([_range(q, v, scope) for v in values if v is not None and not isinstance(v, exp.Null)])


def _extreme(q: Query, node: exp.Expr, scope: Scope) -> Range | None:
    """LEAST(x, hi) caps from above whatever x is; GREATEST(x, lo) from below: each side from the bounded args."""
    args = [_range(q, e, scope) for e in [node.this, *node.expressions]]
    inf = math.inf
    if isinstance(node, exp.Least):
        hi = min((r[1] for r in args if r is not None), default=inf)
        lo = -inf if any(r is None for r in args) else min(r[0] for r in args if r is not None)
        return (lo, hi)
    lo = max((r[0] for r in args if r is not None), default=-inf)
    hi = inf if any(r is None for r in args) else max(r[1] for r in args if r is not None)
    return (lo, hi)


def _union(ranges: list[Range | None]) -> Range | None:
    if not ranges or any(r is None for r in ranges):
        return None
    known = [r for r in ranges if r is not None]
    return (min(r[0] for r in known), max(r[1] for r in known))
