"""Makers for classify tests: valid identifiers made independently of the recognizers (the demo's
vectorized generators and python-stdnum), and a one-call scan of small tables."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
from stdnum import luhn

from gongshu.classify import ScanResult, scan_table
from gongshu.demo.identifiers import credit_codes, resident_ids


def id_number(area: int, birth: str, seq: int) -> str:
    """A 居民身份证号码 with its check character, from the demo generator."""
    return str(resident_ids(np.array([area]), np.array([birth], dtype="datetime64[D]"), np.array([seq]))[0])


def id_numbers(rng: np.random.Generator, n: int, areas: tuple[int, ...] = (110105, 410102, 440305)) -> list[str]:
    birth = np.datetime64("1940-01-01") + rng.integers(0, 25_000, n).astype("timedelta64[D]")
    return [str(v) for v in resident_ids(rng.choice(areas, n), birth, rng.integers(0, 1000, n))]


def credit_code_list(rng: np.random.Generator, n: int) -> list[str]:
    return [str(v) for v in credit_codes(rng, rng.choice([410105, 110108, 310115], n), rng.random(n) < 0.5)]


def card_number(body: str) -> str:
    """``body`` with its Luhn check digit."""
    return body + luhn.calc_check_digit(body)


def scan(columns: dict[str, object], **kw: object) -> ScanResult:
    return scan_table(pa.table(columns), **kw)


def types_of(result: ScanResult) -> dict[str, set[str]]:
    return {c.name: {f.type for f in c.types} for c in result.columns}


def grades_of(result: ScanResult) -> dict[str, str]:
    return {c.name: c.grade for c in result.columns}


TODAY = dt.date.today()
