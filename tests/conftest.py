"""Tests run as a user without settings of their own (no API key: no call may leave the
machine; no `.env`), on a fresh database with a clock tests can move."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from postready.chat import sending
from postready.core.config.settings import sections, variables
from postready.core.identity import UserRef
from postready.core.storage import Storage
from postready.core.storage.models import NewJob, QueueLimits, User


@pytest.fixture(autouse=True)
def offline_environment(monkeypatch, tmp_path_factory) -> None:
    for name in variables():
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


@pytest.fixture
async def store(tmp_path: Path, clock: Clock) -> AsyncIterator[Storage]:
    async with await Storage.open(tmp_path / "postready.db", clock) as opened:
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


async def rows_of(store: Storage, sql: str) -> list[Any]:
    """Rows of a statement run straight on the database, for what no repository reads."""
    async with store.database.statements() as statements:
        return await statements.all(sql)
