"""Ingest a file or a database table into one Parquet file: the public use cases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gongshu.catalog.ingest import errors
from gongshu.catalog.ingest.csv_file import read_csv
from gongshu.catalog.ingest.database import read_database
from gongshu.catalog.ingest.jsonl_file import read_jsonl
from gongshu.catalog.ingest.parquet_file import read_parquet
from gongshu.catalog.ingest.result import Column, Converted, IngestResult
from gongshu.catalog.ingest.types import logical_type
from gongshu.catalog.ingest.xlsx_file import read_xlsx
from gongshu.files import publish, staged

Reader = Callable[[Path, Path], Converted]

READERS: dict[str, Reader] = {
    "csv": read_csv,
    "xlsx": read_xlsx,
    "parquet": read_parquet,
    "jsonl": read_jsonl,
}
SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}


def ingest_file(src: Path, dest: Path, *, format: str | None = None) -> IngestResult:
    """Store the file ``src`` as the Parquet file ``dest``.

    ``format`` is one of csv, xlsx, parquet, jsonl; guessed from the suffix when None.
    Raises IngestError on any failure and then leaves no file at ``dest``.
    """
    src, dest = Path(src), Path(dest)
    kind = format_of(src, format)
    if not src.is_file():
        raise errors.source_missing(str(src))
    return _ingest(dest, kind, lambda tmp: READERS[kind](src, tmp))


def ingest_database(url: str, table: str, dest: Path, *, schema: str | None = None) -> IngestResult:
    """Store ``table`` (in ``schema``) of the database at the SQLAlchemy ``url`` as ``dest``.

    Raises IngestError on any failure; its message never shows the URL's password.
    """
    return _ingest(Path(dest), "database", lambda tmp: read_database(url, table, schema, tmp))


def format_of(src: Path, format: str | None) -> str:
    """The reader name for ``src``: ``format`` when given, else from the file suffix."""
    name = format.lower().lstrip(".") if format else None
    kind = SUFFIXES.get(f".{name}") if name else SUFFIXES.get(src.suffix.lower())
    if kind is None:
        raise errors.unsupported_format(name or src.suffix or src.name)
    return kind


def _ingest(dest: Path, kind: str, read: Callable[[Path], Converted]) -> IngestResult:
    try:
        with staged(dest) as tmp:
            converted = read(tmp)
            if converted.rows == 0:
                raise errors.no_data_rows()
            sha256, size = publish(tmp, dest)
    except errors.IngestError:
        raise
    except OSError as e:
        raise errors.io_failed(e.strerror or type(e).__name__) from e
    except Exception as e:  # every failure reaches the caller as an IngestError
        raise errors.unexpected(type(e).__name__) from e
    columns = [Column(f.name, logical_type(f.type) or "string") for f in converted.schema]
    return IngestResult(
        path=dest,
        rows=converted.rows,
        columns=columns,
        sha256=sha256,
        bytes=size,
        source_format=kind,
        encoding=converted.encoding,
        delimiter=converted.delimiter,
    )
