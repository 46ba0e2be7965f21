"""GPS coordinates: a longitude, latitude pair (113.625368,34.746599) in one cell, or a single
longitude or latitude in a column named as one (经度, lat, lng…)."""

from __future__ import annotations

from gongshu.classify.recognizers.base import ASCII, PLAIN, is_digits

CODE = "gps"
VERSION = "1"
_NUMBER = r"-?[0-9]{1,3}\.[0-9]{4,}"
PATTERN = r"(?:-|\b)[0-9]{1,3}\.[0-9]{4,}\s*[,，]\s*-?[0-9]{1,3}\.[0-9]{4,}\b"
CELL = rf"^[(\[]?{_NUMBER}\s*[,， ]\s*{_NUMBER}[)\]]?$"
HINTED_CELL = r"^-?[0-9]{1,3}\.[0-9]{3,}$"
FORM = PLAIN
SCRIPT = ASCII
LENGTHS = (6, 60)
HINTS = ("经度", "纬度", "经纬度", "坐标", "定位", "位置", "gps", "lng", "lon", "lat", "longitude", "latitude",
         "coord", "coordinate", "location", "jd", "wd", "zb")  # fmt: skip


def validate(value: str) -> bool:
    """True for two decimals with at least 4 decimal places, one within ±180 and one within ±90, not 0,0."""
    if not isinstance(value, str):
        return False
    text = value.strip("()[] ").replace("，", ",")
    parts = text.split(",") if "," in text else text.split()
    parts = [p.strip() for p in parts]
    if len(parts) != 2:
        return False
    numbers = [_number(p, 4) for p in parts]
    if numbers[0] is None or numbers[1] is None:
        return False
    a, b = abs(numbers[0]), abs(numbers[1])
    return a <= 180 and b <= 180 and min(a, b) <= 90 and (a, b) != (0, 0)


def validate_hinted(value: str) -> bool:
    """Also a single decimal within ±180 with at least 3 decimal places, in a column named as coordinates."""
    number = _number(value, 3) if isinstance(value, str) else None
    return abs(number) <= 180 if number is not None else validate(value)


def _number(text: str, places: int) -> float | None:
    """The value of ``[-]d{1,3}.d{places,}``; None for anything else."""
    whole, dot, fraction = text.removeprefix("-").partition(".")
    if dot and 0 < len(whole) <= 3 and len(fraction) >= places and is_digits(whole) and is_digits(fraction):
        return float(whole + "." + fraction)
    return None
