"""The running platform: settings, database, clock and ledger writer, and units of work over them."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session

from gongshu.clock import Clock, SystemClock
from gongshu.config import Settings
from gongshu.db import Database
from gongshu.ledger.events import EventDraft
from gongshu.ledger.services import LedgerWriter
from gongshu.ledger.signing import Ed25519Signer


class Platform:
    """Built once per process (by ``create_app``, the CLI or a test) from a ``Settings``."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None, db: Database | None = None) -> None:
        settings.ensure_dirs()
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.db = db or Database(settings.db_url)
        self.signer = Ed25519Signer.from_dir(settings.key_dir)
        self.ledger = LedgerWriter(self.signer, settings.ledger_hash)
        self.desensitization_key = _secret(settings.key_dir / "desensitize.key")

    def uow(self, *, write: bool = False) -> UnitOfWork:
        return UnitOfWork(self, write=write)

    def close(self) -> None:
        self.db.dispose()


def _secret(path: Path) -> bytes:
    """A 32-byte platform secret kept in the key folder (mode 0600), made on first use."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
    return path.read_bytes()


class UnitOfWork:
    """One database transaction; ledger events recorded in it are appended at commit.

    A write unit of work serializes with other writers from its first statement. Commit appends
    the recorded events and signs a tree head in the same transaction as the change, so there is
    no change without its event and no event without its change. Leaving the block without a
    commit rolls back and runs the ``on_rollback`` callbacks (e.g. to delete files written).
    """

    def __init__(self, platform: Platform, *, write: bool) -> None:
        self.platform = platform
        self.settings = platform.settings
        self.clock = platform.clock
        self.write = write
        self._events: list[EventDraft] = []
        self._on_rollback: list[Callable[[], None]] = []

    def __enter__(self) -> Self:
        self.session: Session = self.platform.db.session(write=self.write)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            for fn in reversed(self._on_rollback):  # cleared by commit: only uncommitted work is undone
                fn()
        finally:
            self.session.close()  # rolls back anything uncommitted; loaded objects stay readable

    def record(self, draft: EventDraft) -> None:
        if not self.write:
            raise RuntimeError("a read-only unit of work cannot record ledger events")
        self._events.append(draft)

    def on_rollback(self, fn: Callable[[], None]) -> None:
        self._on_rollback.append(fn)

    def commit(self) -> None:
        if not self._events and (self.session.new or self.session.dirty or self.session.deleted):
            raise RuntimeError("every state change must record a ledger event before commit")
        if self._events:
            self.platform.ledger.append(self.session, self._events, self.clock.now())
        self.session.commit()
        self._events.clear()
        self._on_rollback.clear()
