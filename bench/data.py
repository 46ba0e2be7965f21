"""Deterministic synthetic Chinese public data for the ingest benchmarks, written as plain CSV."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

HEADER = "身份证号,姓名,金额,日期,类别,手机号\n"
CHUNK_ROWS = 250_000
BLOCK_BYTES = 50 << 20
REGIONS = (110101, 110105, 120101, 310104, 310115, 320102, 330106, 350203, 370202, 420102, 440106, 440305,
           500103, 510107, 610113, 210102)  # fmt: skip
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅海燕玲婷雪飞鹏晨宇浩然轩欣怡梓涵思远嘉博文"
CATEGORIES = ("企业登记", "社会保险", "医疗卫生", "交通出行", "教育培训", "住房公积金", "税务缴纳", "民政救助")
CATEGORY_WEIGHTS = (0.22, 0.2, 0.14, 0.12, 0.1, 0.1, 0.08, 0.04)
PHONE_PREFIXES = (130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 158, 159, 166, 177, 180,
                  181, 186, 187, 188, 189, 199)  # fmt: skip
DAY = np.datetime64("1970-01-01")


def public_rows(n: int, seed: int) -> pa.Table:
    """``n`` rows of ID number, name, amount, date, category and mobile number, all as text."""
    rng = np.random.default_rng(seed)
    return pa.table(
        {
            "id": _id_numbers(rng, n),
            "name": _names(rng).take(pa.array(rng.integers(0, 5000, n))),
            "amount": _amounts(rng, n),
            "date": _dates(rng, n, "2018-01-01", "2025-12-31"),
            "category": pa.array(CATEGORIES).take(pa.array(rng.choice(len(CATEGORIES), n, p=CATEGORY_WEIGHTS))),
            "phone": _phones(rng, n),
        }
    )


def _text(values: np.ndarray, width: int = 0) -> pa.Array:
    text = pc.cast(pa.array(values), pa.string())
    return pc.utf8_lpad(text, width, "0") if width else text


def _dates(rng: np.random.Generator, n: int, first: str, last: str) -> pa.Array:
    lo, hi = (int((np.datetime64(d) - DAY).astype(np.int64)) for d in (first, last))
    days = rng.integers(lo, hi + 1, n).astype(np.int32)
    return pc.cast(pa.array(days, pa.date32()), pa.string())


def _id_numbers(rng: np.random.Generator, n: int) -> pa.Array:
    """18-character resident ID numbers (GB 11643) with a correct check character."""
    region = np.array(REGIONS, dtype=np.int64)[rng.integers(0, len(REGIONS), n)]
    birth = pc.replace_substring(_dates(rng, n, "1950-01-01", "2005-12-31"), "-", "")
    body = region * 10**11 + np.asarray(pc.cast(birth, pa.int64())) * 1000 + rng.integers(0, 1000, n)
    digits = (body[:, None] // 10 ** np.arange(16, -1, -1, dtype=np.int64)) % 10
    check = (12 - (digits @ ID_WEIGHTS) % 11) % 11
    check_text = pa.array(np.array(list("0123456789X"))[check])
    return pc.binary_join_element_wise(_text(body), check_text, "")


def _names(rng: np.random.Generator) -> pa.Array:
    """A pool of 5,000 two- and three-character names."""
    pool = []
    for _ in range(5000):
        given = rng.choice(list(GIVEN), rng.choice((1, 2), p=(0.3, 0.7)))
        pool.append(SURNAMES[rng.integers(len(SURNAMES))] + "".join(given))
    return pa.array(pool)


def _amounts(rng: np.random.Generator, n: int) -> pa.Array:
    cents = np.minimum(rng.lognormal(10.0, 1.4, n), 9e10).astype(np.int64)
    return pc.binary_join_element_wise(_text(cents // 100), _text(cents % 100, 2), ".")


def _phones(rng: np.random.Generator, n: int) -> pa.Array:
    prefix = np.array(PHONE_PREFIXES, dtype=np.int64)[rng.integers(0, len(PHONE_PREFIXES), n)]
    return _text(prefix * 10**8 + rng.integers(0, 10**8, n))


def csv_bytes(n: int, seed: int) -> bytes:
    """``n`` data rows as unquoted UTF-8 CSV, without the header."""
    out = io.BytesIO()
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    pacsv.write_csv(public_rows(n, seed), out, options)
    return out.getvalue()


def write_csv(path: Path, rows: int, seed: int = 20261122) -> Path:
    """A CSV file of ``rows`` data rows, generated in chunks; the same bytes for the same arguments."""
    with path.open("wb") as f:
        f.write(HEADER.encode())
        for i, start in enumerate(range(0, rows, CHUNK_ROWS)):
            f.write(csv_bytes(min(CHUNK_ROWS, rows - start), seed + i))
    return path


def write_big_csv(path: Path, size: int, seed: int = 20261122) -> Path:
    """A CSV file of about ``size`` bytes: the header, then one ~50 MB block of rows repeated.

    The last copy of the block is cut after a whole row; the rows repeat, which is fine for
    measuring memory: they only need to be valid rows.
    """
    block = csv_bytes(max(1, BLOCK_BYTES // 75), seed)
    with path.open("wb") as f:
        written = f.write(HEADER.encode())
        while written + len(block) <= size:
            written += f.write(block)
        part = block[: max(size - written, 0)]
        f.write(part[: part.rfind(b"\n") + 1])
    return path
