"""Adapter fixtures: an HTTP client over the real app and bearer tokens for users."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from console import Login, csrf_of
from factories import PASSWORD
from gongshu.api.app import create_app
from gongshu.platform import Platform


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform)) as c:
        yield c


@pytest.fixture
def login(platform: Platform) -> Iterator[Login]:
    """A signed-in browser per user (each its own cookie jar) on one app."""
    app = create_app(platform=platform)
    with ExitStack() as stack:

        def signed_in(username: str) -> TestClient:
            client = stack.enter_context(TestClient(app))
            token = csrf_of(client.get("/login").text)
            response = client.post(
                "/login",
                data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"},
                follow_redirects=False,
            )
            assert response.status_code == 303, response.text
            return client

        yield signed_in


@pytest.fixture
def anonymous(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform)) as client:
        yield client
