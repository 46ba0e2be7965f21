"""One locked-down in-memory DuckDB per run: a view over the resource's Parquet file and safe SQL pieces."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from gongshu.classify.quality.errors import QualityDataInvalid, unreadable

DATA = "data"
ROW = "__gongshu_row__"
SHADOWING = "file_row_number"
# What Python's str.isspace() calls whitespace, in RE2: ASCII controls, NEL and every Unicode separator (Z).
BLANK = r"[\t\n\x0b\f\r\x1c-\x1f\x85\p{Z}]*"


def ident(name: str) -> str:
    """A column or table name quoted for DuckDB, whatever it contains."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A string quoted as a DuckDB literal, for the few places that take no parameters (SET, CREATE VIEW)."""
    return "'" + value.replace("'", "''") + "'"


@contextmanager
def connect(path: Path, others: Sequence[Path] = ()) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory connection with view ``data`` over ``path`` that can read ``path`` and ``others`` only.

    ``data`` has the file's columns and ``__gongshu_row__``, the 0-based row number in the file.
    """
    files = [str(Path(p).resolve()) for p in (path, *others)]
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"SET allowed_paths = [{', '.join(map(literal, files))}]")
        con.execute("SET TimeZone = 'UTC'")
        _create_view(con, files[0])
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        yield con
    finally:
        con.close()


def _create_view(con: duckdb.DuckDBPyConnection, file: str) -> None:
    try:
        names = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [file]).fetchall()]
    except duckdb.Error as e:
        raise unreadable(file, "数据资源的", "resource's") from e
    lowered = {n.lower() for n in names}
    if ROW in lowered:
        raise QualityDataInvalid(
            f"列名 {ROW} 为质量检查保留；请重命名该列",
            f"the column name {ROW} is reserved for quality checks; rename it",
        )
    if SHADOWING in lowered:
        # A column of the file hides DuckDB's virtual file_row_number: number the rows in Arrow instead.
        table = pq.read_table(file)
        table = table.append_column(ROW, pa.array(range(table.num_rows), pa.int64()))
        con.register("__gongshu_arrow__", table)
        con.execute(f"CREATE VIEW {DATA} AS SELECT * FROM __gongshu_arrow__")
    else:
        con.execute(
            f"CREATE VIEW {DATA} AS SELECT file_row_number AS {ident(ROW)}, * FROM read_parquet({literal(file)})"
        )


def _describe(con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | None = None) -> dict[str, str]:
    return {r[0]: r[1] for r in con.execute(f"DESCRIBE {query}", params).fetchall() if r[0] != ROW}


def data_columns(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The resource's column names and DuckDB types, in file order."""
    return _describe(con, f"SELECT * FROM {DATA}")


def file_columns(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """Another allowed Parquet file's column names and DuckDB types."""
    try:
        return _describe(con, "SELECT * FROM read_parquet(?)", [str(Path(path).resolve())])
    except duckdb.Error as e:
        raise unreadable(path, "被引用资源的", "referenced resource's") from e


def row_count(con: duckdb.DuckDBPyConnection) -> int:
    return one(con, f"SELECT count(*) FROM {DATA}")[0]


def missing(column: str, type_: str) -> str:
    """SQL true when a cell is missing: NULL, or for text an empty or whitespace-only string."""
    c = ident(column)
    return f"({c} IS NULL OR regexp_full_match({c}, {literal(BLANK)}))" if type_ == "VARCHAR" else f"({c} IS NULL)"


def as_text(column: str, type_: str) -> str:
    """SQL for a cell as text, the form validators, patterns and enums are checked against."""
    return ident(column) if type_ == "VARCHAR" else f"CAST({ident(column)} AS VARCHAR)"


def one(con: duckdb.DuckDBPyConnection, query: str, params: Sequence[Any] | None = None) -> tuple[Any, ...]:
    row = con.execute(query, params).fetchone()
    assert row is not None  # aggregates always answer one row
    return row


def row_numbers(
    con: duckdb.DuckDBPyConnection, where: str, limit: int, params: Sequence[Any] = (), source: str = DATA
) -> list[int]:
    """The first ``limit`` 1-based row numbers of ``source`` (``data`` or a query over it) where ``where`` holds."""
    if limit == 0:
        return []
    query = f"SELECT {ident(ROW)} FROM {source} WHERE {where} ORDER BY {ident(ROW)} LIMIT {int(limit)}"
    return [r[0] + 1 for r in con.execute(query, list(params)).fetchall()]
