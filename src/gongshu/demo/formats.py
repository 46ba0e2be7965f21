"""The file formats the demo resources are written in, byte for byte reproducible."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from openpyxl import Workbook

Writer = Callable[[pa.Table, str, str], bytes]  # (table, title, encoding) -> file bytes
ENCODINGS = ("utf-8", "utf-8-sig", "gbk")
FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # written into every .xlsx so the same seed gives the same bytes


def _csv(table: pa.Table, title: str, encoding: str) -> bytes:
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding {encoding!r} is not one of {', '.join(ENCODINGS)}")
    eol = "\r\n" if encoding == "gbk" else "\n"  # GBK files come from Windows desktops
    try:  # like most exports: quotes only where a value needs them
        options = pa_csv.WriteOptions(quoting_style="none", quoting_header="none", eol=eol)
        buffer = io.BytesIO()
        pa_csv.write_csv(table, buffer, options)
    except pa.ArrowInvalid:
        buffer = io.BytesIO()
        pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(eol=eol))
    data = buffer.getvalue()
    if encoding == "gbk":
        return data.decode("utf-8").encode("gbk")
    return b"\xef\xbb\xbf" + data if encoding == "utf-8-sig" else data


def _parquet(table: pa.Table, title: str, encoding: str) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def _jsonl(table: pa.Table, title: str, encoding: str) -> bytes:
    lines = (json.dumps(row, ensure_ascii=False, default=_json_value) for row in table.to_pylist())
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _json_value(value: object) -> str | float:
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _xlsx(table: pa.Table, title: str, encoding: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(table.column_names)
    for row in zip(*(column.to_pylist() for column in table.columns), strict=True):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return _pin_xlsx_times(buffer.getvalue())


def _pin_xlsx_times(data: bytes) -> bytes:
    """Give every zip member and the document properties one fixed time."""
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*FIXED_TIME)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp.encode(), body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_TIME), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


WRITERS: dict[str, Writer] = {
    ".csv": _csv,
    ".parquet": _parquet,
    ".jsonl": _jsonl,
    ".xlsx": _xlsx,
}


def writer_for(filename: str) -> Writer:
    """The writer of the format that the file name's suffix names."""
    suffix = Path(filename).suffix
    if suffix not in WRITERS:
        raise ValueError(f"{filename}: no writer for {suffix!r}; use one of {', '.join(WRITERS)}")
    return WRITERS[suffix]
