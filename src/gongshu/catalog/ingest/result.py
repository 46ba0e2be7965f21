"""What an ingest produced: the columns, the Parquet file and how the source was read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa


@dataclass(frozen=True)
class Column:
    """One column of an ingested resource; ``type`` is a short logical name."""

    name: str
    type: str


@dataclass(frozen=True)
class IngestResult:
    """The Parquet file written for a resource and what is known about it."""

    path: Path
    rows: int
    columns: list[Column]
    sha256: str
    bytes: int
    source_format: str
    encoding: str | None = None
    delimiter: str | None = None


@dataclass(frozen=True)
class Converted:
    """What a format reader wrote to the staging file."""

    rows: int
    schema: pa.Schema
    encoding: str | None = None
    delimiter: str | None = None
