"""Tests run as a user without API keys (no call may leave the machine), on a fresh
database with a clock tests can move."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from postready.core.config.ai import AISettings
from postready.core.identity import UserRef
from postready.core.storage import Storage
from postready.core.storage.models import NewJob, QueueLimits, User

AI_VARIABLES = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "OPENAI_IMAGE_MODEL", "GEMINI_API_KEY",
    "GEMINI_BASE_URL", "GEMINI_MODEL", "POSTREADY_ACCOUNTS_FILE", "POSTREADY_HASHTAG_PAGES_URL",
    "CLOUDINARY_URL", "POSTREADY_REMBG_MODEL",
)  # fmt: skip


@pytest.fixture(autouse=True)
def offline_environment(monkeypatch, tmp_path_factory) -> None:
    for name in AI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(AISettings.model_config, "env_file", None)  # ignore a developer's .env
    monkeypatch.setenv("POSTREADY_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


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
