"""SparkEngine: the same checked DuckDB query, transpiled by sqlglot and run by Apache Spark (PySpark)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from gongshu.sandbox.engines import messages
from gongshu.sandbox.engines.normalize import normalize_table
from gongshu.sandbox.engines.ports import RunLimits
from gongshu.sandbox.engines.transpile import SparkQuery, to_spark
from gongshu.sandbox.errors import EngineError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

_SESSION_LOCK = threading.Lock()
# PySpark logs failed queries' messages (which quote data values) through these loggers.
_VALUE_QUOTING_LOGGERS = ("SQLQueryContextLogger", "DataFrameQueryContextLogger")


def spark_settings(master: str, driver_memory_mb: int, shuffle_partitions: int) -> dict[str, str]:
    """The session settings: no UI, no ``parquet.`path``` file access, UTC; ANSI mode off, so that a bad cast, a
    division by zero, an overflow or an invalid date gives NULL rather than an error the data could steer, and
    date parsing that never raises (``CORRECTED``, not the ``EXCEPTION`` of ambiguous patterns)."""
    settings = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.runSQLOnFiles": "false",
        "spark.sql.shuffle.partitions": str(shuffle_partitions),
        "spark.driver.memory": f"{driver_memory_mb}m",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.ansi.enabled": "false",
        "spark.sql.legacy.timeParserPolicy": "CORRECTED",
    }
    if master.startswith("local"):
        settings |= {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
    return settings


def _create_session(master: str, settings: Mapping[str, str]) -> SparkSession:
    from pyspark.logger import PySparkLogger
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName("gongshu-sandbox")
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("FATAL")  # executors' task-failure logs quote data values
    for name in _VALUE_QUOTING_LOGGERS:
        PySparkLogger.getLogger(name).disabled = True
    return session


class SparkEngine:
    """Runs checked queries on Spark: one session per process, created on first use.

    Each call reads the granted Parquet files through temporary views with unique names (concurrent calls
    do not clash) and drops them after. Timeout: the call's job group is cancelled by a timer
    (``interruptOnCancel``). Memory is the session's (``driver_memory_mb``, fixed when the session starts;
    ``limits.memory_mb`` and ``limits.threads`` cannot be set per query on Spark). Result columns take the
    names DuckDB gives where the SQL fixes them (alias or column), by position; values are normalized.
    """

    name = "spark"

    def __init__(self, master: str = "local[2]", *, driver_memory_mb: int = 1024, shuffle_partitions: int = 4):
        self.master = master
        self.settings = spark_settings(master, driver_memory_mb, shuffle_partitions)
        self._session: SparkSession | None = None

    def session(self) -> SparkSession:
        with _SESSION_LOCK:
            if self._session is None:
                self._session = _create_session(self.master, self.settings)
            return self._session

    def run(self, sql: str, tables: Mapping[str, Path], limits: RunLimits) -> pa.Table:
        tag = uuid.uuid4().hex
        views = {name: f"gongshu_{tag}_{i}" for i, name in enumerate(tables)}
        query = to_spark(sql, views)
        spark = self.session()
        try:
            table = self._execute(spark, query, {views[n]: p for n, p in tables.items()}, limits, tag)
        finally:
            for view in views.values():
                spark.catalog.dropTempView(view)
        if table.num_rows > limits.max_rows:
            raise messages.too_many_rows(limits.max_rows)
        return normalize_table(rename_columns(table, query.names))

    def _execute(
        self, spark: SparkSession, query: SparkQuery, files: Mapping[str, Path], limits: RunLimits, tag: str
    ) -> pa.Table:
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        with _job_group(spark, f"gongshu-{tag}", limits.seconds) as fired:
            try:
                for view, path in files.items():
                    spark.read.parquet(str(Path(path).resolve())).createTempView(view)
                table = spark.sql(query.sql).limit(limits.max_rows + 1).toArrow()
            except (PySparkException, Py4JError) as e:
                # ``from None``: Spark's message may quote data values; it must not reach logs via __cause__.
                raise spark_error(str(e), timed_out=fired.is_set(), limits=limits) from None
            if fired.is_set():  # finished, but past its time limit: refused like any other overrun
                raise messages.timeout(limits.seconds)
            return table


@contextmanager
def _job_group(spark: SparkSession, group: str, seconds: float) -> Iterator[threading.Event]:
    """Jobs started in the block belong to ``group``; past ``seconds`` a timer cancels them, and keeps
    cancelling every half second, so a job that only starts after the deadline is stopped too."""
    context = spark.sparkContext
    fired, done = threading.Event(), threading.Event()

    def stop() -> None:
        if done.wait(seconds):
            return
        fired.set()
        while True:
            context.cancelJobGroup(group)
            if done.wait(0.5):
                return

    context.setJobGroup(group, "gongshu sandbox query", interruptOnCancel=True)
    timer = threading.Thread(target=stop, daemon=True)
    timer.start()
    try:
        yield fired
    finally:
        done.set()
        timer.join()
        context.setLocalProperty("spark.jobGroup.id", None)  # type: ignore[arg-type]


def spark_error(message: str, *, timed_out: bool, limits: RunLimits) -> EngineError:
    """The EngineError for a Spark failure; its message never carries a data value."""
    if timed_out:  # whatever Spark says of a cancelled job, the time limit stopped it
        return messages.timeout(limits.seconds)
    if "OutOfMemoryError" in message:
        return messages.memory(limits.memory_mb)
    if "UNSUPPORTED_DATASOURCE_FOR_DIRECT_QUERY" in message or "runSQLOnFiles" in message:
        return messages.refused(messages.without_values(message))
    return messages.failed("Spark", message)


def rename_columns(table: pa.Table, names: list[str | None] | None) -> pa.Table:
    """Give the columns DuckDB's names by position where known; keep Spark's name elsewhere."""
    if names is None or len(names) != table.num_columns:
        return table
    return table.rename_columns([new or old for new, old in zip(names, table.column_names, strict=True)])
