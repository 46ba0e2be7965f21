"""The state output control's steps share: the raw result, which rows are kept, which cells are suppressed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from gongshu.sandbox.spec import CELL_HASH, ControlConfig, ControlReport, Finding, Limits, OutputColumn

HIDDEN_PREFIX = "__"
# Aggregates whose cells add up along a line of the table, so a line total recovers one missing cell. AVG is here
# too: AVG × count is a sum, and counts are usually published beside it. COUNT DISTINCT is not additive (the same
# value may be counted in several groups), nor is "other".
ADDITIVE = frozenset({"count", "sum", "avg"})
# Aggregates whose value is a count or a total, rounded under cfg.rounding; an AVG is not.
ROUNDED = frozenset({"count", "count_distinct", "sum"})
MAX_PLACES = 20  # cells named in one finding's place; the count covers the rest


@dataclass
class Work:
    """The raw result and what the steps decided so far; ``output()`` applies it."""

    result: pa.Table
    columns: list[OutputColumn]
    cfg: ControlConfig
    bounds: Mapping[int, tuple[float, float]]
    limits: Limits
    report: ControlReport
    keep: np.ndarray  # bool per raw row: released
    suppressed: dict[int, np.ndarray] = field(default_factory=dict)  # aggregate output index → bool per raw row
    values: dict[int, pa.Array] = field(default_factory=dict)  # output index → current values (noise, rounding)

    @classmethod
    def start(
        cls,
        result: pa.Table,
        columns: list[OutputColumn],
        cfg: ControlConfig,
        bounds: Mapping[int, tuple[float, float]],
        limits: Limits,
    ) -> Work:
        rows = result.num_rows
        work = cls(result, columns, cfg, bounds, limits, ControlReport(rows_in=rows), np.ones(rows, dtype=bool))
        for i in range(len(columns)):
            work.values[i] = result.column(i).combine_chunks()
            if columns[i].role == "aggregate":
                work.suppressed[i] = np.zeros(rows, dtype=bool)
        return work

    @property
    def n(self) -> np.ndarray:
        """Persons/entities per raw row (``__n``), a null counted as 0."""
        return self.numbers("__n").astype(np.int64)

    def numbers(self, name: str) -> np.ndarray:
        """A hidden numeric column as float64 (int64 where it is integer), nulls as 0."""
        arr = self.result.column(name).combine_chunks()
        if not (pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)):
            arr = arr.cast(pa.float64())  # DECIMAL (DuckDB's SUM of integers), or NULL for an empty result
        return np.asarray(pc.fill_null(arr, 0).to_numpy(zero_copy_only=False))

    def aggregates(self, kinds: frozenset[str] | None = None) -> list[int]:
        """Indices of the aggregate outputs, those of the given kinds only when kinds is set."""
        return [
            i
            for i, c in enumerate(self.columns)
            if c.role == "aggregate" and (kinds is None or (c.aggregate or "other") in kinds)
        ]

    def groups(self) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.role == "group"]

    def out_row(self) -> np.ndarray:
        """Raw row → its row number in the output (meaningful for kept rows only)."""
        return np.cumsum(self.keep) - 1

    def places(self, cells: list[tuple[int, int]]) -> str:
        """'row 3, column 人数; …' for (raw row, output index) cells, numbered as in the output (first row 1)."""
        rows = self.out_row()
        named = [f"row {rows[r] + 1}, column {self.columns[i].name}" for r, i in cells[:MAX_PLACES]]
        more = f"; … (+{len(cells) - MAX_PLACES})" if len(cells) > MAX_PLACES else ""
        return "; ".join(named) + more

    def suppress(self, i: int, mask: np.ndarray) -> list[tuple[int, int]]:
        """Suppress output i where mask holds on a kept row; returns the newly suppressed (row, i) cells."""
        new = mask & self.keep & ~self.suppressed[i]
        self.suppressed[i] |= new
        return [(int(r), i) for r in np.flatnonzero(new)]

    def output(self) -> pa.Table:
        """The developer's columns only, kept rows only, suppressed cells null."""
        arrays = []
        for i in range(len(self.columns)):
            arr = self.values[i]
            if i in self.suppressed and self.suppressed[i].any():
                arr = pc.if_else(pa.array(self.suppressed[i]), pa.scalar(None, arr.type), arr)
            arrays.append(arr.filter(pa.array(self.keep)))
        return pa.Table.from_arrays(arrays, names=[c.name for c in self.columns])

    def released_cells(self) -> list[str]:
        """``__h`` ("0" when absent) of each kept row with at least one aggregate not suppressed."""
        shown = self.keep.copy()
        if self.suppressed:
            shown &= ~np.logical_and.reduce(list(self.suppressed.values()))
        if CELL_HASH not in self.result.column_names:
            return ["0"] * int(shown.sum())
        hashes = self.result.column(CELL_HASH).combine_chunks().filter(pa.array(shown))
        return [str(h) for h in hashes.to_pylist()]

    def empty(self) -> pa.Table:
        """The developer's columns with no rows: what a refused result comes back as."""
        self.keep[:] = False
        return self.output()


def finding(rule: str, zh: str, en: str, place: str = "", *, passed: bool = True) -> Finding:
    return Finding(rule=rule, passed=passed, zh=zh, en=en, place=place)


Step = Callable[[Work], list[Finding]]
