"""Generalize text to its first few characters (a postcode to its region, a code to its prefix)."""

from __future__ import annotations

import pyarrow as pa

from gongshu.classify.desensitize.values import head


def truncate(array: pa.Array, *, n: int) -> pa.Array:
    """The first ``n`` characters (not bytes) of each value's text form; shorter values stay whole, nulls null."""
    return head(array, n)
