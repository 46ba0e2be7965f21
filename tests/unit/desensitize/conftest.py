"""Fixtures for desensitization tests: a platform key, Parquet writing, and a check that failures leave nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongshu.classify.desensitize import DesensitizeError, Plan, apply_plan


@pytest.fixture
def key() -> bytes:
    return bytes(range(32))


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write columns (or a table) to ``tmp_path/name`` as Parquet and return the path."""

    def write_parquet(
        columns: dict[str, list[object]] | pa.Table, name: str = "src.parquet", **options: object
    ) -> Path:
        path = tmp_path / name
        pq.write_table(columns if isinstance(columns, pa.Table) else pa.table(columns), path, **options)
        return path

    return write_parquet


@pytest.fixture
def fails(tmp_path: Path, key: bytes) -> Callable[..., DesensitizeError]:
    """Apply ``plan`` to ``src`` expecting DesensitizeError; assert no output and no temp file is left behind."""

    def check(src: Path, plan: Plan, *, dest: Path | None = None, **kwargs: object) -> DesensitizeError:
        dest = dest or tmp_path / "out.parquet"
        before = set(tmp_path.rglob("*"))
        with pytest.raises(DesensitizeError) as caught:
            apply_plan(src, dest, plan, **({"key": key} | kwargs))
        assert not dest.exists()
        assert set(tmp_path.rglob("*")) == before
        return caught.value

    return check
