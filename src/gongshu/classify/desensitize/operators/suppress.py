"""Suppress: replace every value by null, or by a constant marker such as "***"."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from gongshu.classify.desensitize.params import OperatorSpec, text
from gongshu.classify.desensitize.values import plain

LONGEST_MARKER = 64


def suppress(array: pa.Array, *, marker: str | None = None) -> pa.Array:
    """All nulls of the column's own type; with ``marker``, that text for every non-null value (nulls stay null)."""
    values = plain(array)
    if marker is None:
        return pa.nulls(len(values), values.type)
    return pc.if_else(pc.is_valid(values), pa.scalar(marker, pa.string()), pa.scalar(None, pa.string()))


SPEC = OperatorSpec(
    name="suppress",
    function=suppress,
    params={
        "marker": text(
            "替换用的标记（null 表示置空）",
            "the marker that replaces values (null empties them)",
            low=0,
            high=LONGEST_MARKER,
            default=None,
            none=True,
        ),
    },
    zh="屏蔽：将整列的值置空，或替换为固定标记",
    en="suppress: replace every value by null or by a constant marker",
)
