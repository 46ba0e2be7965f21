"""What every benchmark shares: the result row, targets, timers, throwaway platforms and databases."""

from __future__ import annotations

import gc
import math
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from gongshu.config import Settings
from gongshu.migrate import upgrade
from gongshu.platform import Platform

DATA = Path(__file__).resolve().parent / ".data"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_DOWN = "PostgreSQL at 127.0.0.1:5432 does not answer: PostgreSQL runs skipped"
OPS = ("<=", "<", ">=")


@dataclass(frozen=True)
class Target:
    """A bound on a result's ratio: ``ratio <op> limit`` with ``op`` one of <=, <, >=."""

    op: str
    limit: float

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"unknown target operator {self.op!r}; use one of {OPS}")

    def meets(self, ratio: float) -> bool:
        if self.op == "<=":
            return ratio <= self.limit
        if self.op == "<":
            return ratio < self.limit
        return ratio >= self.limit

    def __str__(self) -> str:
        return f"{self.op} {self.limit:g}x"


@dataclass(frozen=True)
class Result:
    """One row of the table.

    ``ratio`` is ``value`` against what ``baseline`` names (each benchmark says which way round);
    ``target`` bounds the ratio. ``value`` is None for a skipped contender; ``shown`` replaces the
    value's text for documented figures given as a range.
    """

    benchmark: str
    contender: str
    value: float | None
    unit: str
    baseline: str = ""
    ratio: float | None = None
    target: Target | None = None
    note: str = ""
    shown: str = ""

    @property
    def verdict(self) -> str:
        if self.value is None and not self.shown:
            return "skipped"
        if self.target is None or self.ratio is None:
            return ""
        return "meets" if self.target.meets(self.ratio) else "misses"


def ratio(value: float | None, baseline: float | None) -> float | None:
    """``value / baseline``; None when either is missing or the baseline is zero."""
    if value is None or baseline is None or baseline == 0:
        return None
    return value / baseline


def count_label(n: int) -> str:
    """``1e6`` for powers of ten, else the count with thousands separators."""
    k = round(math.log10(n)) if n > 0 else 0
    return f"1e{k}" if n > 1 and 10**k == n else f"{n:,}"


def timed(fn: Callable[[], object]) -> float:
    """Wall-clock seconds of one call of ``fn``, after a garbage collection."""
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_of(fn: Callable[[], object], n: int, *, before: Callable[[], object] | None = None) -> float:
    """The fastest of ``n`` timed calls; ``before`` runs untimed ahead of each."""
    return best_of_each({"only": fn}, n, before=before)["only"]


def best_of_each(
    contenders: Mapping[str, Callable[[], object]], n: int, *, before: Callable[[], object] | None = None
) -> dict[str, float]:
    """The fastest of ``n`` runs of each contender, run in turn round by round.

    Interleaving spreads a noisy neighbour's bursts over all contenders rather than one.
    """
    best = dict.fromkeys(contenders, math.inf)
    for _ in range(n):
        for name, fn in contenders.items():
            if before is not None:
                before()
            best[name] = min(best[name], timed(fn))
    return best


def fresh_dir(name: str) -> Path:
    """An empty directory ``bench/.data/<name>``."""
    path = DATA / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@contextmanager
def temp_platform(url: str | None, name: str) -> Iterator[Platform]:
    """A migrated platform with its home at ``bench/.data/<name>``, removed on exit.

    ``url`` None means the default settings: SQLite (WAL) at ``<home>/gongshu.db``.
    """
    home = fresh_dir(name)
    settings = Settings(home=home, database_url=url, _env_file=None)  # type: ignore[call-arg]
    settings.ensure_dirs()
    upgrade(settings.db_url)
    platform = Platform(settings)
    try:
        yield platform
    finally:
        platform.close()
        shutil.rmtree(home, ignore_errors=True)


def pg_answers() -> bool:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


@contextmanager
def pg_database() -> Iterator[str | None]:
    """The URL of a migrated PostgreSQL database of our own, dropped on exit; None when PG is down."""
    if not pg_answers():
        yield None
        return
    name = f"gongshu_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
