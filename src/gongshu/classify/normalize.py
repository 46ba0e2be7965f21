"""Cell normalization before validation: NFKC (full-width digits and letters become ASCII), trimmed,
float artefacts undone (13800138000.0, 1.3800138E+10), and a compact form without separators.

Everything here is vectorized (Arrow compute, RE2) except the rare scientific-notation cells.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import pyarrow as pa
import pyarrow.compute as pc

SEPARATORS = r"[\s\-‐‑–—_·•・.()\[\]]"
_SEPARATOR_SET = frozenset(" \t\r\n\u3000-‐‑–—_·•・.()[]")
TRAILING_ZEROS = r"^([0-9]{5,})\.0+$"
SCIENTIFIC = r"^[0-9](?:\.[0-9]{1,14})?[Ee]\+?[0-9]{1,2}$"
FULL_WIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
HALF_WIDTH = "".join(chr(c) for c in range(0x21, 0x7F)) + " "
FULL_WIDTH_ALNUM = r"[\x{FF10}-\x{FF19}\x{FF21}-\x{FF3A}\x{FF41}-\x{FF5A}]"  # only cells with these need a fold


def plain(values: pa.Array) -> pa.Array:
    """NFKC (only where a value is not ASCII), surrounding whitespace trimmed, float artefacts undone."""
    values = values.cast(pa.string()) if values.type != pa.string() else values
    values = _where(values, pc.invert(pc.string_is_ascii(values)), lambda v: pc.utf8_normalize(v, form="NFKC"))
    values = pc.utf8_trim_whitespace(values)
    dotted = pc.or_(pc.match_substring(values, "."), pc.match_substring(values, "E", ignore_case=True))
    return _where(values, dotted, _undo_float)


def compact(plain_values: pa.Array) -> pa.Array:
    """``plain_values`` without separators (spaces, dashes, dots, brackets, middle dots), upper case."""
    separated = pc.invert(pc.utf8_is_alnum(plain_values))
    return pc.utf8_upper(_where(plain_values, separated, lambda v: pc.replace_substring_regex(v, SEPARATORS, "")))


def plain_text(value: str) -> str:
    """The scalar ``plain`` of one string (for spans found in free text)."""
    return unicodedata.normalize("NFKC", value).strip()


def compact_text(value: str) -> str:
    """The scalar ``compact`` of one string."""
    return "".join(c for c in plain_text(value) if c not in _SEPARATOR_SET and not c.isspace()).upper()


def fold_sql(expr: str) -> str:
    """A DuckDB expression folding full-width ASCII (０-９, Ａ-Ｚ, ＋, （ …) to half width: the part of
    NFKC that keeps every character where it is, so offsets found on the result hold for the original."""
    fold = f"translate({expr}, '{FULL_WIDTH}', '{HALF_WIDTH.replace(chr(39), chr(39) * 2)}')"
    return f"CASE WHEN regexp_matches({expr}, '{FULL_WIDTH_ALNUM}') THEN {fold} ELSE {expr} END"


def _where(values: pa.Array, mask: pa.Array, fn: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``values`` with ``fn`` applied to those where ``mask`` holds (computing ``fn`` on those only)."""
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return values
    return pc.replace_with_mask(values, mask, fn(values.filter(mask)))


def _undo_float(values: pa.Array) -> pa.Array:
    """13800138000.0 → 13800138000 and 1.3800138E+10 → 13800138000."""
    values = pc.replace_substring_regex(values, TRAILING_ZEROS, r"\1")
    scientific = pc.match_substring_regex(values, SCIENTIFIC)
    return _where(values, scientific, lambda v: pa.array([_integer_text(x) for x in v.to_pylist()], pa.string()))


def _integer_text(value: str) -> str:
    """``1.3800138E+10`` → ``13800138000`` when the number is a whole number; else unchanged."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    return str(int(number)) if number == number.to_integral_value() else value
