"""Bucket: replace each number by the fixed-width interval it falls in, written as "[1000,2000)"."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from gongshu.classify.desensitize import errors
from gongshu.classify.desensitize.params import LARGEST_WHOLE, OperatorSpec, number, positive
from gongshu.classify.desensitize.values import as_number, floats, within

MOST_DECIMALS = 12


def bucket(array: pa.Array, *, width: float, origin: float = 0) -> pa.Array:
    """The interval ``[low,high)`` holding each number, with ``low = origin + k × width`` for a whole ``k``.

    1234 with width 1000 → "[1000,2000)"; -1 → "[-1000,0)". Bounds are written with as many decimals as ``width``
    and ``origin`` have (at most 12): width 0.1 gives "[0.3,0.4)", width 1000 over floats "[1000,2000)". Text is
    parsed as a number first; cells that are not numbers, NaN, infinities and numbers beyond ±2**61 become null.
    """
    numbers = within(as_number(array), LARGEST_WHOLE)
    if pa.types.is_integer(numbers.type) and isinstance(width, int) and isinstance(origin, int):
        low = _whole_floor(numbers, width, origin)
        high = pc.add(low, width)
    else:
        low, high = _float_bounds(floats(numbers), float(width), float(origin))
    return pc.binary_join_element_wise("[", _written(low), ",", _written(high), ")", "")


def _float_bounds(numbers: pa.Array, width: float, origin: float) -> tuple[pa.Array, pa.Array]:
    """Bounds with the decimals of width and origin, each number moved one step when float division misplaced it.

    A bound is (whole steps × width + origin) scaled to whole units and divided by a power of ten: that division
    gives the double nearest the decimal bound, so 0.3 lies in [0.3,0.4) although 0.3 / 0.1 is 2.9999999999999996.
    """
    places = max(_decimals(width), _decimals(origin))
    scale = 10.0**places
    step, start = float(_scaled(width, places)), float(_scaled(origin, places))

    def bound(steps: pa.Array) -> pa.Array:
        return pc.divide(pc.add(pc.multiply(steps, step), start), scale)

    steps = pc.floor(pc.divide(pc.subtract(numbers, origin), width))
    steps = pc.if_else(pc.greater_equal(numbers, bound(pc.add(steps, 1.0))), pc.add(steps, 1.0), steps)
    steps = pc.if_else(pc.less(numbers, bound(steps)), pc.subtract(steps, 1.0), steps)
    exact = pa.decimal128(38, places)  # float → decimal rounds to the nearest, so 0.30000000000000004 is written 0.3
    return pc.cast(bound(steps), exact), pc.cast(bound(pc.add(steps, 1.0)), exact)


def _whole_floor(numbers: pa.Array, width: int, origin: int) -> pa.Array:
    """``origin + floor((x - origin) / width) × width`` in int64 (Arrow's integer division truncates toward zero)."""
    shifted = pc.subtract(numbers, origin)
    steps = pc.divide(shifted, width)
    behind = pc.and_(pc.less(shifted, 0), pc.not_equal(pc.multiply(steps, width), shifted))
    steps = pc.if_else(behind, pc.subtract(steps, 1), steps)
    return pc.add(pc.multiply(steps, width), origin)


def _scaled(value: float, places: int) -> int:
    return int(Decimal(str(value)).scaleb(places))


def _decimals(value: float) -> int:
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _written(bound: pa.Array) -> pa.Array:
    return pc.cast(bound, pa.string())


def _check(column: str, given: Mapping[str, Any], resolved: Mapping[str, Any]) -> None:
    for name in ("width", "origin"):
        if _decimals(resolved[name]) > MOST_DECIMALS:
            param = SPEC.params[name]
            raise errors.bad_param(
                column,
                SPEC.name,
                name,
                resolved[name],
                f"{param.rule_zh}，且最多 {MOST_DECIMALS} 位小数",
                f"{param.rule_en} with at most {MOST_DECIMALS} decimals",
            )


SPEC = OperatorSpec(
    name="bucket",
    function=bucket,
    params={
        "width": positive("区间宽度（如 1000）", "the width of each interval (e.g. 1000)"),
        "origin": number(
            "区间的起点（区间边界为 origin + k×width）",
            "where intervals start (bounds are origin + k×width)",
            default=0,
        ),
    },
    zh="分段：将数值替换为所在的固定宽度区间，写作 [1000,2000)",
    en='bucket: replace each number by the fixed-width interval it falls in, written "[1000,2000)"',
    check=_check,
)
