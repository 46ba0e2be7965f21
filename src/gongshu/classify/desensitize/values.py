"""Turn any Arrow array into text or numbers the operators work on, without raising on odd cells."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

NUMERIC = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"


def plain(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array of its storage type: chunks combined, extensions unwrapped, dictionaries decoded."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if isinstance(array, pa.ExtensionArray):
        array = array.storage
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    return array


def is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def as_text(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The cells as ``string`` (``large_string`` stays large); nulls stay null.

    Numbers, dates and booleans take Arrow's text form (19900102, 1990-01-02, true); timestamps in a zone the tz
    database lacks are written in UTC; bytes that are not UTF-8 are decoded with U+FFFD for the bad bytes; lists,
    structs and maps take Python's text form; a type with no text form at all gives nulls.
    """
    array = plain(array)
    if is_text(array.type):
        return array
    target = pa.large_string() if pa.types.is_large_binary(array.type) else pa.string()
    if pa.types.is_timestamp(array.type) and array.type.tz and not known_zone(array.type):
        array = naive(array)
    try:
        return pc.cast(array, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    try:
        return pa.array([None if v is None else _text(v) for v in array.to_pylist()], target)
    except (pa.ArrowException, ValueError, TypeError):  # pragma: no cover - no Arrow type lacks both forms yet
        return pa.nulls(len(array), target)


def known_zone(kind: pa.TimestampType) -> bool:
    """Whether Arrow's time-zone database knows the timestamp type's zone."""
    try:
        pc.year(pa.array([0], kind))
    except pa.ArrowInvalid:
        return False
    return True


def naive(array: pa.Array) -> pa.Array:
    """Timestamps with their zone set aside: the UTC wall time (for zones the tz database lacks)."""
    return array.view(pa.timestamp(array.type.unit))


def head(array: pa.Array | pa.ChunkedArray, chars: int) -> pa.Array:
    """The text form cut to its first ``chars`` characters, as ``string`` (also from ``large_string``)."""
    return pc.cast(pc.utf8_slice_codeunits(as_text(array), 0, chars), pa.string())


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def as_number(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The cells as ``int64`` (from integer types below uint64) or ``float64`` (from everything else).

    Text is parsed after trimming whitespace (12, -3.5, 1e3); text that is not a plain number, booleans, dates,
    NaN and infinities become null. The result type depends only on the input type, never on the values.
    """
    array = plain(array)
    kind = array.type
    if pa.types.is_integer(kind) and kind != pa.uint64():
        return pc.cast(array, pa.int64())
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return finite(pc.cast(array, pa.float64(), safe=False))
    if is_text(kind) or pa.types.is_string_view(kind):
        trimmed = pc.utf8_trim_whitespace(pc.cast(array, pa.string()) if pa.types.is_string_view(kind) else array)
        numeric = pc.if_else(pc.match_substring_regex(trimmed, NUMERIC), trimmed, pa.scalar(None, trimmed.type))
        return finite(pc.cast(numeric, pa.float64()))
    return pa.nulls(len(array), pa.float64())


def within(numbers: pa.Array, limit: int) -> pa.Array:
    """``numbers`` with those beyond ±``limit`` turned into nulls."""
    bound = limit if pa.types.is_integer(numbers.type) else float(limit)
    inside = pc.and_(pc.less_equal(numbers, bound), pc.greater_equal(numbers, -bound))
    return pc.if_else(inside, numbers, pa.scalar(None, numbers.type))


def floats(numbers: pa.Array) -> pa.Array:
    """``numbers`` as float64; integers beyond 2**53 lose their last digits rather than fail."""
    return pc.cast(numbers, pa.float64(), safe=False)


def finite(numbers: pa.Array) -> pa.Array:
    """Floats with NaN and infinities turned into nulls."""
    return pc.if_else(pc.is_finite(numbers), numbers, pa.scalar(None, numbers.type))


def map_distinct(text: pa.Array, function: Callable[[str], str | None]) -> pa.Array:
    """``function`` applied once per distinct non-null value of ``text``; nulls stay null; returns ``string``."""
    encoded = pc.dictionary_encode(text)
    mapped = pa.array([function(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(mapped, encoded.indices)
