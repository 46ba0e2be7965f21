"""Generalize ages to bands: 0-17, 18-29, 30-39, …, 60+ (the lower bounds are configurable)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from gongshu.classify.desensitize.values import as_number, floats, head, plain

BANDS = (18, 30, 40, 50, 60)
AGE_SUFFIX = r"\s*周?岁$"
LONGEST_READ = 64


def age_to_band(array: pa.Array, *, bands: Sequence[int] = BANDS) -> pa.Array:
    """The band each age falls in, as text: ``bands`` are the lower bounds after 0, the last band is open ("60+").

    Ages are whole years: 17.9 is in "0-17". Text ages may carry 岁 or 周岁 ("35岁"). Negative ages, NaN and cells
    that are not numbers become null; very large ages fall in the last band.
    """
    ages = _ages(array)
    lower = [0, *bands]
    labels = pa.array([f"{a}-{b - 1}" for a, b in zip(lower, bands, strict=False)] + [f"{bands[-1]}+"])
    known = pc.fill_null(pc.greater_equal(ages, 0), False)
    filled = pc.fill_null(floats(ages), 0).to_numpy(zero_copy_only=False)
    index = np.searchsorted(np.asarray(lower[1:], dtype=np.float64), np.floor(filled), side="right")
    return pc.take(labels, pa.array(index, pa.int64(), mask=~known.to_numpy(zero_copy_only=False)))


def _ages(array: pa.Array) -> pa.Array:
    values = plain(array)
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return as_number(pc.replace_substring_regex(head(values, LONGEST_READ), AGE_SUFFIX, ""))
    return as_number(values)
