"""Apply a plan to a Parquet file batch by batch; the result appears under its name complete or not at all."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from gongshu import files
from gongshu.classify.desensitize import errors
from gongshu.classify.desensitize.operators.keyed_hash import check_key
from gongshu.classify.desensitize.plan import Plan
from gongshu.classify.desensitize.transform import Transform
from gongshu.errors import GongshuError

BATCH_ROWS = 64 * 1024
ROW_GROUP_ROWS = 256 * 1024
COMPRESSION = "zstd"
REASON_CHARS = 200


@dataclass(frozen=True)
class ApplyResult:
    """The desensitized file: its rows, its columns in order, and its SHA-256 and size in bytes."""

    rows: int
    columns: list[str]
    sha256: str
    bytes: int


def apply_plan(src: Path, dest: Path, plan: Plan, *, key: bytes) -> ApplyResult:
    """Write ``src`` desensitized by ``plan`` to ``dest`` (Parquet, zstd), reading one record batch at a time.

    The plan is validated against the source's columns and ``key`` checked (at least 16 bytes, when a step hashes)
    before anything is written. The output goes to a temporary file beside ``dest`` that is renamed on success;
    on any failure neither ``dest`` nor the temporary file is left, and the error is a DesensitizeError. Error
    messages never quote cell values.
    """
    src, dest = Path(src), Path(dest)
    with _open(src) as source:
        names = source.schema_arrow.names
        if repeated := [name for name, n in Counter(names).items() if n > 1]:
            raise errors.duplicate_source_columns(repeated)
        plan.validate(names)
        if plan.keyed:
            check_key(key)
        if dest.resolve() == src.resolve():
            raise errors.same_file(str(dest))
        transform = Transform(plan, source.schema_arrow, key)
        with _staged(dest) as tmp:
            try:
                rows = _write(source, transform, tmp)
                sha256, size = _publish(tmp, dest)
            except GongshuError:
                raise
            except OSError as e:  # Arrow's I/O and codec errors name the file's problem, never a cell
                raise errors.failed(f"{type(e).__name__}: {str(e)[:REASON_CHARS]}") from e
            except Exception as e:  # other errors (a cast, say) may quote a cell: give only their kind
                raise errors.failed(type(e).__name__) from e
    return ApplyResult(rows, transform.columns, sha256, size)


@contextmanager
def _open(src: Path) -> Iterator[pq.ParquetFile]:
    try:
        source = pq.ParquetFile(src)
    except FileNotFoundError as e:
        raise errors.source_missing(str(src)) from e
    except (pa.ArrowException, OSError) as e:
        raise errors.source_unreadable(str(src), str(e)) from e
    with source:
        yield source


def _write(source: pq.ParquetFile, transform: Transform, tmp: Path) -> int:
    """Stream the transformed batches into ``tmp``, gathering them into row groups; returns the row count."""
    rows = pending_rows = 0
    pending: list[pa.RecordBatch] = []
    with pq.ParquetWriter(tmp, transform.schema, compression=COMPRESSION) as writer:
        for batch in source.iter_batches(batch_size=BATCH_ROWS, columns=transform.columns):
            pending.append(transform(batch))
            rows += batch.num_rows
            pending_rows += batch.num_rows
            if pending_rows >= ROW_GROUP_ROWS:
                writer.write_table(pa.Table.from_batches(pending, transform.schema), row_group_size=pending_rows)
                pending, pending_rows = [], 0
        if pending:
            writer.write_table(pa.Table.from_batches(pending, transform.schema), row_group_size=pending_rows)
    return rows


@contextmanager
def _staged(dest: Path) -> Iterator[Path]:
    """``gongshu.files.staged``, with an unwritable folder reported as a desensitization error."""
    try:
        with files.staged(dest) as tmp:
            yield tmp
    except OSError as e:
        raise errors.output_unwritable(str(dest), e.strerror or type(e).__name__) from e


def _publish(tmp: Path, dest: Path) -> tuple[str, int]:
    try:
        return files.publish(tmp, dest)
    except OSError as e:
        raise errors.output_unwritable(str(dest), e.strerror or type(e).__name__) from e
