"""Shared fixtures: a fresh database per test on SQLite and (when it answers) PostgreSQL."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from gongshu.clock import FakeClock
from gongshu.config import Settings
from gongshu.db import Database
from gongshu.migrate import upgrade
from gongshu.models import Base
from gongshu.platform import Platform

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def _pg_answers() -> bool:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


PG_UP = _pg_answers()
PG_SKIP_REASON = "PostgreSQL at 127.0.0.1:5432 (database test) does not answer: PostgreSQL runs skipped"


def pytest_report_header(config: pytest.Config) -> str:
    return (
        "PostgreSQL: 127.0.0.1:5432 answers, tests run on SQLite and PostgreSQL"
        if PG_UP
        else ("PostgreSQL: NOT AVAILABLE — " + PG_SKIP_REASON)
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not PG_UP:
        terminalreporter.write_line("WARNING: " + PG_SKIP_REASON, yellow=True, bold=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "gongshu.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A database of this test run's own, migrated once, dropped at the end."""
    if not PG_UP:
        pytest.skip(PG_SKIP_REASON)
    name = f"gongshu_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    upgrade(url)
    yield url
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _truncate(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables if t.name != "ledger_state")
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        conn.execute(text("UPDATE ledger_state SET size = 0, frontier = ''"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """Database URL for one test: a copy of the migrated SQLite template, or the run's PostgreSQL
    database emptied. Tests that take the ``backend`` fixture run on both."""
    kind = request.getfixturevalue("backend") if "backend" in request.fixturenames else "sqlite"
    if kind == "postgresql":
        url = request.getfixturevalue("pg_url")
        _truncate(url)
        return url
    path = tmp_path / "gongshu.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(home=tmp_path / "home", database_url=db_url, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def platform(settings: Settings, clock: FakeClock) -> Iterator[Platform]:
    p = Platform(settings, clock=clock, db=Database(settings.db_url))
    yield p
    p.close()
