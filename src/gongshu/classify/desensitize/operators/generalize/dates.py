"""Generalize dates to their year or month: date and timestamp cells, and text such as 1990-01-02 or 19900102."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from gongshu.classify.desensitize.values import head, known_zone, naive, plain

YEAR = r"[12]\d{3}"
SEPARATED = rf"(?P<y1>{YEAR})\s*[-/.年]\s*(?P<m1>\d{{1,2}})(?:\s*[-/.月]\s*(?P<d1>\d{{1,2}}))?(?:\D.*)?"
COMPACT = rf"(?P<y2>{YEAR})(?P<m2>\d{{2}})(?P<d2>\d{{2}})(?:\d{{6}})?(?:\D.*)?"
YEAR_ONLY = rf"(?P<y3>{YEAR})\s*年?"
PATTERN = rf"^\s*(?:{SEPARATED}|{COMPACT}|{YEAR_ONLY})\s*$"
LONGEST_READ = 256  # a date and its time fit; longer cells are cut before the pattern runs


def date_to_year(array: pa.Array) -> pa.Array:
    """The year as text ("1990"); see ``_parts`` for what parses. Unparseable cells become null."""
    year, _ = _parts(array)
    return year


def date_to_month(array: pa.Array) -> pa.Array:
    """The year and month as text ("1990-01"); a bare year ("1990") and unparseable cells become null."""
    year, month = _parts(array)
    return pc.binary_join_element_wise(year, month, "-")


def _parts(array: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(year, two-digit month) as text, null where unknown.

    Date and timestamp cells give their calendar year and month (in the timestamp's own time zone, or in UTC
    when the tz database lacks that zone). Text and
    numbers parse as year-month[-day] with -, /, . or 年月日 between the parts ("1990/1/2", "1990年1月2日",
    "1990-01-02 08:00:00"), as yyyymmdd[hhmmss] ("19900102"), or as a bare year ("1990", "1990年"). The year must
    be 1000–2999, the month 1–12 and the day 1–31; anything else is null. Day-month order (02/01/1990) is not read.
    """
    values = plain(array)
    if pa.types.is_timestamp(values.type) and values.type.tz and not known_zone(values.type):
        values = naive(values)
    if pa.types.is_date(values.type) or pa.types.is_timestamp(values.type):
        return _digits(pc.year(values), 4), _digits(pc.month(values), 2)
    return _parse(head(values, LONGEST_READ))


def _parse(text: pa.Array) -> tuple[pa.Array, pa.Array]:
    found = pc.extract_regex(text, PATTERN)
    year, month, day = (_joined(found, f"{p}1", f"{p}2", *(["y3"] if p == "y" else [])) for p in "ymd")
    month_number = _number(month)
    day_number = _number(day)
    good = pc.and_kleene(pc.is_valid(found), _within(month_number, 1, 12))
    good = pc.and_kleene(good, _within(day_number, 1, 31))
    good = pc.fill_null(good, False)
    null = pa.scalar(None, pa.string())
    return pc.if_else(good, year, null), pc.if_else(good, _digits(month_number, 2), null)


def _joined(found: pa.StructArray, *names: str) -> pa.Array:
    """The one group among ``names`` that took part in the match (the others are empty)."""
    return pc.binary_join_element_wise(*(pc.struct_field(found, n) for n in names), "")


def _number(digits: pa.Array) -> pa.Array:
    """Digits as int64; "" (the part was absent) becomes null."""
    present = pc.if_else(pc.equal(digits, ""), pa.scalar(None, pa.string()), digits)
    return pc.cast(present, pa.int64())


def _within(numbers: pa.Array, low: int, high: int) -> pa.Array:
    """True where the number is absent or within [low, high]."""
    inside = pc.and_(pc.greater_equal(numbers, low), pc.less_equal(numbers, high))
    return pc.fill_null(inside, True)


def _digits(numbers: pa.Array, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(numbers, pa.string()), width, "0")
