"""Make a synthetic sample with the real schema (样本数据) and write it as CSV or Parquet for download."""

from __future__ import annotations

import io
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from gongshu.sandbox.sample.draws import draw
from gongshu.sandbox.sample.errors import SampleFormatUnknown, SampleSourceUnreadable
from gongshu.sandbox.sample.fresh import real_hits
from gongshu.sandbox.sample.profile import ColumnProfile, profile_parquet, value_type

REDRAWS = 8  # rounds of drawing again the values that occurred in the real column; then they become null
UNCHECKED = frozenset({"date_of_birth"})  # drawn without the data; any date is someone's birthday
BOM = b"\xef\xbb\xbf"  # so that Excel opens UTF-8 CSV with Chinese right


@dataclass
class _Column:
    """One column being made: which rows hold a value, and the values (no nulls) for those rows."""

    profile: ColumnProfile
    rng: np.random.Generator
    valid: np.ndarray
    values: pa.Array

    @property
    def checked(self) -> bool:
        c = self.profile
        return c.kind == "text" or (bool(c.sensitive) and c.sensitive not in UNCHECKED and c.kind != "null")

    def redraw(self, positions: np.ndarray, attempt: int) -> None:
        mask = np.zeros(len(self.values), dtype=bool)
        mask[positions] = True
        fresh = draw(self.profile, self.rng, len(positions), attempt)
        self.values = pc.replace_with_mask(self.values, pa.array(mask), fresh)

    def drop(self, positions: np.ndarray) -> None:
        keep = np.ones(len(self.values), dtype=bool)
        keep[positions] = False
        self.valid[np.flatnonzero(self.valid)[positions]] = False
        self.values = self.values.filter(pa.array(keep))

    def assemble(self) -> pa.Array:
        index = np.full(len(self.valid), 0, dtype=np.int64)
        index[self.valid] = np.arange(len(self.values))
        return self.values.take(pa.array(index, mask=~self.valid)).cast(self.profile.type)


def make_sample(
    path: Path,
    *,
    columns: Sequence[str] | None = None,
    types: Mapping[str, str],
    min_cell: int,
    rows: int = 1000,
    seed: int = 0,
) -> pa.Table:
    """A synthetic sample of the real Parquet version at ``path``, for developing on.

    Same column names, order and Arrow types as the real ``columns`` (None: all). Columns of a detected
    type (``types``: column → type code) get realistic fake values; other columns follow the real
    marginal distributions (null rate; categories seen at least ``min_cell`` times; quantiles between
    the 1st and 99th percentile; rate of true). No value of a typed or free-text column occurs in the
    real column: such values are drawn again, and made null if they keep occurring. Deterministic for
    ``seed``; a column's values do not depend on which other columns are asked for. An empty real table
    gives an empty sample.
    """
    path = Path(path)
    profile = profile_parquet(path, columns=columns, types=types, min_cell=min_cell)
    n = rows if profile.rows else 0
    made = [_start(c, n, seed) for c in profile.columns]
    try:
        with duckdb.connect() as con:
            _replace_real_values(con, path, [m for m in made if m.checked])
    except duckdb.Error as e:
        raise SampleSourceUnreadable(path, str(e)) from e
    return pa.Table.from_arrays([m.assemble() for m in made], schema=profile.schema)


def _start(c: ColumnProfile, n: int, seed: int) -> _Column:
    rng = np.random.default_rng([seed, zlib.crc32(c.name.encode())])
    valid = rng.random(n) >= c.null_rate if c.kind != "null" else np.zeros(n, dtype=bool)
    values = draw(c, rng, int(valid.sum())) if valid.any() else pa.nulls(0, value_type(c.type))
    return _Column(c, rng, valid, values)


def _replace_real_values(con: duckdb.DuckDBPyConnection, path: Path, made: list[_Column]) -> None:
    """Draw again every value that occurs in its real column; after ``REDRAWS`` rounds make it null."""
    pending = {id(m): np.arange(len(m.values)) for m in made}
    for attempt in range(1, REDRAWS + 2):
        todo = [m for m in made if len(pending[id(m)])]
        if not todo:
            return
        batches = [(m.profile.name, m.values.take(pa.array(pending[id(m)]))) for m in todo]
        for m, hits in zip(todo, real_hits(con, path, batches), strict=True):
            positions = pending[id(m)][hits]
            if attempt > REDRAWS:
                m.drop(positions)
            else:
                m.redraw(positions, attempt)
            pending[id(m)] = positions


def sample_bytes(table: pa.Table, fmt: Literal["csv", "parquet"]) -> bytes:
    """The sample as a download: CSV in UTF-8 with a BOM (Excel reads the Chinese right), or Parquet."""
    out = io.BytesIO()
    if fmt == "parquet":
        pq.write_table(table, out)
        return out.getvalue()
    if fmt == "csv":
        pacsv.write_csv(_csv_ready(table), out)
        return BOM + out.getvalue()
    raise SampleFormatUnknown(str(fmt))


def _csv_ready(table: pa.Table) -> pa.Table:
    """Nested columns (always null in a sample) as empty text, which CSV can hold."""
    for i, field in enumerate(table.schema):
        if pa.types.is_nested(field.type):
            table = table.set_column(i, pa.field(field.name, pa.string()), pa.nulls(len(table), pa.string()))
    return table
