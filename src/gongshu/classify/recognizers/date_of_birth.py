"""Birth dates: a real date from 1900 to today, written 1990-01-31, 1990/1/31, 1990年1月31日 or 19900131.

Dates are everywhere; a date column is a birth date only when its name says so.
"""

from __future__ import annotations

from gongshu.classify.recognizers.base import PLAIN, is_birth_date, is_digits

CODE = "date_of_birth"
VERSION = "1"
_SEP_DATE = r"(?:19|20)[0-9]{2}[-/.年](?:0?[1-9]|1[0-2])[-/.月](?:0?[1-9]|[12][0-9]|3[01])日?"
_DIGIT_DATE = r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
PATTERN = rf"\b(?:{_SEP_DATE}|{_DIGIT_DATE})\b"
CELL = rf"^(?:{_SEP_DATE}|{_DIGIT_DATE})(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
FORM = PLAIN
LENGTHS = (8, 30)
NEEDS_HINT = True
TEXT = False
HINTS = ("出生日期", "出生年月", "生日", "出生", "csrq", "csny", "birth", "birthday", "birth_date", "birthdate", "dob",
         "date_of_birth")  # fmt: skip


def validate(value: str) -> bool:
    """True for a real date from 1900 up to today in one of the forms above."""
    if not isinstance(value, str):
        return False
    text = value.split(" ")[0].split("T")[0]
    if len(text) == 8 and is_digits(text):
        return is_birth_date(int(text[:4]), int(text[4:6]), int(text[6:]))
    for sep in "年月日/.":
        text = text.replace(sep, "-")
    parts = text.rstrip("-").split("-")
    if len(parts) != 3 or not all(is_digits(p) and len(p) <= 4 for p in parts):
        return False
    return is_birth_date(int(parts[0]), int(parts[1]), int(parts[2]))
