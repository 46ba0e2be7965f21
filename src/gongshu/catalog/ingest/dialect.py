"""Delimiter, header and sample rows of a CSV file, read from its decoded sample."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from gongshu.catalog.ingest import errors

DELIMITERS = ",\t;|"
SNIFF_LINES = 50
SAMPLE_ROWS = 10_000
MIN_CONSISTENCY = 0.9


@dataclass(frozen=True)
class SampleTable:
    """The header and the first data rows as the ``csv`` module reads them."""

    header: list[str]
    rows: list[list[str]]


def detect_delimiter(text: str) -> str:
    """The delimiter among , tab ; | that gives the first lines a steady field count."""
    head = "\n".join(text.splitlines()[:SNIFF_LINES])
    try:
        sniffed: str | None = csv.Sniffer().sniff(head, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in tuple(DELIMITERS) and _score(head, sniffed)[0] >= MIN_CONSISTENCY:
        return sniffed
    best = max(DELIMITERS, key=lambda d: _score(head, d))
    return best if _score(head, best)[1] > 1 else ","


def _score(head: str, delimiter: str) -> tuple[float, int]:
    """(share of rows with the header's field count, header field count) for ``delimiter``."""
    try:
        counts = [len(row) for row in csv.reader(io.StringIO(head, newline=""), delimiter=delimiter) if row]
    except csv.Error:  # e.g. a field over the csv module's size limit
        return 0.0, 0
    if not counts or counts[0] < 2:
        return 0.0, counts[0] if counts else 0
    return counts.count(counts[0]) / len(counts), counts[0]


def read_table(text: str, delimiter: str, complete: bool) -> SampleTable:
    """Header and data rows of the sample; raises IngestError when there is no header or no data."""
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if row:
                rows.append(row)
            if len(rows) > SAMPLE_ROWS:
                break
    except csv.Error:  # a field over the csv module's size limit: pyarrow still reads it
        if not rows:
            raise errors.malformed_csv() from None
        complete = False
    if not complete and len(rows) > 1:
        rows.pop()
    if not rows:
        raise errors.empty_file()
    if complete and len(rows) == 1:
        raise errors.no_data_rows()
    return SampleTable(rows[0], rows[1:])
