"""Passport numbers of the People's Republic of China: E + 8 (E + letter + 7 since 2019), old G + 8,
diplomatic DE, service SE and PE + 7. Other countries' numbers count only in a column named passport."""

from __future__ import annotations

from gongshu.classify.recognizers.base import ASCII, COMPACT, is_digits

CODE = "passport"
VERSION = "1"
LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")  # no I, O
_NUMBER = r"(?:E[0-9A-HJ-NP-Z][0-9]{7}|G[0-9]{8}|[DSP]E[0-9]{7})"
PATTERN = rf"\b{_NUMBER}\b"
CELL = rf"^{_NUMBER}$"
HINTED_CELL = r"^[A-Z]{0,2}[0-9]{6,9}$"
FORM = COMPACT
SCRIPT = ASCII
LENGTHS = (6, 11)
HINTS = ("护照", "hzhm", "hz", "passport", "passport_no")


def validate(value: str) -> bool:
    """True for a Chinese passport number in one of the formats above."""
    if not isinstance(value, str) or len(value) != 9:
        return False
    head, second, rest = value[0], value[1], value[2:]
    if head == "E":
        return (second in LETTERS or is_digits(second)) and is_digits(rest)
    if head == "G":
        return is_digits(value[1:])
    return head in "DSP" and second == "E" and is_digits(rest)


def validate_hinted(value: str) -> bool:
    """Also up to two letters and 6-9 digits (other countries' passports), in a column named passport."""
    if validate(value):
        return True
    if not isinstance(value, str):
        return False
    digits = value.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return len(value) - len(digits) <= 2 and 6 <= len(digits) <= 9 and is_digits(digits)
