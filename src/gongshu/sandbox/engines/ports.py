"""The SqlEngine port: run one checked query over the granted Parquet files, within limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyarrow as pa


@dataclass(frozen=True)
class RunLimits:
    """Resource limits for one query."""

    memory_mb: int = 2048
    threads: int = 2
    seconds: float = 60.0
    max_rows: int = 100_000  # a result with more rows is refused (never truncated silently)


class SqlEngine(Protocol):
    """Runs a query that already passed the SQL policy.

    Contract: ``tables`` maps each SQL table name to the Parquet file of the granted version; nothing
    else is readable. The query is in DuckDB's dialect; engines of other dialects transpile it.
    No file, network, extension, ATTACH, COPY or settings access is possible from the query. Limits are
    enforced: a query past ``seconds`` is cancelled, past ``memory_mb`` fails, and both raise
    ``EngineError`` (kind "timeout", "memory", "refused" or "failed") with nothing returned. Each call
    is independent (no state carries over between queries) and safe to call from several threads.
    """

    name: str

    def run(self, sql: str, tables: Mapping[str, Path], limits: RunLimits) -> pa.Table: ...
