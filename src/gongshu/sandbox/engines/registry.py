"""Which engine runs a job: DuckDB by default, Apache Spark for resources configured for it. Engines
are built once per process (Spark's session is expensive) and shared by the workers."""

from __future__ import annotations

import threading

from gongshu.config import Settings
from gongshu.sandbox.engines.ports import SqlEngine

_engines: dict[str, SqlEngine] = {}
_lock = threading.Lock()


def engine_for(name: str, settings: Settings) -> SqlEngine:
    with _lock:
        if name not in _engines:
            _engines[name] = _build(name, settings)
        return _engines[name]


def _build(name: str, settings: Settings) -> SqlEngine:
    if name == "spark":
        from gongshu.sandbox.engines.spark_engine import SparkEngine  # pyspark is optional (extra "spark")

        return SparkEngine(master=settings.spark_master)
    from gongshu.sandbox.engines.duckdb_engine import DuckDBEngine

    return DuckDBEngine()
