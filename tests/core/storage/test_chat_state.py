"""What conversations keep across restarts: status messages and pending commands."""

from __future__ import annotations

from pathlib import Path

from postready.core.identity import UserRef
from postready.core.storage import Storage
from tests.conftest import LIMITS, make_user, new_job

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
