"""The Telegram bot when the Bot API fails: server errors and timeouts on the result messages are
retried and every reply arrives once; a reply Telegram refuses does not hold back the others; a
delivery cut short is finished at the next start without sending again what was recorded; a
failed "Queued" line is no error for the user. The real python-telegram-bot client against the
fake Bot API, as `postready bot telegram` runs it."""

# The main tests' fixtures (the fake server, the bot's settings) are imported and then named
# as parameters, as pytest passes them.
# ruff: noqa: F401, F811

from __future__ import annotations

import logging

import pytest

from postready.core.config.settings import Settings
from postready.core.storage import Storage
from postready.core.storage.chat_state import ChatStateStore
from tests.adapters.test_telegram import (
    ALICE,
    finished,
    image,
    photo_bytes,
    running,
    settings,
    telegram,
)
from tests.adapters.waiting import hold_jobs
from tests.fakes.telegram_server import FakeTelegram
from tests.waiting import until

TIMEOUT = 2.0  # the bot's Bot API timeout here; a stalled call answers after twice as long


pytestmark = pytest.mark.usefixtures("quick_retries")


@pytest.fixture
def patient(settings: Settings) -> Settings:
    """The bot retrying replies for up to a minute, its Bot API calls timing out soon."""
    return settings.replace(telegram={"timeout": TIMEOUT}, queue={"reply_retry_seconds": 60})


def refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.msg.startswith("reply_refused")]


async def undelivered(settings) -> list[int]:
    async with await Storage.open(settings.storage.db_path) as store:
        return [job.id for job in await store.jobs.undelivered(["telegram"], 3600)]


def posts(telegram: FakeTelegram, chat: int) -> list[str]:
    """The platforms of the posts the chat shows, in order."""
    return [s.text.split(" — ")[0] for s in telegram.chat(chat) if " — caption" in s.text]


async def queued_and_held(telegram: FakeTelegram, monkeypatch, caption: str):
    """Alice's photo, its job held once its status line shows; returns the go signal."""
    go = hold_jobs(monkeypatch)
    await telegram.send_photo(ALICE, photo_bytes(), caption)
    await until(lambda: telegram.chat(ALICE))
    return go


async def test_server_errors_and_timeouts_on_the_results_are_retried_and_each_arrives_once(
    telegram, patient, monkeypatch
):
    async with running(patient, telegram):
        go = await queued_and_held(telegram, monkeypatch, "/optimize instagram pinterest")
        telegram.fail("sendMediaGroup", 500)
        telegram.fail("sendMediaGroup", 500, delay=2 * TIMEOUT)  # the bot times out first
        telegram.fail("sendPhoto", 502)  # the previews sheet
        telegram.fail("sendMessage", 500, times=2)
        go.set()
        await until(lambda: finished(telegram, ALICE))
    assert telegram.chat(ALICE)[0].text == "✅ Done — 2 of 2 platforms ready"
    assert [s.text.split(" · ")[0] for s in telegram.chat(ALICE) if image(s)] == [
        "Instagram",
        "Pinterest",
    ]
    assert len([s for s in telegram.chat(ALICE) if s.kind == "photo" and not image(s)]) == 1
    assert posts(telegram, ALICE) == ["Instagram", "Pinterest"]
    assert len(telegram.methods("sendMediaGroup")) == 3
    assert await undelivered(patient) == []


async def test_files_sent_as_documents_are_retried_too(telegram, patient, monkeypatch):
    async with running(patient, telegram):
        await telegram.send_text(ALICE, "/settings files on")
        await until(lambda: telegram.chat(ALICE))
        go = await queued_and_held(telegram, monkeypatch, "/optimize x")
        telegram.fail("sendDocument", 500, delay=2 * TIMEOUT)
        telegram.fail("sendDocument", 500, times=2)
        go.set()
        await until(lambda: len(posts(telegram, ALICE)) == 1)
    documents = [s.text for s in telegram.chat(ALICE) if s.kind == "document"]
    assert documents == ["X · landscape 1600×900"]
    assert len(telegram.methods("sendDocument")) == 4
    assert await undelivered(patient) == []


async def test_a_reply_telegram_refuses_leaves_the_others_and_the_job_is_delivered(
    telegram, patient, monkeypatch, caplog
):
    async with running(patient, telegram):
        go = await queued_and_held(telegram, monkeypatch, "/optimize instagram pinterest")
        telegram.fail("sendMediaGroup", 400)
        with caplog.at_level(logging.ERROR, "postready.chat.delivery"):
            go.set()
            await until(lambda: len(posts(telegram, ALICE)) == 2)
            await until(lambda: refusals(caplog))
    assert not [s for s in telegram.chat(ALICE) if image(s)]
    assert len(telegram.methods("sendMediaGroup")) == 1  # not tried again
    assert "reply=album:1 reason=BadRequest: Wrong file" in refusals(caplog)[0]
    assert await undelivered(patient) == []
    shown = len(telegram.chat(ALICE))
    async with running(patient, telegram):  # nothing is left to send
        pass
    assert len(telegram.chat(ALICE)) == shown


async def test_a_delivery_cut_short_sends_only_what_was_not_recorded_at_the_next_start(
    telegram, patient, monkeypatch
):
    """The process dies right after recording the album: at the next start the posts are
    sent, the album not again."""
    record = ChatStateStore.record_reply

    async def dies_after_the_album(self, job_id, part, *args):
        await record(self, job_id, part, *args)
        if part == "album:1":
            raise ConnectionError("the process died")

    monkeypatch.setattr(ChatStateStore, "record_reply", dies_after_the_album)
    async with running(patient, telegram):
        await telegram.send_photo(ALICE, photo_bytes(), "/optimize instagram pinterest")
        await until(lambda: [s for s in telegram.chat(ALICE) if image(s)])
        await until(lambda: telegram.chat(ALICE)[0].text.startswith("✅"))
    assert posts(telegram, ALICE) == []
    assert await undelivered(patient) == [1]
    monkeypatch.setattr(ChatStateStore, "record_reply", record)
    async with running(patient, telegram):
        await until(lambda: finished(telegram, ALICE))
    assert len([s for s in telegram.chat(ALICE) if image(s)]) == 2
    assert len([s for s in telegram.chat(ALICE) if s.kind == "photo" and not image(s)]) == 1
    assert posts(telegram, ALICE) == ["Instagram", "Pinterest"]
    assert await undelivered(patient) == []


async def test_a_failed_queued_line_is_no_error_and_the_results_arrive(telegram, patient):
    telegram.fail("sendMessage", 500, times=2)  # "⏳ Queued": at once, and once queued
    async with running(patient, telegram):
        await telegram.send_photo(ALICE, photo_bytes(), "/optimize x")
        await until(lambda: finished(telegram, ALICE))
    texts = [s.text for s in telegram.chat(ALICE)]
    assert texts[0] == "✅ Done — 1 of 1 platform ready"
    assert not any("PROCESSING_FAILED" in text or "⚠️" in text for text in texts)
    assert [s.text for s in telegram.chat(ALICE) if image(s)] == ["X · landscape 1600×900"]
