"""号牌号码 (GA 36): province character, issuing-office letter, then 5 characters (ordinary plates) or
6 (new-energy plates: D/F + letter or digit + 4 digits for small cars, 5 digits + D/F for large ones)."""

from __future__ import annotations

from gongshu.classify.recognizers.base import COMPACT, HAN

CODE = "cn_license_plate"
VERSION = "1"
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")  # no I, O
DIGITS = frozenset("0123456789")
SUFFIXES = frozenset("挂学警港澳")
_CHAR = "[A-HJ-NP-Z0-9]"
_TAIL = rf"(?:[DF]{_CHAR}[0-9]{{4}}|[0-9]{{5}}[DF]|{_CHAR}{{4}}(?:{_CHAR}|[挂学警港澳]))"
_TEXT_TAIL = rf"(?:[DF]{_CHAR}[0-9]{{4}}\b|[0-9]{{5}}[DF]\b|{_CHAR}{{4}}[挂学警港澳]|{_CHAR}{{5}}\b)"
PATTERN = rf"[{PROVINCES}][A-HJ-NP-Z][·• -]?{_TEXT_TAIL}"
CELL = rf"^[{PROVINCES}][A-HJ-NP-Z]{_TAIL}$"
FORM = COMPACT
SCRIPT = HAN
LENGTHS = (7, 8)
HINTS = ("车牌", "号牌", "hphm", "cphm", "cph", "plate", "plate_no", "license_plate", "car_no", "vehicle_no")


def validate(value: str) -> bool:
    """True for a plate whose serial has a digit (new-energy plates have four or five)."""
    if not isinstance(value, str) or len(value) not in (7, 8):
        return False
    if value[0] not in PROVINCES or value[1] not in LETTERS:
        return False
    serial = value[2:]
    if len(serial) == 6:
        small = serial[0] in "DF" and (serial[1] in LETTERS or serial[1] in DIGITS) and DIGITS.issuperset(serial[2:])
        large = DIGITS.issuperset(serial[:5]) and serial[5] in "DF"
        return small or large
    body = serial[:4] if serial[4] in SUFFIXES else serial
    allowed = LETTERS | DIGITS
    return allowed.issuperset(body) and any(c in DIGITS for c in serial)
