"""Round: replace each number by the nearest multiple of a base (to 100, to 0.5, …)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from gongshu.classify.desensitize.params import LARGEST_WHOLE, OperatorSpec, choice, positive
from gongshu.classify.desensitize.values import as_number, floats, within

MODES = {"nearest": "half_towards_infinity", "down": "down", "up": "up"}


def round_to(array: pa.Array, *, base: float, mode: str = "nearest") -> pa.Array:
    """Each number rounded to a multiple of ``base``: ``nearest`` (halves away from zero), ``down`` or ``up``.

    Integers with a whole base stay int64 (1234 → 1200); everything else becomes float64. Text is parsed as a number
    first (see ``values.as_number``); cells that are not numbers, NaN, infinities, and integers within ``base`` of
    the int64 limits (whose rounding would overflow) become null.
    """
    numbers = as_number(array)
    if pa.types.is_integer(numbers.type) and isinstance(base, int):
        return pc.round_to_multiple(within(numbers, 2**63 - 1 - base), multiple=base, round_mode=MODES[mode])
    rounded = pc.round_to_multiple(floats(numbers), multiple=float(base), round_mode=MODES[mode])
    return pc.if_else(pc.is_finite(rounded), rounded, pa.scalar(None, pa.float64()))


SPEC = OperatorSpec(
    name="round",
    function=round_to,
    params={
        "base": positive("取整的基数（如 100）", "the base to round to (e.g. 100)"),
        "mode": choice("取整方式：四舍五入、向下、向上", "nearest, down or up", tuple(MODES), default="nearest"),
    },
    zh=f"取整：将数值取整到基数的倍数（如 100），基数不超过 {LARGEST_WHOLE}",
    en="round: replace each number by a multiple of a base (e.g. to the nearest 100)",
)
