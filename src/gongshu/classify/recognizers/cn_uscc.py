"""统一社会信用代码 (GB 32100): 18 characters, the last a MOD 31 check character over 0-9 and 21 letters."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from stdnum.cn import uscc

from gongshu.classify.recognizers.base import ASCII, COMPACT, byte_rows

CODE = "cn_uscc"
VERSION = "1"
ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")
_ALPHABET_BYTES = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRTUWXY", dtype=np.uint8)
VALUE = np.full(256, -1, dtype=np.int64)
VALUE[_ALPHABET_BYTES] = np.arange(31)
WEIGHTS = np.array([pow(3, i, 31) for i in range(17)])
_CHAR = "[0-9A-HJ-NPQRTUWXY]"
_CODE = rf"[1-9ANY][1-9][1-8][0-9]{{5}}{_CHAR}{{10}}"
PATTERN = rf"\b{_CODE}\b"
CELL = rf"^{_CODE}$"
FORM = COMPACT
SCRIPT = ASCII
LENGTHS = (18, 18)
CHECKSUM = True
HINTS = ("统一社会信用代码", "信用代码", "社会信用代码", "tyshxydm", "shxydm", "xydm", "uscc", "credit_code",
         "creditcode", "social_credit_code")  # fmt: skip


def validate(value: str) -> bool:
    """True for 18 characters of the GB 32100 alphabet whose last one is the right check character."""
    if not isinstance(value, str) or len(value) != 18 or not ALPHABET.issuperset(value):
        return False
    try:
        return bool(uscc.calc_check_digit(value[:17]) == value[17])
    except Exception:
        return False


def validate_array(values: pa.Array) -> np.ndarray:
    """``validate`` of each value, vectorized (the same MOD 31 arithmetic, checked against python-stdnum by
    the tests)."""
    out = np.zeros(len(values), dtype=bool)
    where, rows = byte_rows(values, 18)
    if len(where):
        v = VALUE[rows]
        check = _ALPHABET_BYTES[(31 - (v[:, :17] * WEIGHTS).sum(axis=1) % 31) % 31]
        out[where] = (v >= 0).all(axis=1) & (check == rows[:, 17])
    return out
