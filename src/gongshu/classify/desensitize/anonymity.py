"""k-anonymity and (distinct) l-diversity of a Parquet file, measured by DuckDB over its equivalence classes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from gongshu.classify.desensitize import errors
from gongshu.classify.desensitize.params import is_whole


@dataclass(frozen=True)
class Anonymity:
    """How identifiable the rows are through their quasi-identifiers.

    ``k`` is the size of the smallest equivalence class (rows sharing every quasi-identifier value, nulls included),
    ``classes`` their number, ``rows_below_k`` and ``classes_below_k`` the rows and classes smaller than the
    ``k_min`` asked for. ``l`` is the fewest distinct values of ``sensitive`` in any class (null counts as a value),
    or None when no sensitive column was named. An empty file has k = 0 and no classes.
    """

    k: int
    classes: int
    rows_below_k: int
    classes_below_k: int
    l: int | None  # noqa: E741 — the name the brief and the literature use
    sensitive: str | None
    quasi_identifiers: list[str]


def k_anonymity(
    path: Path, quasi_identifiers: Sequence[str], *, k_min: int = 5, sensitive: str | None = None
) -> Anonymity:
    """Measure k-anonymity over ``quasi_identifiers`` (and l-diversity of ``sensitive``) in the Parquet file.

    Raises DesensitizeError for an empty or repeated quasi-identifier list, unknown columns, a sensitive column that
    is also a quasi-identifier, a named column whose name the file repeats up to letter case (DuckDB would read the
    wrong one), a ``k_min`` below 1, or a file that is missing or not Parquet. DuckDB may read only that one file.
    """
    path = Path(path).resolve()
    _check(_columns(path), quasi_identifiers, k_min, sensitive)
    with duckdb.connect() as db:
        db.execute(f"SET allowed_paths = [{_literal(str(path))}]")
        db.execute("SET enable_external_access = false")
        try:
            row = db.execute(_sql(quasi_identifiers, sensitive), {"path": str(path), "k_min": k_min}).fetchone()
        except duckdb.Error as e:
            raise errors.source_unreadable(str(path), type(e).__name__) from e
    assert row is not None  # an aggregate without GROUP BY returns exactly one row
    k, classes, rows_below_k, classes_below_k, l_value = row
    return Anonymity(
        k=int(k),
        classes=int(classes),
        rows_below_k=int(rows_below_k),
        classes_below_k=int(classes_below_k),
        l=None if sensitive is None else int(l_value),
        sensitive=sensitive,
        quasi_identifiers=list(quasi_identifiers),
    )


def _columns(path: Path) -> list[str]:
    try:
        with pq.ParquetFile(path) as source:
            return source.schema_arrow.names
    except FileNotFoundError as e:
        raise errors.source_missing(str(path)) from e
    except (pa.ArrowException, OSError) as e:
        raise errors.source_unreadable(str(path), str(e)) from e


def _check(columns: Sequence[str], quasi_identifiers: Sequence[str], k_min: int, sensitive: str | None) -> None:
    if isinstance(quasi_identifiers, str) or not quasi_identifiers:
        raise errors.no_quasi_identifiers()
    if not is_whole(k_min) or k_min < 1:
        raise errors.bad_k_min(k_min)
    seen: set[str] = set()
    for column in quasi_identifiers:
        if column not in columns:
            raise errors.unknown_column(column, columns, role_zh="准标识符", role_en="quasi-identifier")
        if column in seen:
            raise errors.duplicate_quasi_identifier(column)
        seen.add(column)
    if sensitive is not None:
        if sensitive not in columns:
            raise errors.unknown_column(sensitive, columns, role_zh="敏感属性", role_en="the sensitive attribute")
        if sensitive in seen:
            raise errors.sensitive_is_quasi_identifier(sensitive)
    for column in [*quasi_identifiers, *([sensitive] if sensitive else [])]:
        if len(twins := [c for c in columns if c.lower() == column.lower()]) > 1:
            raise errors.ambiguous_column(column, [c for c in twins if c != column] or [column])


def _sql(quasi_identifiers: Sequence[str], sensitive: str | None) -> str:
    keys = ", ".join(_identifier(c) for c in quasi_identifiers)
    if sensitive is None:
        diversity, least = "", "NULL"
    else:
        s = _identifier(sensitive)
        diversity = f", count(DISTINCT {s}) + max(CASE WHEN {s} IS NULL THEN 1 ELSE 0 END) AS diversity"
        least = "coalesce(min(diversity), 0)"
    return (
        f"WITH classes AS (SELECT count(*) AS size{diversity} FROM read_parquet($path) GROUP BY {keys}) "
        "SELECT coalesce(min(size), 0), count(*), coalesce(sum(size) FILTER (WHERE size < $k_min), 0), "
        f"count(*) FILTER (WHERE size < $k_min), {least} FROM classes"
    )


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
