"""The Discord bot when Discord fails: results still come as followups, each once, through server
errors (discord.py's own retries) and dropped connections (ours); a followup Discord refuses does
not hold back the others; a failed "Queued" line is no error for the user. The real discord.py
client against the fake Discord, as `postready bot discord` runs it."""

# The main tests' fixtures (the fake server, the bot's settings) are imported and then named
# as parameters, as pytest passes them.
# ruff: noqa: F401, F811

from __future__ import annotations

import asyncio
import logging

import pytest

from postready.core.config.settings import Settings
from postready.core.storage import Storage
from tests.adapters.test_discord import (
    ALICE,
    done,
    fake,
    photo,
    running,
    settings,
)
from tests.adapters.waiting import hold_jobs
from tests.fakes.discord_server import FakeDiscord, Shown
from tests.waiting import until

pytestmark = pytest.mark.usefixtures("quick_retries")


@pytest.fixture
def patient(settings: Settings) -> Settings:
    """The bot retrying replies for up to a minute."""
    return settings.replace(queue={"reply_retry_seconds": 60})


def refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.msg.startswith("reply_refused")]


async def undelivered(settings: Settings) -> list[int]:
    async with await Storage.open(settings.storage.db_path) as store:
        return [job.id for job in await store.jobs.undelivered(["discord"], 3600)]


def sent(shown: Shown) -> list[str]:
    """Each followup as a word: its files' names, or its posts' titles."""
    return [
        " ".join([name for name, _ in f.files] + [e["title"] for e in f.payload.get("embeds", [])])
        for f in shown.followups
    ]


async def held_job(fake: FakeDiscord, monkeypatch, platforms: str) -> tuple[Shown, asyncio.Event]:
    """Alice's photo, its job held once its status line shows; and the go signal."""
    go = hold_jobs(monkeypatch)
    token = await fake.slash(ALICE, "optimize", {"image": photo(fake), "platforms": platforms})
    await until(lambda: fake.shown(token).original)
    return fake.shown(token), go


async def test_followups_come_once_through_server_errors_and_dropped_connections(
    fake, patient, monkeypatch
):
    async with running(patient, fake):
        shown, go = await held_job(fake, monkeypatch, "instagram pinterest")
        fake.fail("POST", "webhooks", 500)  # discord.py tries again itself
        fake.fail("POST", "webhooks", None, times=2)  # discord.py gives up; we try again
        go.set()
        await until(lambda: done(shown) and len(shown.followups) == 4)
    assert sent(shown) == [
        "instagram.jpg pinterest.jpg",
        "sheet.png",
        "Instagram — caption",
        "Pinterest — caption",
    ]
    assert shown.original[-1] == "✅ Done — 2 of 2 platforms ready"
    assert len(fake.made("POST", "/webhooks/")) == 4 + 3
    assert await undelivered(patient) == []


async def test_a_followup_discord_refuses_leaves_the_others(fake, patient, monkeypatch, caplog):
    async with running(patient, fake):
        shown, go = await held_job(fake, monkeypatch, "x")
        fake.fail("POST", "webhooks", 400)
        with caplog.at_level(logging.ERROR, "postready.chat.delivery"):
            go.set()
            await until(lambda: done(shown) and len(shown.followups) == 2)
            await until(lambda: refusals(caplog))
    assert sent(shown) == ["sheet.png", "X — caption"]
    assert "reply=album:1 reason=400 Bad Request" in refusals(caplog)[0]
    assert await undelivered(patient) == []


async def test_a_failed_queued_line_is_no_error_and_the_results_come(fake, patient):
    fake.fail("PATCH", "webhooks", None, times=2)  # "⏳ Queued" (at once, and once queued)
    async with running(patient, fake):
        token = await fake.slash(ALICE, "optimize", {"image": photo(fake), "platforms": "x"})
        shown = fake.shown(token)
        await until(lambda: done(shown) and len(shown.followups) == 3)
    assert shown.original == ["✅ Done — 1 of 1 platform ready"]
    assert sent(shown) == ["x.jpg", "sheet.png", "X — caption"]
    assert not any("⚠️" in (f.payload.get("content") or "") for f in shown.followups)
