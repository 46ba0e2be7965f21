"""Durable ledger appends per second through the real write path, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator

from bench.common import PG_DOWN, Result, Target, pg_database, ratio, temp_platform
from gongshu.ledger.events import EventDraft
from gongshu.platform import Platform

NAME = "ledger_append"
BATCH = 1000
REPEATS = 3
BATCH_TARGET = 50_000
SINGLE_TARGET = 2_000
MEETS = Target(">=", 1.0)
KINDS = (f"batches of {BATCH:,}", "1 event per txn")
# per database at scale 1: (events appended in batches, single-event transactions), per repetition
COUNTS = {"sqlite": (100_000, 3_000), "postgresql": (30_000, 1_500)}
DOCUMENTED = [
    Result(NAME, "trillian on MySQL (documented)", None, "events/s", "documented", shown="400-500"),
    Result(NAME, "immudb embedded, batch 1000 (doc.)", None, "events/s", "documented", shown="1.2M-1.8M"),
]


def run(scale: float) -> list[Result]:
    with temp_platform(None, "ledger-append-sqlite") as platform:
        results = _measure(platform, "sqlite", scale)
    with pg_database() as url:
        if url is None:
            results += [Result(NAME, f"postgresql, {kind}", None, "events/s", note=PG_DOWN) for kind in KINDS]
        else:
            with temp_platform(url, "ledger-append-pg") as platform:
                results += _measure(platform, "postgresql", scale)
    return results + DOCUMENTED


def _measure(platform: Platform, db: str, scale: float) -> list[Result]:
    batched = max(int(COUNTS[db][0] * scale), BATCH)
    single = max(int(COUNTS[db][1] * scale), 200)
    seqs = iter(range(1 << 62))
    batched_s = min(append_events(platform, seqs, batched, BATCH) for _ in range(REPEATS))
    single_s = min(append_events(platform, seqs, single, 1) for _ in range(REPEATS))
    return [
        _row(db, KINDS[0], batched / batched_s, BATCH_TARGET, f"{batched:,} events"),
        _row(db, KINDS[1], single / single_s, SINGLE_TARGET, f"{single:,} transactions"),
    ]


def _row(db: str, kind: str, rate: float, target: int, how: str) -> Result:
    """Rate against the target; the targets are SQLite's, so PostgreSQL rows get no verdict."""
    sqlite = db == "sqlite"
    note = f"{how}, best of {REPEATS}" + ("" if sqlite else "; the targets are for SQLite")
    return Result(NAME, f"{db}, {kind}", rate, "events/s", f"target {target:,}/s", ratio(rate, target),
                  MEETS if sqlite else None, note)  # fmt: skip


def append_events(platform: Platform, seqs: Iterator[int], count: int, per_txn: int) -> float:
    """Append ``count`` events, ``per_txn`` to a unit of work; returns the seconds spent in them.

    Drafts are built outside the clock (the figure is the write path, not the caller); the
    garbage collector stays on, as it is in the server.
    """
    spent = 0.0
    for start in range(0, count, per_txn):
        drafts = [draft(next(seqs)) for _ in range(min(per_txn, count - start))]
        spent += _timed_commit(platform, drafts)
    return spent


def _timed_commit(platform: Platform, drafts: list[EventDraft]) -> float:
    start = time.perf_counter()
    with platform.uow(write=True) as uow:
        for d in drafts:
            uow.record(d)
        uow.commit()
    return time.perf_counter() - start


def draft(n: int) -> EventDraft:
    """A typical service event: a catalog resource updated by a provider's data steward."""
    code = f"R{n:08d}"
    return EventDraft(
        actor="zhang.wei", org="SH-DSJ", role="provider", action="resource.update", object_type="resource",
        object_id=code, payload={"code": code, "title": "企业登记信息", "version": n % 97},
        detail={"title": "企业登记信息", "fields": ["title", "grade"]},
    )  # fmt: skip
