"""Column-name checks shared by every format: stripped, non-empty, unique."""

from __future__ import annotations

from collections.abc import Sequence

from gongshu.catalog.ingest import errors


def clean_name(raw: object) -> str:
    """A column name without surrounding whitespace or byte-order marks."""
    text = "" if raw is None else str(raw)
    return text.strip().strip("\ufeff").strip()


def check_names(raw: Sequence[object]) -> list[str]:
    """The cleaned names of ``raw``; raises IngestError on empty or duplicate names."""
    names = [clean_name(n) for n in raw]
    if not names:
        raise errors.empty_file()
    empty = [i for i, name in enumerate(names, start=1) if not name]
    if empty:
        raise errors.empty_names(empty)
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(names, start=1):
        positions.setdefault(name, []).append(i)
    duplicates = {name: where for name, where in positions.items() if len(where) > 1}
    if duplicates:
        raise errors.duplicate_names(duplicates)
    return names
