"""Parquet to Parquet: checked names, stored types, rewritten batch by batch."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from gongshu.catalog.ingest import errors
from gongshu.catalog.ingest.names import check_names
from gongshu.catalog.ingest.result import Converted
from gongshu.catalog.ingest.sink import ParquetSink
from gongshu.catalog.ingest.types import conform, storage_schema

BATCH_ROWS = 64 * 1024


def read_parquet(src: Path, tmp: Path) -> Converted:
    """Rewrite the Parquet file ``src`` into ``tmp`` with gongshu's column names and types."""
    try:
        with pq.ParquetFile(src) as source:
            names = check_names(source.schema_arrow.names)
            schema = storage_schema(source.schema_arrow, names)
            with ParquetSink(tmp, schema) as sink:
                for batch in source.iter_batches(batch_size=BATCH_ROWS):
                    sink.write(conform(batch, schema))
    except (pa.ArrowException, OSError) as e:
        reason = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
        raise errors.unreadable("Parquet 文件", "the Parquet file", reason) from e
    return Converted(sink.rows, schema)
