"""Vectorized generators of valid Chinese identifiers for the demo city's data."""

from __future__ import annotations

import numpy as np

STR = np.dtypes.StringDType()

RIC_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)])  # 7, 9, 10, 5, 8, ...
RIC_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)  # indexed by sum mod 11

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)])
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])  # GB 11714 organization code

_USCC_VALUE = np.zeros(128, dtype=np.int64)
_USCC_VALUE[np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)] = np.arange(31)
_ORG_VALUE = np.zeros(128, dtype=np.int64)  # 0-9 are 0-9, A-Z are 10-35
_ORG_VALUE[48:58] = np.arange(10)
_ORG_VALUE[65:91] = np.arange(10, 36)
_USCC_BYTES = np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)
_LETTERS = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZ", dtype=np.uint8)  # plates: no I, O
_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)

MOBILE_PREFIXES = np.array(
    [*range(130, 140), 150, 151, 152, 153, *range(155, 160), 166, 176, 177, 178, *range(180, 190), 191, 198, 199]
)


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Decimal digits of non-negative integers as an (n, width) uint8 ASCII matrix."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (np.asarray(values, dtype=np.int64)[:, None] // powers % 10 + 48).astype(np.uint8)


def ascii_strings(matrix: np.ndarray) -> np.ndarray:
    """Turn an (n, width) uint8 ASCII matrix into an array of strings."""
    matrix = np.ascontiguousarray(matrix, dtype=np.uint8)
    return matrix.view(f"S{matrix.shape[1]}").ravel().astype(STR)


def resident_ids(area: np.ndarray, birth: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """居民身份证号码 (GB 11643) from 6-digit area codes, birth dates and 3-digit
    sequence codes (odd for men, even for women), with their check digits."""
    birth = np.asarray(birth, dtype="datetime64[D]")
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    yyyymmdd = years * 10_000 + months * 100 + days
    body = np.hstack([digits(area, 6), digits(yyyymmdd, 8), digits(seq, 3)])
    total = (body.astype(np.int64) - 48) @ RIC_WEIGHTS
    return ascii_strings(np.hstack([body, RIC_CHECK[total % 11][:, None]]))


def credit_codes(rng: np.random.Generator, area: np.ndarray, new_style: np.ndarray) -> np.ndarray:
    """统一社会信用代码 (GB 32100) of enterprises (登记管理部门 9, 类别 1).

    The 9-character 主体标识码 carries its own GB 11714 check character: codes
    issued since 2015 (`new_style`) start with "MA", older ones are the
    enterprise's former all-digit organization code.
    """
    n = len(area)
    org = _DIGITS[rng.integers(0, 10, size=(n, 8))]
    fresh = _USCC_BYTES[rng.integers(0, 31, size=(n, 6))]
    org[new_style] = np.hstack([np.full((n, 1), ord("M"), np.uint8), np.full((n, 1), ord("A"), np.uint8), fresh])[
        new_style
    ]
    org_sum = _ORG_VALUE[org] @ ORG_WEIGHTS
    org_check = (11 - org_sum % 11) % 11  # 10 is written X, 11 is written 0
    org_check_byte = np.where(org_check == 10, ord("X"), org_check + 48).astype(np.uint8)
    head = np.tile(np.frombuffer(b"91", dtype=np.uint8), (n, 1))
    body = np.hstack([head, digits(area, 6), org, org_check_byte[:, None]])
    total = _USCC_VALUE[body] @ USCC_WEIGHTS
    check = _USCC_BYTES[(31 - total % 31) % 31]
    return ascii_strings(np.hstack([body, check[:, None]]))


def _plate_chars(rng: np.random.Generator, n: int, width: int, p_letter: float) -> np.ndarray:
    letters = _LETTERS[rng.integers(0, len(_LETTERS), size=(n, width))]
    nums = _DIGITS[rng.integers(0, 10, size=(n, width))]
    return np.where(rng.random((n, width)) < p_letter, letters, nums)


def plates(rng: np.random.Generator, kind: np.ndarray, prefix: str = "豫A") -> np.ndarray:
    """号牌号码 by kind: 0 小型汽车, 1 大型汽车 (prefix + 5 characters),
    2 小型新能源 (prefix + D/F + letter or digit + 4 digits, e.g. 豫AD12345),
    3 大型新能源 (prefix + 5 digits + D/F, e.g. 豫A12345D)."""
    n = len(kind)
    ordinary = _plate_chars(rng, n, 5, 0.15)
    energy = np.frombuffer(b"DF", dtype=np.uint8)[rng.integers(0, 2, size=n)]
    small_nev = np.hstack([energy[:, None], _plate_chars(rng, n, 1, 0.3), _plate_chars(rng, n, 4, 0.0)])
    large_nev = np.hstack([_plate_chars(rng, n, 5, 0.0), energy[:, None]])
    six = np.where((kind == 2)[:, None], small_nev, large_nev)
    tail = np.where(kind >= 2, ascii_strings(six), ascii_strings(ordinary))
    return np.strings.add(prefix, tail)


def phones(rng: np.random.Generator, n: int, p_mobile: float = 0.7, area: str = "0371") -> np.ndarray:
    """Mobile numbers (13812345678) mixed with landlines (0371-61234567)."""
    mobile = np.hstack([digits(rng.choice(MOBILE_PREFIXES, size=n), 3), digits(rng.integers(0, 10**8, size=n), 8)])
    first = np.frombuffer(b"56668", dtype=np.uint8)[rng.integers(0, 5, size=n)]
    local = np.hstack([first[:, None], digits(rng.integers(0, 10**7, size=n), 7)])
    landline = np.strings.add(f"{area}-", ascii_strings(local))
    return np.where(rng.random(n) < p_mobile, ascii_strings(mobile), landline)
