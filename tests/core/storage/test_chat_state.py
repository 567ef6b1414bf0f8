"""What conversations keep across restarts: status messages, replies sent, pending commands."""

from __future__ import annotations

from pathlib import Path

from postready.core.identity import UserRef
from postready.core.storage import Storage
from tests.conftest import LIMITS, make_user, new_job, rows_of

ME = UserRef("telegram", "1")


async def test_a_job_remembers_its_status_message(store: Storage, tmp_path: Path) -> None:
    job = await store.jobs.enqueue(await make_user(store), new_job(tmp_path, 1), LIMITS)
    assert await store.chats.job_message(job.id) is None
    await store.chats.set_job_message(job.id, "chat-1", "10")
    await store.chats.set_job_message(job.id, "chat-1", "11")  # a new status message replaces it
    assert await store.chats.job_message(job.id) == ("chat-1", "11")


async def test_a_pending_command_waits_five_minutes_and_is_used_once(store, clock) -> None:
    await store.chats.set_pending_command("chat-1", ME, "/optimize x")
    await store.chats.set_pending_command("chat-1", ME, "/optimize bluesky")  # newest wins
    clock.advance(299)
    assert (
        await store.chats.take_pending_command("chat-1", UserRef("telegram", "2"), 300) is None
    )  # not theirs
    assert await store.chats.take_pending_command("chat-1", ME, 300) == "/optimize bluesky"
    assert await store.chats.take_pending_command("chat-1", ME, 300) is None  # used up
    await store.chats.set_pending_command("chat-1", ME, "/optimize x")
    clock.advance(301)
    assert await store.chats.take_pending_command("chat-1", ME, 300) is None  # too old


async def test_a_jobs_replies_are_recorded_once_each(store: Storage, tmp_path: Path) -> None:
    user = await make_user(store)
    first = await store.jobs.enqueue(user, new_job(tmp_path, 1), LIMITS)
    other = await store.jobs.enqueue(user, new_job(tmp_path, 2), LIMITS)
    assert await store.chats.recorded_replies(first.id) == set()
    await store.chats.record_reply(first.id, "album:1", "sent", "10")
    await store.chats.record_reply(first.id, "post:x", "refused")
    await store.chats.record_reply(first.id, "album:1", "sent", "11")  # recorded already
    await store.chats.record_reply(other.id, "post:x", "sent", "12")
    assert await store.chats.recorded_replies(first.id) == {"album:1", "post:x"}
    rows = await rows_of(store, "SELECT part, outcome, message_id FROM job_replies ORDER BY 1, 2")
    assert [tuple(row) for row in rows] == [
        ("album:1", "sent", "10"),
        ("post:x", "refused", None),
        ("post:x", "sent", "12"),
    ]
