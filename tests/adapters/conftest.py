"""Adapter fixtures: an HTTP client over the real app and bearer tokens for users."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from gongshu.api.app import create_app
from gongshu.platform import Platform


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform)) as c:
        yield c
