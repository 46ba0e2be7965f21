"""Restart a read with a column widened when a later batch does not fit the inferred type."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from gongshu.catalog.ingest import errors

T = TypeVar("T")


class Widen(Exception):
    """Internal signal: read again with column ``index`` (0-based) stored as ``kind``."""

    def __init__(self, index: int, name: str, kind: str) -> None:
        super().__init__(index, name, kind)
        self.index = index
        self.name = name
        self.kind = kind


def with_fallback(attempt: Callable[[dict[int, str]], T], overrides: dict[int, str], columns: int) -> T:
    """Run ``attempt(overrides)``, widening one column per restart, at most twice per column."""
    overrides = dict(overrides)
    for _ in range(2 * columns + 1):
        try:
            return attempt(overrides)
        except Widen as w:
            if overrides.get(w.index) == w.kind:
                raise errors.unconvertible(w.index + 1, w.name, w.kind) from None
            overrides[w.index] = w.kind
    raise errors.unconvertible(0, "", "string")  # pragma: no cover - each column widens at most twice
