"""Mobile numbers of mainland China: 11 digits in an allocated 3-digit prefix, with or without +86."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from gongshu.classify.recognizers.base import ASCII, COMPACT, byte_rows, digit_matrix, is_digits

CODE = "cn_mobile"
VERSION = "1"
PREFIXES = frozenset(
    str(p)
    for p in (*range(130, 140), *range(145, 150), 150, 151, 152, 153, *range(155, 160), 162, 165, 166, 167,
              *range(170, 179), *range(180, 190), 190, 191, 192, 193, *range(195, 200))
)  # fmt: skip
ALLOCATED = np.zeros(1000, dtype=bool)
ALLOCATED[[int(p) for p in PREFIXES]] = True
PATTERN = r"(?:(?:\+|\b00)86[ -]?|\b)1[3-9][0-9](?:[ -]?[0-9]{4}){2}\b"
CELL = r"^(?:\+86|0086|86)?1[3-9][0-9]{9}$"
FORM = COMPACT
SCRIPT = ASCII
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


def validate_array(values: pa.Array) -> np.ndarray:
    """``validate`` of each value, vectorized over the plain 11-digit ones; others one by one."""
    out = np.zeros(len(values), dtype=bool)
    where, rows = byte_rows(values, 11)
    digits_ok, d = digit_matrix(rows)
    out[where] = digits_ok & ALLOCATED[np.clip(d[:, :3] @ [100, 10, 1], 0, 999)]
    rest = np.setdiff1d(np.arange(len(values)), where[digits_ok])
    if len(rest):
        out[rest] = [v is not None and validate(v) for v in values.take(pa.array(rest)).to_pylist()]
    return out
