"""Per-column marginal profile of a real Parquet version, computed by DuckDB: all a sample may reveal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from gongshu.sandbox.sample.errors import SampleColumnsUnknown, SampleSourceUnreadable
from gongshu.sandbox.sample.fakers import FAKERS

QUANTILES = [i / 100 for i in range(1, 100)]  # 1st..99th percentile: the extremes are never drawn
CATEGORY_MAX = 1000  # a string column with at most this many distinct values (and few per row) is a category
INT_CATEGORY_MAX = 20  # an integer column with at most this many distinct values is a code, drawn as a category
CATEGORY_SHARE = 5  # a category column has at least this many rows per distinct value
MIN_COVERAGE = 0.5  # below this share of rows in revealable categories a string column is drawn as text
OTHER = "其他"  # the bucket of string categories too rare to reveal
RESERVOIR = 20_000  # values per column the quantiles are estimated from (DuckDB's reservoir_quantile)

Kind = Literal["null", "typed", "boolean", "numeric", "temporal", "category", "text"]


@dataclass(frozen=True)
class ColumnProfile:
    """What the sample draws one column from. Quantiles are floats in the column's own unit (days for
    dates, the timestamp's or time's unit otherwise); ``categories`` are revealable values only."""

    name: str
    type: pa.DataType
    kind: Kind
    sensitive: str = ""  # detected type code: values are fake and checked against the real column
    null_rate: float = 1.0
    count: int = 0  # non-null values in the real column
    quantiles: tuple[float, ...] = ()
    integer: bool = False
    true_rate: float = 0.0
    lengths: tuple[float, ...] = ()
    digit_share: float = 0.0
    ascii_share: float = 0.0
    categories: pa.Array | None = None
    weights: tuple[float, ...] = ()


@dataclass(frozen=True)
class TableProfile:
    rows: int
    columns: list[ColumnProfile]
    schema: pa.Schema  # the granted columns' fields, in the real order


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def source(path: Path) -> str:
    """The DuckDB table expression reading ``path``."""
    return "read_parquet('" + str(path).replace("'", "''") + "')"


def profile_parquet(
    path: Path, *, columns: Sequence[str] | None, types: Mapping[str, str], min_cell: int
) -> TableProfile:
    """Profile the granted ``columns`` of the Parquet file at ``path`` (None: all of them)."""
    schema = _schema(path, columns)
    base = [_base(field, types.get(field.name, "")) for field in schema]
    try:
        with duckdb.connect(config={"threads": 1}) as con:  # one thread: the reservoir is the same every run
            rows, stats = _first_pass(con, path, base)
            profiles = [_profile(i, c, stats, rows, min_cell) for i, c in enumerate(base)]
            candidates = [
                c for i, c in enumerate(profiles) if _is_candidate(c, int(stats.get(f"d{i}") or 0), int(stats[f"n{i}"]))
            ]
            counts = _counts(con, path, candidates, min_cell)
    except duckdb.Error as e:
        raise SampleSourceUnreadable(path, str(e)) from e
    profiles = [_categorize(c, counts[c.name], min_cell) if c.name in counts else c for c in profiles]
    return TableProfile(rows=rows, columns=profiles, schema=schema)


def _schema(path: Path, columns: Sequence[str] | None) -> pa.Schema:
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException) as e:
        raise SampleSourceUnreadable(path, str(e)) from e
    if columns is None:
        return pa.schema(list(schema))
    unknown = [c for c in columns if schema.get_field_index(c) < 0]
    if unknown:
        raise SampleColumnsUnknown(path, unknown)
    wanted = set(columns)
    return pa.schema([f for f in schema if f.name in wanted])


def value_type(t: pa.DataType) -> pa.DataType:
    """The type values are drawn in: a dictionary's value type, else the type itself."""
    return t.value_type if pa.types.is_dictionary(t) else t


def is_text(t: pa.DataType) -> bool:
    t = value_type(t)
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def is_temporal(t: pa.DataType) -> bool:
    return pa.types.is_date(t) or pa.types.is_timestamp(t) or pa.types.is_time(t)


def _base(field: pa.Field, sensitive: str) -> ColumnProfile:
    t = field.type
    known = sensitive if sensitive in FAKERS else ""
    if known and (is_text(t) or (known == "date_of_birth" and is_temporal(t))):
        return ColumnProfile(field.name, t, "typed", known)
    if pa.types.is_boolean(t):
        kind: Kind = "boolean"
    elif pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        kind = "numeric"
    elif is_temporal(t):
        kind = "temporal"
    elif is_text(t):
        kind = "text"
    else:
        kind = "null"  # null, binary, nested: emitted as nulls
    return ColumnProfile(field.name, t, kind, sensitive, integer=pa.types.is_integer(t))


def _as_double(c: ColumnProfile) -> str:
    q = quote(c.name)
    if pa.types.is_date(c.type):
        return f"CAST(date_diff('day', DATE '1970-01-01', {q}) AS DOUBLE)"
    if is_temporal(c.type):
        return f"CAST(epoch_us({q}) AS DOUBLE) * {_per_us(c.type)}"
    return f"CAST({q} AS DOUBLE)"


def _per_us(t: pa.DataType) -> float:
    """How many of the type's units make a microsecond."""
    return {"s": 1e-6, "ms": 1e-3, "us": 1.0, "ns": 1e3}[t.unit]


def _exprs(i: int, c: ColumnProfile) -> list[str]:
    q = quote(c.name)
    out = [f"count({q}) AS n{i}"]
    if c.kind in ("numeric", "temporal"):
        x = _as_double(c)
        out.append(f"reservoir_quantile({x}, {QUANTILES}, {RESERVOIR}) FILTER (WHERE isfinite({x})) AS q{i}")
    if (c.kind == "numeric" and c.integer) or c.kind == "text":
        out.append(f"approx_count_distinct({q}) AS d{i}")
    if c.kind == "boolean":
        out.append(f"count_if({q}) AS t{i}")
    if c.kind == "text" or (c.kind == "typed" and is_text(c.type)):
        out.append(f"reservoir_quantile(CAST(length({q}) AS DOUBLE), {QUANTILES}, {RESERVOIR}) AS l{i}")
    if c.kind == "text":
        out.append(f"avg(CAST(regexp_full_match({q}, '[0-9]+') AS DOUBLE)) AS g{i}")
        out.append(f"avg(CAST(strlen({q}) = length({q}) AS DOUBLE)) AS a{i}")
    return out


def _first_pass(con: duckdb.DuckDBPyConnection, path: Path, base: list[ColumnProfile]) -> tuple[int, dict[str, Any]]:
    exprs = ["count(*) AS rows", *(e for i, c in enumerate(base) for e in _exprs(i, c))]
    cursor = con.execute(f"SELECT {', '.join(exprs)} FROM {source(path)}")
    (row,) = cursor.fetchall()  # an aggregate without GROUP BY answers one row
    stats = {d[0]: v for d, v in zip(cursor.description, row, strict=True)}
    return int(stats["rows"]), {k: v for k, v in stats.items() if k != "rows"}


def _profile(i: int, c: ColumnProfile, stats: dict[str, Any], rows: int, min_cell: int) -> ColumnProfile:
    nonnull = int(stats[f"n{i}"])
    if c.kind == "null" or nonnull == 0 or (nonnull < min_cell and c.kind != "typed"):
        return replace(c, kind="null")  # too few values to draw anything from without revealing them
    c = replace(c, null_rate=1 - nonnull / rows, count=nonnull, lengths=tuple(stats.get(f"l{i}") or ()))
    if c.kind == "boolean":
        true = int(stats[f"t{i}"])
        rate = 0.0 if true < min_cell else 1.0 if nonnull - true < min_cell else true / nonnull
        return replace(c, true_rate=rate)
    if c.kind in ("numeric", "temporal"):
        quantiles = stats[f"q{i}"]
        return replace(c, quantiles=tuple(quantiles)) if quantiles else replace(c, kind="null")
    if c.kind == "text":
        return replace(c, digit_share=float(stats[f"g{i}"]), ascii_share=float(stats[f"a{i}"]))
    return c


def _is_candidate(c: ColumnProfile, distinct: int, nonnull: int) -> bool:
    if c.sensitive:  # values of a detected type are never revealed, however often they occur
        return False
    if c.kind == "text":
        return distinct <= CATEGORY_MAX and distinct * CATEGORY_SHARE <= nonnull
    return c.kind == "numeric" and c.integer and distinct <= INT_CATEGORY_MAX and distinct * CATEGORY_SHARE <= nonnull


def _counts(
    con: duckdb.DuckDBPyConnection, path: Path, candidates: list[ColumnProfile], min_cell: int
) -> dict[str, tuple[pa.Array, np.ndarray]]:
    """Each candidate's values that occur at least ``min_cell`` times, most frequent first, in one
    GROUPING SETS pass; rarer values never leave DuckDB."""
    if not candidates:
        return {}
    k = len(candidates)
    cols = [quote(c.name) for c in candidates]
    groupings = ", ".join(f"GROUPING({q})" for q in cols)
    sets = ", ".join(f"({q})" for q in cols)
    table: pa.Table = con.sql(
        f"SELECT {', '.join(cols)}, {groupings}, count(*) FROM {source(path)} "
        f"GROUP BY GROUPING SETS ({sets}) HAVING count(*) >= {max(1, int(min_cell))}"
    ).to_arrow_table()
    out = {}
    for i, c in enumerate(candidates):
        mine = table.filter(pc.and_(pc.equal(table.column(k + i), 0), pc.is_valid(table.column(i))))
        values, counts = mine.column(i).combine_chunks(), mine.column(2 * k).to_numpy()
        order = np.lexsort((pc.rank(values, "ascending").to_numpy(), -counts))  # by count, then value
        out[c.name] = (values.take(pa.array(order)), counts[order])
    return out


def _categorize(c: ColumnProfile, found: tuple[pa.Array, np.ndarray], min_cell: int) -> ColumnProfile:
    """A category column when the revealable values cover most rows; a string column's rarer values
    go to the 其他 bucket when there are at least ``min_cell`` of them together."""
    values, counts = found
    rare = c.count - int(counts.sum())
    if counts.sum() < MIN_COVERAGE * c.count:
        return c
    if is_text(c.type) and rare >= min_cell:
        values, counts = _with_other(values, counts, rare)
    weights = tuple(float(w) for w in counts / counts.sum())
    return replace(c, kind="category", categories=values.cast(value_type(c.type)), weights=weights)


def _with_other(values: pa.Array, counts: np.ndarray, rare: int) -> tuple[pa.Array, np.ndarray]:
    listed = values.to_pylist()
    if OTHER in listed:
        counts = counts.copy()
        counts[listed.index(OTHER)] += rare
        return values, counts
    return pa.array([*listed, OTHER], type=values.type), np.append(counts, rare)
