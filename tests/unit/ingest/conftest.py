"""Fixtures for ingest tests: a working directory and a check that failures leave nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gongshu.catalog.ingest import IngestError, ingest_file


@pytest.fixture
def fails(tmp_path: Path) -> Callable[..., IngestError]:
    """Ingest ``src`` expecting IngestError; assert no Parquet or temp file is left behind."""

    def check(src: Path, **kwargs: object) -> IngestError:
        before = set(tmp_path.iterdir())
        dest = tmp_path / "out.parquet"
        with pytest.raises(IngestError) as caught:
            ingest_file(src, dest, **kwargs)
        assert not dest.exists()
        assert set(tmp_path.iterdir()) == before
        return caught.value

    return check


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
