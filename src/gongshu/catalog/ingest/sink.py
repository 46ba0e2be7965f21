"""A Parquet writer that gathers batches into row groups and encodes them on its own thread."""

from __future__ import annotations

import contextlib
import queue
import threading
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.parquet as pq

ROW_GROUP_ROWS = 256 * 1024
ROW_GROUP_BYTES = 64 << 20
QUEUED_ROW_GROUPS = 2
COMPRESSION = "zstd"


class RowGroupWriter(threading.Thread):
    """Encodes queued tables as row groups while the caller reads the next batches.

    Memory stays bounded: at most ``QUEUED_ROW_GROUPS`` tables wait. The first failure is kept
    in ``error``; later tables are dropped so the producer never blocks on a dead writer.
    """

    def __init__(self, writer: pq.ParquetWriter) -> None:
        super().__init__(name="parquet-sink", daemon=True)
        self.writer = writer
        self.queue: queue.Queue[pa.Table | None] = queue.Queue(maxsize=QUEUED_ROW_GROUPS)
        self.error: BaseException | None = None

    def run(self) -> None:
        while (table := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.writer.write_table(table, row_group_size=table.num_rows)
                except BaseException as e:  # handed to the producer in ParquetSink.close
                    self.error = e

    def finish(self) -> None:
        self.queue.put(None)
        self.join()
        self.writer.close()


class ParquetSink:
    """Buffers record batches and writes a row group when enough rows or bytes gathered."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.schema = schema
        self.rows = 0
        self._thread = RowGroupWriter(pq.ParquetWriter(str(path), schema, compression=COMPRESSION))
        self._thread.start()
        self._buffer: list[pa.RecordBatch] = []
        self._buffered_rows = 0
        self._buffered_bytes = 0

    def write(self, batch: pa.RecordBatch) -> None:
        if batch.num_rows == 0:
            return
        self._buffer.append(batch)
        self.rows += batch.num_rows
        self._buffered_rows += batch.num_rows
        self._buffered_bytes += batch.nbytes
        if self._buffered_rows >= ROW_GROUP_ROWS or self._buffered_bytes >= ROW_GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._thread.error is not None:
            raise self._thread.error
        if self._buffer:
            self._thread.queue.put(pa.Table.from_batches(self._buffer, schema=self.schema))
        self._buffer, self._buffered_rows, self._buffered_bytes = [], 0, 0

    def close(self) -> None:
        try:
            self._flush()
        finally:
            self._thread.finish()
        if self._thread.error is not None:
            raise self._thread.error

    def __enter__(self) -> ParquetSink:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self._buffer = []
            with contextlib.suppress(Exception):  # the exception already under way is the one to report
                self._thread.finish()
