"""往来港澳通行证 (mainland residents, card since 2014: C + letter or digit + 7 digits) and
港澳居民来往内地通行证 (H for Hong Kong, M for Macao + 8 digits, older cards + 2 more digits)."""

from __future__ import annotations

from gongshu.classify.recognizers.base import ASCII, COMPACT, is_digits

CODE = "cn_hk_macau_permit"
VERSION = "1"
LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")
_NUMBER = r"(?:C[0-9A-HJ-NP-Z][0-9]{7}|[HM][0-9]{8}(?:[0-9]{2})?)"
PATTERN = rf"\b{_NUMBER}\b"
CELL = rf"^{_NUMBER}$"
FORM = COMPACT
SCRIPT = ASCII
LENGTHS = (9, 11)
HINTS = ("港澳通行证", "通行证", "回乡证", "txz", "gatxz", "hk_macau", "home_return", "permit", "permit_no")


def validate(value: str) -> bool:
    """True for a permit number in one of the formats above."""
    if not isinstance(value, str):
        return False
    if len(value) == 9 and value[0] == "C":
        return (value[1] in LETTERS or is_digits(value[1])) and is_digits(value[2:])
    return len(value) in (9, 11) and value[0] in "HM" and is_digits(value[1:])
