"""What every recognizer module provides, with defaults, and small checks they share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ASCII = "ascii"  # a recognizer's cells are ASCII only (after NFKC)
HAN = "han"  # a recognizer's cells hold Chinese characters
PLAIN = "plain"  # NFKC, trimmed
COMPACT = "compact"  # PLAIN without separators (spaces, dashes, dots, brackets, middle dots), upper case
FORMS = (PLAIN, COMPACT)
DIGITS = frozenset("0123456789")
FIRST_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class Recognizer:
    """One recognizer, read from its module (``cn_id_card.py`` …).

    ``pattern`` (RE2) finds candidates in free text and is what the bare DuckDB pass runs;
    ``cell`` (RE2, anchored) matches a whole cell in its normalized ``form``; ``hinted_cell``
    is a looser cell pattern counted only when the column name hints at this type.
    ``script`` (ASCII, HAN or None) lets a column skip the recognizer cheaply: an ASCII recognizer
    looks only at ASCII cells, a HAN one only at the others. ``validate`` (never raises) decides
    each candidate. ``checksum`` types count only when
    most of their candidates validate, so chance passes in random numbers do not count.
    """

    code: str
    version: str
    pattern: str
    cell: str
    form: str
    lengths: tuple[int, int]
    hints: tuple[str, ...]
    exclude: tuple[str, ...]
    validate: Callable[[str], bool]
    validate_hinted: Callable[[str], bool]
    validate_array: Callable[[pa.Array], np.ndarray]
    hinted_cell: str | None = None
    checksum: bool = False
    needs_hint: bool = False
    standalone_share: float = 0.0
    standalone_distinct: int = 1
    text: bool = True
    script: str | None = None

    @classmethod
    def of(cls, module: ModuleType) -> Recognizer:
        validate = _guarded(module.validate)
        return cls(
            code=module.CODE,
            version=module.VERSION,
            pattern=module.PATTERN,
            cell=module.CELL,
            form=getattr(module, "FORM", COMPACT),
            lengths=module.LENGTHS,
            hints=module.HINTS,
            exclude=getattr(module, "EXCLUDE", ()),
            validate=validate,
            validate_array=getattr(module, "validate_array", None) or _one_by_one(validate),
            validate_hinted=_guarded(getattr(module, "validate_hinted", module.validate)),
            hinted_cell=getattr(module, "HINTED_CELL", None),
            checksum=getattr(module, "CHECKSUM", False),
            needs_hint=getattr(module, "NEEDS_HINT", False),
            standalone_share=getattr(module, "STANDALONE_SHARE", 0.0),
            standalone_distinct=getattr(module, "STANDALONE_DISTINCT", 1),
            text=getattr(module, "TEXT", True),
            script=getattr(module, "SCRIPT", None),
        )


def _guarded(fn: Callable[[str], bool]) -> Callable[[str], bool]:
    """``fn`` that answers False instead of raising, whatever the cell holds."""

    def validate(value: str) -> bool:
        try:
            return bool(fn(value))
        except Exception:
            return False

    validate.__doc__ = fn.__doc__
    validate.__wrapped__ = fn  # type: ignore[attr-defined]
    return validate


def _one_by_one(validate: Callable[[str], bool]) -> Callable[[pa.Array], np.ndarray]:
    def validate_array(values: pa.Array) -> np.ndarray:
        return np.array([v is not None and validate(v) for v in values.to_pylist()], dtype=bool)

    return validate_array


def byte_rows(values: pa.Array, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the values of exactly ``width`` bytes, and those values as an (n, width) uint8 matrix."""
    lengths = pc.fill_null(pc.binary_length(values), -1).to_numpy(zero_copy_only=False)
    where = np.flatnonzero(lengths == width)
    if not len(where):
        return where, np.empty((0, width), dtype=np.uint8)
    chosen = values.take(pa.array(where)).cast(pa.string())
    offsets = np.frombuffer(chosen.buffers()[1], dtype=np.int32)[chosen.offset : chosen.offset + len(chosen) + 1]
    data = np.frombuffer(chosen.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return where, data.reshape(len(where), width)


def digit_matrix(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(all ASCII digits per row, the digits' values as int64)."""
    ok = np.asarray(((rows >= 48) & (rows <= 57)).all(axis=1), dtype=bool)
    return ok, rows.astype(np.int64) - 48


_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def are_birth_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """``is_birth_date`` of each (year, month, day), vectorized."""
    today = dt.date.today()
    good_month = (month >= 1) & (month <= 12)
    month = np.where(good_month, month, 1)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    last = _DAYS[month] + ((month == 2) & leap)
    ymd = year * 10_000 + month * 100 + day
    past = ymd <= today.year * 10_000 + today.month * 100 + today.day
    return good_month & (day >= 1) & (day <= last) & (year >= FIRST_BIRTH_YEAR) & past


def is_digits(value: str) -> bool:
    """True for a non-empty string of ASCII digits only (``str.isdigit`` also takes ２ and ²)."""
    return bool(value) and value.isascii() and value.isdigit()


def is_birth_date(year: int, month: int, day: int) -> bool:
    """A real calendar date from 1900 up to today."""
    if year < FIRST_BIRTH_YEAR:
        return False
    try:
        return dt.date(year, month, day) <= dt.date.today()
    except ValueError:
        return False
