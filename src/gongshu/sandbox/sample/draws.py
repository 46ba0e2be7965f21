"""Draw a column's non-null values from its profile: quantiles, rates, revealable categories, fakes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from gongshu.sandbox.sample.fakers import FAKERS, Ask, text
from gongshu.sandbox.sample.profile import ColumnProfile, is_temporal, value_type

DAY_MS = 86_400_000


def between_quantiles(rng: np.random.Generator, quantiles: tuple[float, ...], k: int) -> np.ndarray:
    """Uniform between two adjacent quantiles picked at random: follows the distribution between the
    first and the last quantile and never goes beyond them."""
    q = np.asarray(quantiles, dtype=np.float64)
    if len(q) < 2:
        return np.full(k, q[0] if len(q) else 0.0)
    i = rng.integers(0, len(q) - 1, k)
    return q[i] + rng.random(k) * (q[i + 1] - q[i])


def draw(c: ColumnProfile, rng: np.random.Generator, k: int, attempt: int = 0) -> pa.Array:
    """``k`` non-null values for column ``c``, in its value type (a dictionary's value type)."""
    t = value_type(c.type)
    if c.kind == "typed":
        median = round(c.lengths[len(c.lengths) // 2]) if c.lengths else 0
        return FAKERS[c.sensitive](rng, Ask(k, attempt, median, is_temporal(t))).cast(t)
    if c.kind == "numeric":
        return _numeric(c, t, between_quantiles(rng, c.quantiles, k))
    if c.kind == "temporal":
        return _temporal(c, t, between_quantiles(rng, c.quantiles, k))
    if c.kind == "boolean":
        return pa.array(rng.random(k) < c.true_rate, pa.bool_())
    if c.kind == "category":
        assert c.categories is not None  # a category profile always carries its categories
        return c.categories.take(pa.array(rng.choice(len(c.weights), k, p=c.weights)))
    if c.kind == "text":
        lengths = np.maximum(np.rint(between_quantiles(rng, c.lengths, k)), 1).astype(np.int64)
        return text(rng, lengths, c.digit_share, c.ascii_share).cast(t)
    return pa.nulls(0, t)


def _whole(c: ColumnProfile, v: np.ndarray) -> np.ndarray:
    """Rounded to whole units, still within the first and the last quantile."""
    low, high = np.ceil(c.quantiles[0]), np.floor(c.quantiles[-1])
    v = np.rint(v)
    return np.clip(v, low, high) if low <= high else v


def _numeric(c: ColumnProfile, t: pa.DataType, v: np.ndarray) -> pa.Array:
    if pa.types.is_integer(t):
        return pa.array(_whole(c, v).astype(np.int64)).cast(t)
    if pa.types.is_decimal(t):
        return pa.array(np.round(v, t.scale)).cast(t, safe=False)
    return pa.array(v).cast(t)


def _temporal(c: ColumnProfile, t: pa.DataType, v: np.ndarray) -> pa.Array:
    units = _whole(c, v).astype(np.int64)
    if pa.types.is_date64(t):
        units = units * DAY_MS
    if pa.types.is_date32(t) or pa.types.is_time32(t):
        return pa.array(units.astype(np.int32)).cast(t)
    return pa.array(units).cast(t)
