"""Builders of raw query results for the output-control tests: developer columns, then the hidden ``__`` ones."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from gongshu.sandbox.spec import AggKind, OutputColumn


def key(name: str) -> OutputColumn:
    return OutputColumn(name=name, role="group")


def agg(name: str, kind: AggKind) -> OutputColumn:
    return OutputColumn(name=name, role="aggregate", aggregate=kind, protected=True)


def even_tops(totals: Sequence[float], n: Sequence[int]) -> list[list[float]]:
    """The 2 largest |x| of cells whose contributions are all equal (never dominated when n ≥ 3)."""
    return [[abs(t) / max(k, 1)] * min(k, 2) for t, k in zip(totals, n, strict=True)]


def grouped(
    keys: dict[str, list[object]],
    n: Sequence[int],
    *,
    count: str | None = "人数",
    sums: dict[str, Sequence[float]] | None = None,
    avgs: dict[str, Sequence[float]] | None = None,
    tops: dict[str, list[list[float]]] | None = None,
    distinct: dict[str, Sequence[int]] | None = None,
    dp: bool = False,
) -> tuple[pa.Table, list[OutputColumn]]:
    """A GROUP BY result: key columns, a COUNT (= ``__n``), COUNT DISTINCTs, SUMs, AVGs, then hidden columns.

    ``tops`` gives a SUM/AVG column's ``__dmax`` lists (default: equal contributions); ``__dsum`` is |total|
    (for an AVG, |avg × n|). Under ``dp`` each AVG also gets ``__sum_<i>`` = avg × n and ``__cnt_<i>`` = n.
    """
    data: dict[str, list[object]] = {k: list(v) for k, v in keys.items()}
    columns = [key(k) for k in keys]
    if count:
        data[count] = list(n)
        columns.append(agg(count, "count"))
    for name, values in (distinct or {}).items():
        data[name] = list(values)
        columns.append(agg(name, "count_distinct"))
    totals: dict[int, list[float]] = {}
    for kind, named in (("sum", sums or {}), ("avg", avgs or {})):
        for name, values in named.items():
            data[name] = [float(v) for v in values]
            totals[len(columns)] = [float(v) * (k if kind == "avg" else 1) for v, k in zip(values, n, strict=True)]
            columns.append(agg(name, kind))  # type: ignore[arg-type]
    hidden: dict[str, list[object]] = {"__n": list(n)}
    for i, total in totals.items():
        name = columns[i].name
        hidden[f"__dmax_{i}"] = list((tops or {}).get(name) or even_tops(total, n))
        hidden[f"__dsum_{i}"] = [abs(t) for t in total]
        if dp and columns[i].aggregate == "avg":
            hidden[f"__sum_{i}"] = total
            hidden[f"__cnt_{i}"] = list(n)
    fields = {**data, **hidden}
    types = {k: pa.list_(pa.float64()) for k in hidden if k.startswith("__dmax_")}
    table = pa.table({k: pa.array(v, type=types.get(k)) for k, v in fields.items()})
    return table, columns


def rows_of(table: pa.Table) -> list[tuple[object, ...]]:
    return [tuple(r.values()) for r in table.to_pylist()]
