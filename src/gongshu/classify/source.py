"""The cells of one Parquet file as DuckDB sees them: each column as text, its statistics, its
distinct values with counts (sampled by value hash beyond a cap), and regex matches in free text.

DuckDB runs every regex with RE2 (linear time) and scans in parallel; it reads only the file it was
given (external access is off once the file is opened).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from gongshu.classify import errors
from gongshu.classify.normalize import fold_sql

ROW = "file_row_number"
LONG_CELL = 512  # bytes: longer cells cannot be a whole identifier, address (120 characters) or e-mail (254)
TEXT_PREFIX = 4096  # characters of a free-text cell searched for spans
TEXT = "text"
NUMBER = "number"
DATE = "date"


@dataclass(frozen=True)
class ColumnSpec:
    """A column, the DuckDB expression giving its cells as text, and its kind (None: not scanned)."""

    name: str
    expr: str
    kind: str | None


@dataclass(frozen=True)
class Stats:
    nonnull: int
    distinct: int  # approximate
    avg_chars: float


@dataclass(frozen=True)
class Distinct:
    values: pa.Array  # distinct cells up to LONG_CELL bytes
    counts: np.ndarray  # how often each occurs
    examined: int  # non-null cells behind values, long cells included


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def spec(field: pa.Field, position: int) -> ColumnSpec:
    """How ``field`` (the column at ``position``) is read as text: floats holding whole numbers lose their ``.0``."""
    t, c = field.type, f"c{position}"  # the view names columns by position: any name, empty or repeated, works
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return ColumnSpec(field.name, c, TEXT)
    if pa.types.is_integer(t) or pa.types.is_decimal(t):
        return ColumnSpec(field.name, f"CAST({c} AS VARCHAR)", NUMBER)
    if pa.types.is_floating(t):
        whole = f"CAST(CAST({c} AS HUGEINT) AS VARCHAR)"
        expr = f"CASE WHEN {c} = trunc({c}) AND abs({c}) < 1e19 THEN {whole} ELSE CAST({c} AS VARCHAR) END"
        return ColumnSpec(field.name, expr, NUMBER)
    if pa.types.is_date(t) or pa.types.is_timestamp(t):
        return ColumnSpec(field.name, f"CAST({c} AS VARCHAR)", DATE)
    return ColumnSpec(field.name, c, None)


class Source:
    """An in-memory DuckDB connection over one Parquet file, as the view ``src`` with a row number."""

    def __init__(self, path: Path) -> None:
        import pyarrow.parquet as pq

        path = Path(path)
        try:
            schema = pq.read_schema(path)
            self.rows = pq.ParquetFile(path).metadata.num_rows
        except (OSError, pa.ArrowException) as e:
            raise errors.unreadable(str(path), str(e)) from e
        self.specs = [spec(f, i) for i, f in enumerate(schema)]
        self._root = duckdb.connect()
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()
        try:
            self._open(path, schema.names)
        except duckdb.Error as e:
            self._root.close()
            raise errors.unreadable(str(path), str(e).splitlines()[0]) from e

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the database holding ``src`` (a connection serves one thread)."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            with self._lock:
                cursor = self._root.cursor()
                self._cursors.append(cursor)
            self._local.cursor = cursor
        return cursor

    def _open(self, path: Path, names: list[str]) -> None:
        file = literal(str(path.resolve()))
        columns = ", ".join(f"c{i}" for i in range(len(names)))
        if ROW in names:  # the file's own column hides DuckDB's: number the rows in scan order instead
            self._root.execute("SET threads = 1")
            view = f"SELECT row_number() OVER () - 1 AS __row, * FROM read_parquet({file}) AS t({columns})"
        else:
            view = f"SELECT {ROW} AS __row, * EXCLUDE ({ROW}) FROM read_parquet({file}, {ROW} = true) AS t({columns})"
        self._root.execute(f"CREATE VIEW src AS {view}")
        self._root.execute(f"SET allowed_paths = [{file}]")
        self._root.execute("SET enable_external_access = false")
        self._root.execute("SET lock_configuration = true")
        self._root.sql("SELECT count(*) FROM src WHERE false").fetchall()

    def close(self) -> None:
        for cursor in self._cursors:
            cursor.close()
        self._root.close()

    def stats(self, specs: list[ColumnSpec]) -> list[Stats]:
        """Non-null count, approximate distinct count and mean length of each column, in one scan."""
        if not specs:
            return []
        parts = []
        for s in specs:
            chars = f"avg(length({s.expr}))" if s.kind == TEXT else "0"
            parts += [f"count({s.expr})", f"approx_count_distinct({s.expr})", f"coalesce({chars}, 0)"]
        row = self.con.sql(f"SELECT {', '.join(parts)} FROM src").fetchall()[0]
        return [Stats(int(row[i]), int(row[i + 1]), float(row[i + 2])) for i in range(0, len(parts), 3)]

    def distinct(self, spec: ColumnSpec, every: int = 1) -> Distinct:
        """Distinct cells with counts; with ``every`` > 1 only values whose hash falls in 1/every."""
        sample = f" AND hash(v) % {every} = 0" if every > 1 else ""
        sql = (
            f"SELECT CASE WHEN strlen(v) <= {LONG_CELL} THEN v END AS v, count(*) AS n "
            f"FROM (SELECT {spec.expr} AS v FROM src) WHERE v IS NOT NULL{sample} GROUP BY 1"
        )
        table = self.con.sql(sql).to_arrow_table()
        values, counts = table.column("v").combine_chunks(), table.column("n").to_numpy()
        keep = values.is_valid().to_numpy(zero_copy_only=False)
        examined = int(counts.sum())
        return Distinct(values.filter(pa.array(keep)), counts[keep].astype(np.int64), examined)

    def count(self, spec: ColumnSpec, every: int = 1) -> int:
        """Non-null cells of the rows whose number is a multiple of ``every``."""
        return int(self.con.sql(f"SELECT count({spec.expr}) FROM src WHERE __row % {every} = 0").fetchall()[0][0])

    def text_matches(self, spec: ColumnSpec, patterns: list[str], every: int = 1) -> pa.Table:
        """Every match of each pattern in the first TEXT_PREFIX characters of each cell, as rows
        (row, k: index into ``patterns``, match, stop: offset just after the match)."""
        sample = f" AND __row % {every} = 0" if every > 1 else ""
        text = fold_sql(f"substr({spec.expr}, 1, {TEXT_PREFIX})")
        union = "|".join(f"(?:{p})" for p in patterns)
        lists = " UNION ALL ".join(
            f"SELECT __row, {k} AS k, list_transform(regexp_extract_all(t, {find}, 0), lambda x: length(x)) AS w, "
            f"regexp_extract_all(t, {find}, 1) AS e FROM hits WHERE regexp_matches(t, {literal(p)})"
            for k, (p, find) in enumerate((p, literal(_finder(p))) for p in patterns)
        )
        sql = f"""
            WITH hits AS MATERIALIZED (
                SELECT __row, t FROM (SELECT __row, {text} AS t FROM src WHERE {spec.expr} IS NOT NULL{sample})
                WHERE regexp_matches(t, {literal(union)}))
            {lists}
        """
        found = self.con.sql(sql).to_arrow_table()
        return _flatten(found)


def _flatten(found: pa.Table) -> pa.Table:
    """One row per match: the gaps-and-match lengths of a cell add up to where each match stops."""
    lengths = found.column("w").combine_chunks()
    owner = pc.list_parent_indices(lengths).to_numpy()
    flat = pc.list_flatten(lengths).to_numpy(zero_copy_only=False).astype(np.int64)
    running = np.cumsum(flat)
    first = np.asarray(lengths.offsets)[:-1][owner] if len(owner) else owner
    before = np.concatenate([[0], running])[first]
    return pa.table(
        {
            "row": found.column("__row").to_numpy()[owner],
            "k": found.column("k").to_numpy()[owner],
            "match": pc.list_flatten(found.column("e").combine_chunks()),
            "stop": running - before,
        }
    )


def _finder(pattern: str) -> str:
    """``pattern`` preceded by the shortest gap: consecutive matches then tile the text, so the
    running sum of their lengths is where each match ends."""
    return f"(?s).*?({pattern})"
