"""A finished job's replies when the chat fails: retried while it fails for a passing reason,
recorded one by one once it took them, never sent twice; a failing status line costs the user
nothing."""

from __future__ import annotations

import logging
import time

import pytest

from postready.chat.delivery import UndeliveredReplies
from postready.chat.replies import Album, Reply, Text
from postready.chat.sending import PermanentSendError, TransientSendError, send_patiently
from postready.core.queue.updates import JobUpdate
from tests.chat.conftest import ALICE, photo
from tests.chat.recording import failing, text_of
from tests.chat.test_delivery import completed, queued, result_for

SERVER_ERROR = TransientSendError("Internal Server Error (500)")


pytestmark = pytest.mark.usefixtures("quick_retries")


def post(reply: Reply) -> bool:
    return isinstance(reply, Text) and " — caption" in text_of(reply)


def album(reply: Reply) -> bool:
    return isinstance(reply, Album)


async def test_server_errors_are_retried_and_every_reply_arrives_once(bot, pipeline_result):
    job, status = await queued(bot)
    bot.output.answer = failing(SERVER_ERROR, lambda reply: album(reply) or post(reply), 3)
    await bot.service.on_job_update(await completed(bot, job, result_for(pipeline_result, job)))
    assert status.text == "✅ Done — 2 of 2 platforms ready"
    _, images, instagram, pinterest = bot.output.chat(ALICE)
    assert album(images.reply)
    assert instagram.text.startswith("Instagram — caption")
    assert pinterest.text.startswith("Pinterest — caption")
    assert bot.output.attempts == 2 + 3 + 3  # the status line and its edit; 3 failed tries
    assert await bot.store.chats.recorded_replies(job.id) == {
        "album:1",
        "post:instagram",
        "post:pinterest",
    }


async def test_a_chat_failing_past_the_time_allowed_leaves_the_rest_for_later(
    bot, pipeline_result, caplog
):
    """The chat recovers only after the time allowed: the replies it took are not sent again
    by the next delivery (after a restart), the others are, in order."""
    job, _ = await queued(bot)
    down = failing(SERVER_ERROR, post, 1000)
    bot.output.answer = down
    update = await completed(bot, job, result_for(pipeline_result, job))
    with caplog.at_level(logging.WARNING), pytest.raises(UndeliveredReplies) as raised:
        await bot.service.on_job_update(update)
    assert bot.output.attempts > 2 + 1 + 2  # the first post was tried again and again
    assert raised.value.parts == ["post:instagram", "post:pinterest"]
    assert f"reply_not_sent job={job.id} session={job.session.id} reply=post:instagram" in (
        caplog.text
    )
    assert await bot.store.chats.recorded_replies(job.id) == {"album:1"}
    bot.output.answer = lambda reply: None
    await bot.service.on_job_update(update)
    _, images, instagram, pinterest = bot.output.chat(ALICE)
    assert album(images.reply) and instagram.text.startswith("Instagram")
    assert pinterest.text.startswith("Pinterest")


async def test_after_a_crash_only_the_replies_not_recorded_are_sent(bot, pipeline_result):
    """The process died after sending the album and the first post (recorded), and maybe the
    second (sent, not recorded): the next delivery sends the second post, nothing else."""
    job, _ = await queued(bot)
    update = await completed(bot, job, result_for(pipeline_result, job))
    await bot.store.chats.record_reply(job.id, "album:1", "sent", "7")
    await bot.store.chats.record_reply(job.id, "post:instagram", "sent", "8")
    await bot.service.on_job_update(update)
    _, pinterest = bot.output.chat(ALICE)
    assert pinterest.text.startswith("Pinterest — caption")
    await bot.service.on_job_update(update)  # delivered again: nothing more to send
    assert len(bot.output.messages) == 2


async def test_a_refused_reply_is_recorded_and_not_tried_again(bot, pipeline_result, caplog):
    job, _ = await queued(bot)
    refused = PermanentSendError("Forbidden: bot was blocked by the user")
    bot.output.answer = failing(refused, album)
    update = await completed(bot, job, result_for(pipeline_result, job))
    with caplog.at_level(logging.ERROR):
        await bot.service.on_job_update(update)
        await bot.service.on_job_update(update)
    assert [r.getMessage().split(" reason=")[0] for r in caplog.records] == [
        f"reply_refused job={job.id} session={job.session.id} reply=album:1"
    ]
    assert len(bot.output.chat(ALICE)) == 3  # the status line and two posts
    assert await bot.store.chats.recorded_replies(job.id) == {
        "album:1",
        "post:instagram",
        "post:pinterest",
    }


async def test_a_reply_the_adapter_cannot_make_counts_as_refused(bot, pipeline_result, caplog):
    """Not a chat's answer but an error of ours (a file gone, a bug): logged with its trace,
    and the other replies still go."""
    job, _ = await queued(bot)

    def broken(reply: Reply) -> None:
        if album(reply):
            raise FileNotFoundError("instagram.jpg")

    bot.output.answer = broken  # type: ignore[assignment]
    with caplog.at_level(logging.ERROR):
        await bot.service.on_job_update(await completed(bot, job, result_for(pipeline_result, job)))
    (logged,) = caplog.records
    assert logged.exc_info is not None and "reply=album:1" in logged.getMessage()
    assert len(bot.output.chat(ALICE)) == 3


async def test_a_failing_status_edit_is_logged_and_the_results_still_arrive(
    bot, pipeline_result, caplog
):
    job, status = await queued(bot)
    bot.output.answer = failing(SERVER_ERROR, lambda reply: "Done" in text_of(reply))
    with caplog.at_level(logging.WARNING):
        await bot.service.on_job_update(await completed(bot, job, result_for(pipeline_result, job)))
    assert status.text == "⏳ Queued — position 1"  # best effort: not tried again
    assert len(bot.output.chat(ALICE)) == 4
    assert f"status_not_shown job={job.id}" in caplog.text


async def test_a_job_without_a_status_line_sends_its_end_once(bot, pipeline_result):
    """The "Queued" line never reached the chat (neither when the photo came nor when its
    job was queued): the job's end is a reply of its own, sent once however often the job is
    delivered."""
    bot.output.answer = failing(SERVER_ERROR, lambda reply: "Queued" in text_of(reply), 2)
    await bot.send(ALICE, "/optimize x", photo())
    (job,) = await bot.jobs()
    assert not bot.output.messages
    update = await completed(bot, job, result_for(pipeline_result, job))
    await bot.service.on_job_update(update)
    await bot.service.on_job_update(update)
    done, _, x = bot.output.texts(ALICE)
    assert done == "✅ Done — 1 of 1 platform ready" and x.startswith("X — caption")


async def test_a_failed_queued_line_is_no_error_and_the_results_come(bot, pipeline, caplog):
    """500s on the "Queued" message, when the photo comes and again when its job is queued:
    no error reply to the user; the job runs and its results arrive."""
    bot.output.answer = failing(SERVER_ERROR, lambda reply: "Queued" in text_of(reply), 2)
    with caplog.at_level(logging.WARNING):
        await bot.send(ALICE, "/optimize x", photo())
    assert "status_not_shown job=1" in caplog.text
    assert not bot.output.messages
    async with bot.working():
        await bot.output.until(lambda: len(bot.output.messages) == 3)
    texts = bot.output.texts(ALICE)
    assert texts[0] == "✅ Done — 1 of 1 platform ready"
    assert not any("⚠️" in text for text in texts)


async def test_a_retry_waits_as_long_as_the_chat_asks() -> None:
    calls: list[float] = []

    async def send() -> str:
        calls.append(time.monotonic())
        if len(calls) == 1:
            raise TransientSendError("Flood control exceeded", retry_after=0.3)
        return "sent"

    assert await send_patiently(send, 5) == "sent"
    assert calls[1] - calls[0] >= 0.3


async def test_no_retry_would_end_past_the_time_allowed() -> None:
    calls = 0

    async def send() -> None:
        nonlocal calls
        calls += 1
        raise TransientSendError("Flood control exceeded", retry_after=60)

    started = time.monotonic()
    with pytest.raises(TransientSendError):
        await send_patiently(send, 5)
    assert calls == 1 and time.monotonic() - started < 5


async def test_a_progress_edit_that_fails_is_only_logged(bot, caplog) -> None:
    job, status = await queued(bot)
    bot.output.answer = failing(TransientSendError("timed out"), lambda reply: True)
    with caplog.at_level(logging.WARNING):
        await bot.service.on_job_update(JobUpdate(job, position=2))
    assert status.texts == ["⏳ Queued — position 1"]
    assert "status_not_shown" in caplog.text


async def test_a_cancelled_job_whose_status_line_cannot_change_is_still_cancelled(bot) -> None:
    job, status = await queued(bot)
    bot.output.answer = failing(SERVER_ERROR, lambda reply: "Cancelled" in text_of(reply))
    await bot.send(ALICE, "/cancel")
    assert status.text == "⏳ Queued — position 1"
    assert bot.output.texts(ALICE)[-1] == f"Job #{job.id} cancelled."
    assert (await bot.job(job.id)).status == "cancelled"
