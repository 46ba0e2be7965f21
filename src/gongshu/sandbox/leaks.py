"""The protected values of a job's inputs, and finding them in what the job hands back: the value itself,
reversed, inside a longer string (a prefix or suffix added), or hashed (md5, sha1, sha256 in hex).

Strings are compared normalized (NFKC, case folded, spaces trimmed) and also compacted (every separator
removed), so "4101-0219…" and "4101 0219…" are the ID number they spell. A string counts when it has at least
``MIN_TEXT`` characters, a number when it has at least ``MIN_DIGITS`` significant digits (so that 3000 or 2023,
which many people share, are not taken for anyone's value); a rare short string (a name of two or three
characters held by fewer than ``min_cell`` rows) counts when it is a whole output value; a value of an item that is
not an identifier shared by ``min_cell`` rows or more (a diagnosis, a class label) singles nobody out and does not
count. ASCII values (ID
numbers, phone numbers, codes, digits) are looked up as every window of the output's letter-and-digit runs in a
set; other values (names, addresses, diagnoses) through an Aho–Corasick automaton (pyahocorasick)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import ahocorasick
import duckdb
import numpy as np

from gongshu.sandbox.access import GrantedTable

MIN_TEXT = 4
MIN_DIGITS = 6
LONG_DIGITS = 12  # digit values this long are found even between other digits (a collision is improbable)
HASHES = ("md5", "sha1", "sha256")
HEX_LENGTHS = (32, 40, 64)
_TOKEN = re.compile(r"[0-9a-z]+")
_HEX = re.compile(r"[0-9a-f]{32,}")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
_SEPARATORS = re.compile(r"[\W_]+")
Item = str | bytes | int | float | Decimal | bool | None | np.ndarray


def normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def compact(text: str) -> str:
    return _SEPARATORS.sub("", text)


def number_text(value: int | float | Decimal) -> str | None:
    """A number in plain decimal notation without trailing zeros (12345.60 → "12345.6"); None if not finite."""
    try:
        d = value if isinstance(value, Decimal) else Decimal(value if isinstance(value, int) else repr(float(value)))
    except (InvalidOperation, ValueError, OverflowError):
        return None
    if not d.is_finite():
        return None
    text = format(d.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def significant_digits(text: str) -> int:
    return len(re.sub(r"\D", "", text).strip("0"))


@dataclass
class ProtectedValues:
    """The values to look for; empty when the inputs hold no protected item."""

    tokens: set[str] = field(default_factory=set)  # ASCII letters and digits, and their reversals
    automaton: ahocorasick.Automaton = field(default_factory=ahocorasick.Automaton)
    words: int = 0  # values in the automaton
    exact: set[str] = field(default_factory=set)  # rare short values, matched whole
    hashes: set[str] = field(default_factory=set)
    ints: set[int] = field(default_factory=set)
    floats: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.float64))
    _numbers: list[float] = field(default_factory=list)
    lengths: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.tokens or self.words or self.exact)

    # -- building ---------------------------------------------------------------------------------------

    def add(self, value: object, rows: int = 1, min_cell: int = 10, *, identifier: bool = True) -> None:
        """One distinct protected value, held by ``rows`` rows of its table. A value of an item that is not an
        identifier and that ``min_cell`` rows or more share (a diagnosis, a class label) singles nobody out and
        is left out; an identifier's value always counts (one person may have many rows)."""
        if value is None or isinstance(value, bool) or (not identifier and rows >= min_cell):
            return
        if isinstance(value, int | float | Decimal):
            text = number_text(value)
            if text is None or significant_digits(text) < MIN_DIGITS:
                return
            self._number(value)
            self._text(text, str(value))
            return
        raw = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        text = normal(raw)
        if _NUMBER.match(text):
            if significant_digits(text) >= MIN_DIGITS:
                self._text(text, raw)
                self._number(Decimal(text))
            return
        if len(text) >= MIN_TEXT or len(compact(text)) >= MIN_TEXT:
            self._text(text, raw)
        elif len(text) >= 2 and rows < min_cell:
            self.exact.add(text)
            self._hash(raw, text)

    def _number(self, value: int | float | Decimal) -> None:
        if (
            isinstance(value, int)
            or (isinstance(value, Decimal) and value == value.to_integral_value())
            or (isinstance(value, float) and value.is_integer())
        ):
            self.ints.add(int(value))
        if len(re.sub(r"\D", "", number_text(value) or "")) <= 15:  # beyond, a float is not the value any more
            self._numbers.append(float(value))

    def _text(self, text: str, raw: str) -> None:
        for form in {text, compact(text)}:
            if len(form) < MIN_TEXT:
                continue
            for pattern in (form, form[::-1]):
                if _TOKEN.fullmatch(pattern) and pattern.isascii():
                    self.tokens.add(pattern)
                elif pattern not in self.automaton:
                    self.automaton.add_word(pattern, pattern)
                    self.words += 1
        self._hash(raw, text, compact(text))

    def _hash(self, *forms: str) -> None:
        for form in set(forms):
            data = form.encode("utf-8")
            self.hashes.update(hashlib.new(name, data).hexdigest() for name in HASHES)

    def seal(self) -> ProtectedValues:
        """Finish building (call once, after the last ``add``)."""
        if self.words:
            self.automaton.make_automaton()
        self.lengths = tuple(sorted({len(t) for t in self.tokens}))
        self.floats = np.unique(np.array(self._numbers, dtype=np.float64))
        self._numbers = []
        return self

    # -- finding ----------------------------------------------------------------------------------------

    def found(self, item: Item) -> bool:
        """Whether ``item`` (a string, bytes, a number or a numpy array of them) holds a protected value."""
        if item is None or isinstance(item, bool):
            return False
        if isinstance(item, np.ndarray):
            return self.in_array(item)
        if isinstance(item, int | float | Decimal):
            text = number_text(item)
            return text is not None and (self.in_text(text) or self._number_hit(item))
        if isinstance(item, bytes):
            item = item.decode("utf-8", "replace")
        return self.in_text(item)

    def _number_hit(self, value: int | float | Decimal) -> bool:
        if isinstance(value, int):
            return value in self.ints
        return bool(self.floats.size) and bool(np.isin(float(value), self.floats))

    def in_text(self, value: str) -> bool:
        text = normal(value)
        if not text:
            return False
        if text in self.exact:
            return True
        short = compact(text)
        return any(self._in_tokens(form) or self._in_automaton(form) or self._in_hashes(form) for form in {text, short})

    def _in_tokens(self, text: str) -> bool:
        if not self.tokens:
            return False
        for run in _TOKEN.finditer(text):
            r = run.group()
            for n in self.lengths:
                if n > len(r):
                    break
                for i in range(len(r) - n + 1):
                    w = r[i : i + n]
                    if w in self.tokens and _bounded(r, i, n, w):
                        return True
        return False

    def _in_automaton(self, text: str) -> bool:
        return bool(self.words) and next(self.automaton.iter(text), None) is not None

    def _in_hashes(self, text: str) -> bool:
        for run in _HEX.finditer(text):
            r = run.group()
            for n in HEX_LENGTHS:
                if any(r[i : i + n] in self.hashes for i in range(len(r) - n + 1)):
                    return True
        return False

    def in_array(self, array: np.ndarray) -> bool:
        """Numbers (exact, also at float32 precision), strings, and integers read as text (bytes or code points)."""
        if array.size == 0:
            return False
        if array.dtype.names:  # a structured array: each field
            return any(self.in_array(np.asarray(array[name])) for name in array.dtype.names)
        if array.dtype.kind in "OUS":
            return any(self.found(v if isinstance(v, str | bytes) else str(v)) for v in array.ravel().tolist())
        if array.dtype.kind == "b" or array.dtype.kind not in "iuf":
            return False
        flat = array.ravel()
        if self._numbers_in(flat):
            return True
        return self._as_text(flat)

    def _numbers_in(self, flat: np.ndarray) -> bool:
        if flat.dtype.kind in "iu" and self.ints:
            wanted = np.fromiter((v for v in self.ints if -(2**63) <= v < 2**63), dtype=np.int64)
            if np.isin(flat.astype(np.int64, copy=False), wanted).any():
                return True
        if self.floats.size and flat.dtype.kind == "f":
            precision = np.float32 if flat.dtype.itemsize <= 4 else np.float64
            if np.isin(flat.astype(precision), self.floats.astype(precision)).any():
                return True
        return False

    def _as_text(self, flat: np.ndarray) -> bool:
        """Integers that spell a string: bytes of UTF-8 (8-bit arrays) or Unicode code points."""
        if flat.dtype.kind == "f":
            if not np.all(np.isfinite(flat)) or not np.all(flat == np.round(flat)):
                return False
            flat = flat.astype(np.int64)
        if flat.min() < 0 or flat.max() > 0x10FFFF:
            return False
        if flat.dtype.itemsize == 1 or flat.max() < 256:
            text = bytes(flat.astype(np.uint8).tolist()).decode("utf-8", "replace")
            if self.in_text(text):
                return True
        return self.in_text("".join(chr(v) if 0xD800 > v or v > 0xDFFF else " " for v in flat.tolist()))


def _bounded(run: str, i: int, n: int, window: str) -> bool:
    """A short digit value counts only where it is not part of a longer number."""
    if not window.isdigit() or n >= LONG_DIGITS:
        return True
    before = i == 0 or not run[i - 1].isdigit()
    after = i + n == len(run) or not run[i + n].isdigit()
    return before and after


def protected_values(tables: Iterable[GrantedTable], min_cell: int = 10) -> ProtectedValues:
    """Every distinct value of every protected or identifier item of the granted tables, read with DuckDB."""
    values = ProtectedValues()
    for t in tables:
        for c in sorted((c for c in t.spec.columns.values() if c.protected or c.identifier), key=lambda c: c.name):
            identifier = c.identifier or c.name == t.spec.entity
            for value, rows in _distinct(str(t.path), t.sha256, c.name):
                values.add(value, rows, min_cell, identifier=identifier)
    return values.seal()


@lru_cache(maxsize=8)
def _distinct(path: str, sha256: str, column: str) -> tuple[tuple[object, int], ...]:
    """The distinct values of one column of an (immutable) version, with their row counts."""
    del sha256  # part of the cache key: a version's file never changes
    ident = '"' + column.replace('"', '""') + '"'
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT {ident}, count(*) FROM read_parquet(?) WHERE {ident} IS NOT NULL GROUP BY 1", [str(Path(path))]
        ).fetchall()
    finally:
        con.close()
    return tuple((v, int(n)) for v, n in rows)
