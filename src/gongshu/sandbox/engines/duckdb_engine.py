"""DuckDBEngine: each query on a fresh in-memory DuckDB that can read only the granted Parquet files."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from gongshu.sandbox.engines import messages
from gongshu.sandbox.engines.normalize import normalize_table
from gongshu.sandbox.engines.ports import RunLimits
from gongshu.sandbox.errors import EngineError

_Key = tuple[int, int]  # (memory_mb, threads): what a connection is opened with


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def open_connection(memory_mb: int, threads: int) -> duckdb.DuckDBPyConnection:
    """A new in-memory database: memory and thread limits, no spilling to disk, no extension loading."""
    config: dict[str, Any] = {
        "memory_limit": f"{memory_mb}MB",
        "threads": threads,
        "temp_directory": "",  # no spill: the memory limit is hard and no real data lands on disk
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "allow_community_extensions": False,
        "allow_unsigned_extensions": False,
    }
    return duckdb.connect(":memory:", config=config)


def lock_down(con: duckdb.DuckDBPyConnection, tables: Mapping[str, Path]) -> None:
    """One view per granted table, then no file but those, no external access, configuration locked."""
    files = [str(Path(path).resolve()) for path in tables.values()]
    views = [
        f"CREATE VIEW {quote_ident(name)} AS SELECT * FROM read_parquet({quote_literal(file)});"
        for name, file in zip(tables, files, strict=True)
    ]
    allowed = ", ".join(quote_literal(file) for file in files)
    con.execute(
        "\n".join(views)
        + f"\nSET allowed_paths=[{allowed}];"
        + "\nSET enable_external_access=false;"
        + "\nSET lock_configuration=true;"
    ).fetchall()


def check_statement(con: duckdb.DuckDBPyConnection, sql: str, tables: Mapping[str, Path]) -> None:
    """Refuse anything but one SELECT reading only granted tables and its own CTEs (DuckDB's own parser).

    The lock already stops files and settings; this also stops DDL such as CREATE MACRO, which the lock
    allows, and table functions over the granted files (``parquet_metadata`` shows column min/max).
    """
    statements = con.extract_statements(sql)
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        raise messages.refused("only one SELECT statement may run / 只能执行一条 SELECT 语句")
    tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [sql]).fetchall()[0][0])
    if tree.get("error"):
        raise messages.refused("only one SELECT statement may run / 只能执行一条 SELECT 语句")
    nodes = list(_nodes(tree))
    known = set(tables) | {name for node in nodes for name in _cte_names(node)}
    for node in nodes:
        kind = node.get("type")
        if kind == "TABLE_FUNCTION":
            raise messages.refused("table functions / 表函数")
        if kind == "BASE_TABLE" and (node.get("catalog_name") or node.get("schema_name") not in ("", "main")):
            raise messages.refused("qualified table names / 带库名或模式名的表")
        if kind == "BASE_TABLE" and node.get("table_name") not in known:
            raise messages.refused("a table that is not granted / 未授权的表")


def _nodes(tree: Any) -> Iterator[dict[str, Any]]:
    if isinstance(tree, dict):
        yield tree
        for value in tree.values():
            yield from _nodes(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from _nodes(value)


def _cte_names(node: dict[str, Any]) -> list[str]:
    cte_map = node.get("cte_map")
    if not isinstance(cte_map, dict):
        return []
    return [entry.get("key", "") for entry in cte_map.get("map", []) if isinstance(entry, dict)]


def execute(con: duckdb.DuckDBPyConnection, sql: str, limits: RunLimits) -> pa.Table:
    """Run ``sql`` within the time limit (a timer interrupts it) and the row limit (never truncated)."""
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        con.interrupt()

    timer = threading.Timer(limits.seconds, stop)
    timer.daemon = True
    timer.start()
    try:
        table = con.sql(sql).limit(limits.max_rows + 1).to_arrow_table()
    except duckdb.Error as e:
        # ``from None``: DuckDB's own message may quote data values; it must not reach logs via __cause__.
        raise engine_error(e, timed_out=fired.is_set(), limits=limits) from None
    finally:
        timer.cancel()
    if table.num_rows > limits.max_rows:
        raise messages.too_many_rows(limits.max_rows)
    return table


def engine_error(e: duckdb.Error, *, timed_out: bool, limits: RunLimits) -> EngineError:
    """The EngineError for a DuckDB error; its message never carries a data value."""
    if isinstance(e, duckdb.InterruptException) and timed_out:
        return messages.timeout(limits.seconds)
    if isinstance(e, duckdb.OutOfMemoryException):
        return messages.memory(limits.memory_mb)
    if isinstance(e, duckdb.PermissionException) or "configuration has been locked" in str(e):
        return messages.refused(messages.without_values(str(e)))
    return messages.failed("DuckDB", str(e))


class _Spares:
    """Connections opened ahead of time, each used for one query only.

    Opening an in-memory DuckDB costs about 12 ms and closing one about 3 ms; a background thread
    closes the used connection and opens the next, so a query pays only for its views and lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ready: dict[_Key, duckdb.DuckDBPyConnection] = {}

    def take(self, key: _Key) -> duckdb.DuckDBPyConnection:
        with self._lock:
            con = self._ready.pop(key, None)
        return con if con is not None else open_connection(*key)

    def recycle(self, key: _Key, used: duckdb.DuckDBPyConnection) -> None:
        # Not a daemon: the interpreter waits for it at exit rather than killing it inside DuckDB's C++.
        threading.Thread(target=self._replace, args=(key, used), daemon=False).start()

    def _replace(self, key: _Key, used: duckdb.DuckDBPyConnection) -> None:
        used.close()
        fresh = open_connection(*key)
        with self._lock:
            kept = self._ready.setdefault(key, fresh)
        if kept is not fresh:
            fresh.close()


class DuckDBEngine:
    """The embedded engine: a fresh in-memory database per query, locked before the query runs.

    Timeout: a timer interrupts the query. Memory: ``memory_limit`` with spilling off. Failures raise
    ``EngineError`` whose message hides data values. Results are normalized (``normalize_table``).
    ``spare=False`` opens each connection in the call itself (slower, no background thread).
    """

    name = "duckdb"

    def __init__(self, *, spare: bool = True) -> None:
        self._spares = _Spares() if spare else None

    def run(self, sql: str, tables: Mapping[str, Path], limits: RunLimits) -> pa.Table:
        key = (limits.memory_mb, limits.threads)
        con = self._spares.take(key) if self._spares else open_connection(*key)
        try:
            lock_down(con, tables)
            check_statement(con, sql, tables)
            return normalize_table(execute(con, sql, limits))
        except duckdb.Error as e:
            raise engine_error(e, timed_out=False, limits=limits) from None
        finally:
            if self._spares:
                self._spares.recycle(key, con)
            else:
                con.close()
