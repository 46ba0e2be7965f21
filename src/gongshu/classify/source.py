"""The cells of one Parquet file as DuckDB sees them: each column as text, its statistics, its
distinct values with counts (sampled by value hash beyond a cap), and regex matches in free text.

DuckDB runs every regex with RE2 (linear time) and scans in parallel; it reads only the file it was
given (external access is off once the file is opened).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from gongshu.classify import errors
from gongshu.classify.normalize import fold_sql

ROW = "file_row_number"
LONG_CELL = 1024  # longer cells cannot be a whole-cell identifier, address or e-mail
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


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def spec(field: pa.Field) -> ColumnSpec:
    """How ``field`` is read as text: floats that hold whole numbers lose their ``.0``."""
    t, c = field.type, quote(field.name)
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
        self.specs = [spec(f) for f in schema]
        self.con = duckdb.connect()
        try:
            self._open(path, {f.name for f in schema})
        except duckdb.Error as e:
            self.con.close()
            raise errors.unreadable(str(path), str(e).splitlines()[0]) from e

    def _open(self, path: Path, names: set[str]) -> None:
        file = literal(str(path.resolve()))
        if ROW in names:  # the file's own column hides DuckDB's: number the rows in scan order instead
            self.con.execute("SET threads = 1")
            view = f"SELECT row_number() OVER () - 1 AS __row, * FROM read_parquet({file})"
        else:
            view = f"SELECT {ROW} AS __row, * FROM read_parquet({file}, file_row_number = true)"
        self.con.execute(f"CREATE VIEW src AS {view}")
        self.con.execute(f"SET allowed_paths = [{file}]")
        self.con.execute("SET enable_external_access = false")
        self.con.execute("SET lock_configuration = true")
        self.con.sql("SELECT count(*) FROM src WHERE false").fetchall()

    def close(self) -> None:
        self.con.close()

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
            f"SELECT __row, {k} AS k, regexp_extract_all(t, {literal(_finder(p))}, 0) AS w, "
            f"regexp_extract_all(t, {literal(_finder(p))}, 1) AS e FROM hits"
            for k, p in enumerate(patterns)
        )
        sql = f"""
            WITH cells AS (SELECT __row, {text} AS t FROM src WHERE {spec.expr} IS NOT NULL{sample}),
            hits AS (SELECT __row, t FROM cells WHERE regexp_matches(t, {literal(union)})),
            found AS ({lists}),
            each AS (SELECT __row, k, unnest(w) AS w, unnest(e) AS e, unnest(range(len(w))) AS i
                     FROM found WHERE len(w) > 0)
            SELECT __row AS row, k, e AS match,
                   CAST(sum(length(w)) OVER (PARTITION BY __row, k ORDER BY i) AS BIGINT) AS stop
            FROM each
        """
        return self.con.sql(sql).to_arrow_table()


def _finder(pattern: str) -> str:
    """``pattern`` preceded by the shortest gap: consecutive matches then tile the text, so the
    running sum of their lengths is where each match ends."""
    return f"(?s).*?({pattern})"
