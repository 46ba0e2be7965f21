"""Python cell values (from Excel, JSON Lines, databases) as typed Arrow arrays."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TypeVar

import pyarrow as pa

from gongshu.catalog.ingest.identifiers import looks_like_identifier
from gongshu.catalog.ingest.types import ARROW_TYPES

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
SAMPLE_VALUES = 10_000
T = TypeVar("T")


def kind_of(value: object) -> str | None:
    """The logical type one value asks for; None for a missing value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64" if INT64_MIN <= value <= INT64_MAX else "string"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, dt.datetime):
        return "timestamp"
    if isinstance(value, dt.date):
        return "date"
    return "string"


def merge_kind(a: str | None, b: str | None) -> str | None:
    """The narrowest logical type holding values of types ``a`` and ``b``."""
    if a is None or a == b:
        return b
    if b is None:
        return a
    if {a, b} == {"int64", "float64"}:
        return "float64"
    return "string"


def column_kind(values: Iterable[object]) -> str | None:
    """The merged logical type of ``values``; None when all are missing."""
    kind: str | None = None
    for value in values:
        kind = merge_kind(kind, kind_of(value))
    return kind


def infer_kind(values: Sequence[object]) -> str:
    """The type to store a column as, keeping identifier-like integers as text."""
    kind = column_kind(values) or "string"
    if kind == "int64":
        sample = (str(v) for v in values[:SAMPLE_VALUES] if v is not None)
        if looks_like_identifier(sample):
            return "string"
    return kind


def as_text(value: object) -> str | None:
    """``value`` written as text: JSON for objects and lists, ISO 8601 for dates."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


def to_array(values: Sequence[object], kind: str) -> pa.Array:
    """An Arrow array of ``values`` stored as ``kind``; raises ArrowInvalid or TypeError."""
    if kind == "string":
        return pa.array([as_text(v) for v in values], pa.string())
    if kind == "float64":
        values = [None if v is None else float(v) for v in values]  # type: ignore[arg-type]
    return pa.array(values, ARROW_TYPES[kind])


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to ``size`` items (``itertools.batched`` arrives in Python 3.12)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
