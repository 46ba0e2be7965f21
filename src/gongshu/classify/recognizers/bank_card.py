"""Bank card numbers: 15 to 19 digits in a card scheme's prefix with a valid Luhn check digit.

UnionPay debit and credit cards start with 62 and run to 19 digits.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from stdnum import luhn

from gongshu.classify.recognizers.base import ASCII, COMPACT, byte_rows, digit_matrix, is_digits

CODE = "bank_card"
VERSION = "1"
# (prefix, lengths): UnionPay, Visa, Mastercard (51-55, 2221-2720), Amex, JCB, Diners/Discover
SCHEMES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("62", (16, 17, 18, 19)),
    ("60", (16, 19)),
    ("4", (16, 19)),
    *((str(p), (16,)) for p in range(51, 56)),
    *((str(p), (16,)) for p in range(22, 28)),
    ("34", (15,)),
    ("37", (15,)),
    ("35", (16, 17, 18, 19)),
    ("36", (16,)),
    ("65", (16, 19)),
)
LENGTHS_BY_PREFIX: dict[str, frozenset[int]] = {
    head: frozenset(n for p, lengths in SCHEMES if head.startswith(p) for n in lengths)
    for head in (f"{i:02d}" for i in range(100))
    if any(head.startswith(p) for p, _ in SCHEMES)
}
LENGTH_OK = np.zeros((100, 20), dtype=bool)  # [first two digits, length]
for _head, _lengths in LENGTHS_BY_PREFIX.items():
    LENGTH_OK[int(_head), list(_lengths)] = True
PATTERN = r"\b(?:[2-6][0-9]{14,18}|[2-6][0-9]{3}(?: [0-9]{4}){3}(?: ?[0-9]{1,3})?)\b"
CELL = r"^[2-6][0-9]{14,18}$"
FORM = COMPACT
SCRIPT = ASCII
LENGTHS = (15, 19)
CHECKSUM = True
HINTS = ("银行卡", "银行账号", "银行帐号", "卡号", "账号", "帐号", "开户账号", "yhkh", "yhzh", "bank_card", "bankcard",
         "card_no", "cardno", "card_number", "account_no", "iban")  # fmt: skip


def validate(value: str) -> bool:
    """True for a card scheme's prefix and length with a valid Luhn check digit."""
    if not isinstance(value, str):
        return False
    number = value.replace(" ", "")
    if len(number) not in LENGTHS_BY_PREFIX.get(number[:2], ()) or not is_digits(number):
        return False
    try:
        return bool(luhn.is_valid(number))
    except Exception:
        return False


def validate_array(values: pa.Array) -> np.ndarray:
    """``validate`` of each value, vectorized over values of 15-19 digits (the same Luhn arithmetic,
    checked against python-stdnum by the tests); others, with spaces say, one by one."""
    out = np.zeros(len(values), dtype=bool)
    done = np.zeros(len(values), dtype=bool)
    for width in range(15, 20):
        where, rows = byte_rows(values, width)
        if not len(where):
            continue
        digits_ok, d = digit_matrix(rows)
        reverse = d[:, ::-1]
        doubled = reverse[:, 1::2] * 2
        total = reverse[:, 0::2].sum(axis=1) + (doubled // 10 + doubled % 10).sum(axis=1)
        head = np.clip(d[:, 0] * 10 + d[:, 1], 0, 99)
        out[where] = digits_ok & LENGTH_OK[head, width] & (total % 10 == 0)
        done[where] = digits_ok
    rest = np.flatnonzero(~done)
    if len(rest):
        out[rest] = [v is not None and validate(v) for v in values.take(pa.array(rest)).to_pylist()]
    return out
