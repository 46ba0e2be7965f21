"""Find generated values that occur in the real column, with DuckDB over the real file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from gongshu.sandbox.sample.profile import quote, source


def real_hits(con: duckdb.DuckDBPyConnection, path: Path, batches: list[tuple[str, pa.Array]]) -> list[np.ndarray]:
    """For each (column, generated values), the positions of the values that occur in that real column,
    in one query. Each real column is scanned with the few generated values as the filter."""
    if not batches:
        return []
    parts = []
    for i, (name, values) in enumerate(batches):
        con.register(f"g{i}", pa.table({"pos": pa.array(np.arange(len(values))), "v": values}))
        real = f"SELECT {quote(name)} AS v FROM {source(path)} WHERE {quote(name)} IN (SELECT v FROM g{i})"
        parts.append(f"SELECT {i} AS i, pos FROM g{i} WHERE v IN ({real})")
    found = con.execute(" UNION ALL ".join(parts)).fetchall()
    for i in range(len(batches)):
        con.unregister(f"g{i}")
    hits: list[list[int]] = [[] for _ in batches]
    for i, pos in found:
        hits[i].append(pos)
    return [np.sort(np.array(h, dtype=np.int64)) for h in hits]
