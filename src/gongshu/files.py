"""Atomic files: write beside the destination, sync, then rename — a failure leaves nothing behind."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HASH_CHUNK = 8 << 20


@contextmanager
def staged(dest: Path) -> Iterator[Path]:
    """A temporary path in ``dest``'s directory, removed on exit unless it was published."""
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def publish(tmp: Path, dest: Path) -> tuple[str, int]:
    """Hash and sync ``tmp``, then rename it to ``dest``; returns (sha256 hex, size)."""
    digest = hashlib.sha256()
    size = 0
    with tmp.open("rb") as f:
        while chunk := f.read(HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
        os.fsync(f.fileno())
    os.replace(tmp, dest)
    return digest.hexdigest(), size
