"""居民身份证号码 (GB 11643): 18 characters with the ISO 7064 MOD 11-2 check character, or the old 15 digits.

Only the province, the birth date and the check character are checked. The full area code is
not: areas are renamed and created all the time (4127xx became 4116xx, Chongqing's 5102xx
became 500xxx in 1997) and people keep the number they were given.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from stdnum.cn import ric

from gongshu.classify.recognizers.base import (
    ASCII,
    COMPACT,
    are_birth_dates,
    byte_rows,
    digit_matrix,
    is_birth_date,
    is_digits,
)

CODE = "cn_id_card"
VERSION = "1"
PROVINCES = frozenset({"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
                       "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
                       "65", "71", "81", "82", "83"})  # fmt: skip
WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)])  # ISO 7064 MOD 11-2, as stdnum's base-13 trick
CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
PROVINCE = np.zeros(100, dtype=bool)
PROVINCE[[int(p) for p in PROVINCES]] = True
_MMDD = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_NEW = r"[1-8][0-9]{5}(?:19|20)[0-9]{2}" + _MMDD + r"[0-9]{3}[0-9Xx]"
_OLD = r"[1-8][0-9]{7}" + _MMDD + r"[0-9]{3}"
PATTERN = rf"\b(?:{_NEW}|{_OLD})\b"
CELL = rf"^(?:{_NEW}|{_OLD})$"
FORM = COMPACT
SCRIPT = ASCII
LENGTHS = (15, 18)
CHECKSUM = True
HINTS = ("身份证", "公民身份号码", "证件号", "sfzh", "sfzhm", "zjhm", "idcard", "id_card", "id_no", "idno", "id_number",
         "citizen_id", "shenfenzheng")  # fmt: skip


def validate(value: str) -> bool:
    """True for an 18-character number with a right check character and a real birth date,
    or a 15-digit number (born 1900-1999) with a real birth date."""
    if len(value) == 18:
        body, check = value[:17], value[17]
        if not is_digits(body) or check not in "0123456789X" or value[:2] not in PROVINCES:
            return False
        if not is_birth_date(int(value[6:10]), int(value[10:12]), int(value[12:14])):
            return False
        try:
            return bool(ric.calc_check_digit(value) == check)
        except Exception:
            return False
    if len(value) == 15 and is_digits(value) and value[:2] in PROVINCES:
        return is_birth_date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    return False


def validate_array(values: pa.Array) -> np.ndarray:
    """``validate`` of each value, vectorized over the 18- and 15-character ones (the same arithmetic,
    checked against python-stdnum by the tests)."""
    out = np.zeros(len(values), dtype=bool)
    where, rows = byte_rows(values, 18)
    if len(where):
        digits_ok, d = digit_matrix(rows[:, :17])
        check_ok = CHECK[(d * WEIGHTS).sum(axis=1) % 11] == rows[:, 17]
        out[where] = digits_ok & check_ok & _place_and_birth(d, d[:, 6:10] @ [1000, 100, 10, 1], 10)
    where, rows = byte_rows(values, 15)
    if len(where):
        digits_ok, d = digit_matrix(rows)
        out[where] = digits_ok & _place_and_birth(d, 1900 + d[:, 6:8] @ [10, 1], 8)
    return out


def _place_and_birth(d: np.ndarray, year: np.ndarray, at: int) -> np.ndarray:
    province = PROVINCE[np.clip(d[:, 0] * 10 + d[:, 1], 0, 99)]
    return province & are_birth_dates(year, d[:, at : at + 2] @ [10, 1], d[:, at + 2 : at + 4] @ [10, 1])
