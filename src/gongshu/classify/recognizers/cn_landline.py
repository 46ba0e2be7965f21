"""Fixed-line numbers of mainland China: trunk 0, a 2- or 3-digit area code, a 7- or 8-digit local number.

A bare local number (61234567) is ambiguous with any other 7- or 8-digit number and counts only
in a column whose name says telephone.
"""

from __future__ import annotations

from gongshu.classify.recognizers.base import ASCII, COMPACT, is_digits

CODE = "cn_landline"
VERSION = "1"
_AREA = r"(?:10|2[0-9]|[3-9][0-9]{2})"
PATTERN = rf"(?:\(0{_AREA}\)|\b0{_AREA})[ -]?[2-8][0-9]{{6,7}}\b"
CELL = rf"^(?:(?:\+86|0086)0?|0){_AREA}[2-8][0-9]{{6,7}}$"
HINTED_CELL = r"^[2-8][0-9]{6,7}$"
FORM = COMPACT
SCRIPT = ASCII
LENGTHS = (7, 16)
HINTS = ("电话", "座机", "固话", "固定电话", "办公电话", "联系方式",
         "lxdh", "dhhm", "gddh", "phone", "tel", "telephone", "landline")  # fmt: skip


def validate(value: str) -> bool:
    """True for trunk 0 + area code + local number of the right length (010 and 02x: 8 digits)."""
    if not isinstance(value, str):
        return False
    number = value.replace(" ", "").replace("-", "").replace("(", "").replace(")", "")
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number[len(prefix) :]
            number = number if number.startswith("0") else "0" + number
    if not is_digits(number) or not number.startswith("0") or len(number) < 10:
        return False
    area = 3 if number[1] in "12" else 4
    if number[1] == "1" and number[2] != "0":
        return False
    local = number[area:]
    wanted = (8,) if area == 3 else (7, 8)
    return len(local) in wanted and local[0] in "2345678"


def validate_hinted(value: str) -> bool:
    """Also a bare 7- or 8-digit local number, in a column named as a telephone."""
    if isinstance(value, str) and len(value) in (7, 8) and is_digits(value):
        return value[0] in "2345678"
    return validate(value)
