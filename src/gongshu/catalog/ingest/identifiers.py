"""The rule that keeps identifier-like digit columns (ID cards, phones, codes) as text."""

from __future__ import annotations

import re
from collections.abc import Iterable

DIGITS = re.compile(r"[0-9]+")
PHONE = re.compile(r"1[3-9][0-9]{9}")
LONG_DIGITS = 15

# Matched against numbers read as text: a leading zero or 15+ digits means an identifier.
LEADING_ZERO_PATTERN = r"^[+-]?0[0-9]"
LONG_DIGITS_PATTERN = r"[0-9]{15}"


def looks_like_identifier(values: Iterable[str]) -> bool:
    """True when digit values have a leading zero, 15+ digits or are mostly mobile numbers.

    A number type would drop the zero, round the digits or make a phone number summable,
    so such a column is kept as text.
    """
    digit_values = phones = 0
    for raw in values:
        value = raw.strip()
        if not DIGITS.fullmatch(value):
            continue
        if (len(value) > 1 and value[0] == "0") or len(value) >= LONG_DIGITS:
            return True
        digit_values += 1
        phones += bool(PHONE.fullmatch(value))
    return digit_values > 0 and phones * 2 >= digit_values
