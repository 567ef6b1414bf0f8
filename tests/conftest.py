"""Tests run as a user without settings of their own (no API key: no call may leave the
machine; no `.env`; no locale: the command line speaks English), on a fresh database with a
clock tests can move."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from postready.chat import sending
from postready.core.config.settings import sections, variables
from postready.core.i18n import LOCALE_VARIABLES
from postready.core.identity import UserRef
from postready.core.storage import Storage
from postready.core.storage.models import NewJob, QueueLimits, User
from postready.core.storage.postgres.database import migrate
from tests import postgres


@pytest.fixture(autouse=True)
def offline_environment(monkeypatch, tmp_path_factory) -> None:
    for name in (*variables(), *LOCALE_VARIABLES, "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    dotenv(monkeypatch, None)  # ignore a developer's .env
    monkeypatch.setenv("POSTREADY_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def quick_retries(monkeypatch) -> None:
    """Replies the chat failed are tried again after hundredths of a second, not halves."""
    monkeypatch.setattr(sending, "FIRST_DELAY", 0.02)


@pytest.fixture
def read_dotenv(monkeypatch) -> None:
    """Settings read `.env` in the working directory again, as outside tests."""
    dotenv(monkeypatch, ".env")


def dotenv(monkeypatch, path: str | None) -> None:
    for section in sections():
        monkeypatch.setitem(section.model_config, "env_file", path)


T0 = 1_800_000_000.0


class Clock:
    """Wall-clock seconds that only move when a test says so."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line for all the tests that skipped for want of a PostgreSQL server."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and postgres.NO_SERVER in report.longrepr[2]
    ]
    if skipped:
        terminalreporter.write_line(f"{postgres.NO_SERVER}: {len(skipped)} tests skipped")


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[postgres.SessionDatabases]:
    """This session's databases on the test server; skips the test when none answers."""
    if not postgres.server_answers():
        pytest.skip(postgres.NO_SERVER)
    databases = postgres.SessionDatabases()
    try:
        yield databases
    finally:
        databases.drop_all()


@pytest.fixture(scope="session")
def postgres_session_url(postgres_databases: postgres.SessionDatabases) -> str:
    """The session's database, migrated once."""
    url = postgres_databases.create("main")
    asyncio.run(migrate(url))
    return url


@pytest.fixture
def postgres_url(postgres_session_url: str) -> str:
    """The session's database with no rows in it, for one test."""
    postgres.empty_tables(postgres_session_url)
    return postgres_session_url


@pytest.fixture
def database(tmp_path: Path) -> Path | str:
    """What `Storage.open` opens: a SQLite file, unless a test's folder or module asks for
    both engines (`database = either_database` there)."""
    return tmp_path / "postready.db"


@pytest.fixture(params=["sqlite", "postgres"])
def either_database(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """A SQLite file, then a PostgreSQL database (an empty one on the test server; skipped
    when none answers)."""
    if request.param == "sqlite":
        return tmp_path / "postready.db"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
async def store(database: Path | str, clock: Clock) -> AsyncIterator[Storage]:
    async with await Storage.open(database, clock) as opened:
        yield opened


LIMITS = QueueLimits(in_flight=2, per_hour=20, queued=100, max_attempts=3)


def new_job(tmp_path: Path, number: int, platforms: tuple[str, ...] = ("instagram",)) -> NewJob:
    source = tmp_path / f"upload-{number}.jpg"
    source.write_bytes(b"photo")
    return NewJob(
        session_id=f"session-{number}",
        source_path=source,
        source_size=5,
        platforms=platforms,
        description="cozy mug",
        options={"output_format": "jpeg"},
        chat_id="chat-1",
    )


async def make_user(store: Storage, name: str = "1") -> User:
    return await store.users.get_or_create(UserRef("telegram", name))


async def execute(store: Storage, sql: str, params: dict[str, Any]) -> int:
    """Run a write with `:name` parameters straight on the database (either engine); the rows
    it changed."""
    if store.database.engine == "postgres":
        sql = re.sub(r":([a-z_]+)", r"%(\1)s", sql)
    async with store.database.statements() as statements:
        return await statements.run(sql, params)


async def rows_of(store: Storage, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a statement run straight on the database, for what no repository reads, as
    tuples of their values (either engine)."""
    async with store.database.statements() as statements:
        found = await statements.all(sql)
    return [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in found]
