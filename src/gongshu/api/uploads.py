"""Receiving uploaded files: streamed to the platform's temp folder with a size cap."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath

from fastapi import UploadFile

from gongshu.errors import Invalid

CHUNK = 1 << 20


@contextmanager
def received(upload: UploadFile, tmp_dir: Path, max_mb: int) -> Iterator[tuple[Path, str]]:
    """Yield (path of the saved copy, the client's file name); the copy is removed afterwards."""
    name = PurePath(upload.filename or "upload").name[:200]
    if not name or name.startswith("."):
        name = "upload"
    dest = tmp_dir / f"upload-{uuid.uuid4().hex}{PurePath(name).suffix.lower()[:10]}"
    try:
        _copy_capped(upload, dest, max_mb)
        yield dest, name
    finally:
        dest.unlink(missing_ok=True)


def _copy_capped(upload: UploadFile, dest: Path, max_mb: int) -> None:
    limit, written = max_mb * CHUNK, 0
    with dest.open("wb") as out:
        while chunk := upload.file.read(CHUNK):
            written += len(chunk)
            if written > limit:
                raise Invalid(f"上传文件超过 {max_mb} MiB 上限", f"the upload exceeds the {max_mb} MiB limit")
            out.write(chunk)
