"""Mobile numbers of mainland China: 11 digits in an allocated 3-digit prefix, with or without +86."""

from __future__ import annotations

from gongshu.classify.recognizers.base import COMPACT, is_digits

CODE = "cn_mobile"
VERSION = "1"
PREFIXES = frozenset(
    str(p)
    for p in (*range(130, 140), *range(145, 150), 150, 151, 152, 153, *range(155, 160), 162, 165, 166, 167,
              *range(170, 179), *range(180, 190), 190, 191, 192, 193, *range(195, 200))
)  # fmt: skip
PATTERN = r"(?:(?:\+|\b00)86[ -]?|\b)1[3-9][0-9](?:[ -]?[0-9]{4}){2}\b"
CELL = r"^(?:\+86|0086|86)?1[3-9][0-9]{9}$"
FORM = COMPACT
LENGTHS = (11, 15)
HINTS = ("手机", "电话", "联系方式", "sjhm", "lxdh", "dhhm", "mobile", "phone", "cellphone", "tel", "telephone", "sjh")


def validate(value: str) -> bool:
    """True for 11 digits (after an optional +86, 0086 or 86 and separators) in an allocated prefix."""
    if not isinstance(value, str):
        return False
    number = value.replace(" ", "").replace("-", "")
    for prefix in ("+86", "0086", "86"):
        if len(number) > 11 and number.startswith(prefix):
            number = number[len(prefix) :]
            break
    return len(number) == 11 and is_digits(number) and number[:3] in PREFIXES
