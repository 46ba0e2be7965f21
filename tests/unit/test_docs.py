"""Drift tests: the committed reference documents match what the code generates."""

from __future__ import annotations

import pytest

from gongshu import refdocs
from gongshu.config import Settings


@pytest.mark.parametrize("name", sorted(refdocs.DOCUMENTS))
def test_the_committed_reference_document_is_current(name: str) -> None:
    committed = (refdocs.REFERENCE / name).read_text(encoding="utf-8")
    assert committed == refdocs.DOCUMENTS[name](), f"docs/reference/{name} is stale: run `make docs`"


def test_every_setting_is_in_the_env_example() -> None:
    example = (refdocs.REFERENCE.parents[1] / ".env.example").read_text(encoding="utf-8")
    missing = [n for n in Settings.model_fields if f"GONGSHU_{n.upper()}" not in example]
    assert not missing, f".env.example lacks {missing}"
