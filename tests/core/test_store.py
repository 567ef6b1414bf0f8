"""The SQLite store: migrations from every version, and the repository's queue semantics."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from postready.core.storage.store import (
    GeneratedFile,
    InteractionToken,
    QueueLimits,
    Store,
    UserSettings,
    connect,
    migrate,
    migrations,
    schema_version,
)
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.models import (
    ErrorInfo,
    ImageOutput,
    OptimizeResult,
    PlatformResult,
    ProgressEvent,
    SourceInfo,
)
from tests.conftest import LIMITS, T0, make_user, new_job

LATEST = len(migrations())
TABLES = {
    "users",
    "user_settings",
    "processing_sessions",
    "platform_results",
    "generated_files",
    "jobs",
    "job_messages",
    "style_choices",
    "pending_commands",
    "interaction_tokens",
    "job_progress",
}


async def table_names(db) -> set[str]:
    rows = await db.execute_fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows}


async def test_migrates_an_empty_database(tmp_path: Path) -> None:
    db = await connect(tmp_path / "new.db")
    try:
        assert await schema_version(db) == 0
        assert await migrate(db) == LATEST >= 2
        assert await table_names(db) == TABLES
        assert (await (await db.execute("PRAGMA journal_mode")).fetchone())[0] == "wal"
        assert (await (await db.execute("PRAGMA foreign_keys")).fetchone())[0] == 1
        assert await migrate(db) == LATEST  # idempotent
    finally:
        await db.close()


@pytest.mark.parametrize("start", range(1, LATEST))
async def test_migrates_from_each_older_version_keeping_data(tmp_path: Path, start: int) -> None:
    path = tmp_path / "old.db"
    db = await connect(path)
    try:
        await migrate(db, upto=start)
        assert await schema_version(db) == start
        await db.execute(
            "INSERT INTO users (platform, platform_user_id, created_at) VALUES ('discord', '7', 0)"
        )
    finally:
        await db.close()

    async with await Store.open(path) as store:
        user = await store.get_or_create_user("discord", "7")
        assert user.id == 1 and user.settings == UserSettings()
        assert await schema_version(store._db) == LATEST


async def test_two_processes_starting_together_both_migrate(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    first, second = await asyncio.gather(connect(path), connect(path))
    try:
        assert await asyncio.gather(migrate(first), migrate(second)) == [LATEST, LATEST]
    finally:
        await first.close()
        await second.close()


async def test_a_failed_migration_leaves_no_trace(tmp_path: Path, monkeypatch) -> None:
    from postready.core.storage import store as store_module

    broken = [*migrations()[:1], store_module.Migration(2, "002_broken.sql", "CREATE TABLE x (;")]
    monkeypatch.setattr(store_module, "migrations", lambda: broken)
    db = await connect(tmp_path / "broken.db")
    try:
        with pytest.raises(sqlite3.OperationalError):
            await migrate(db)
        assert await schema_version(db) == 1
        assert "x" not in await table_names(db)
    finally:
        await db.close()


async def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await store._db.execute(
            "INSERT INTO jobs (session_id, max_attempts, not_before, created_at)"
            " VALUES ('nothing', 3, 0, 0)"
        )


async def test_users_and_settings(store: Store) -> None:
    user = await make_user(store)
    assert await make_user(store) == user
    assert user.key == "telegram:1"
    other = await store.get_or_create_user("discord", "1")
    assert other.id != user.id
    settings = dataclasses.replace(
        user.settings,
        default_platforms=("instagram", "pinterest"),
        timezone="Europe/Berlin",
        send_as_files=True,
        logo_path="/data/logos/1.png",
    )
    saved = await store.save_settings(user.id, settings)
    assert saved.settings == settings
    assert (await make_user(store)).settings == settings


async def test_enqueue_commits_a_queued_session(store: Store, tmp_path: Path) -> None:
    user = await make_user(store)
    job = await store.enqueue(user, new_job(tmp_path, 1), LIMITS)
    assert job.status == "queued" and job.attempts == 0 and job.max_attempts == 3
    assert job.session.platforms == ("instagram",)
    assert job.session.user_key == "telegram:1"
    assert job.created_at == datetime.fromtimestamp(T0, UTC)
    assert await store.queue_position(job.id) == 1
    assert [f.file_type for f in await store.session_files("session-1")] == ["source"]
    assert (await store.get_session("session-1")).status == "queued"


async def test_per_user_limits_and_queue_bound(store: Store, tmp_path: Path, clock) -> None:
    alice, bob, carol = [await make_user(store, name) for name in "abc"]
    limits = QueueLimits(in_flight=2, per_hour=3, queued=3, max_attempts=3)
    first = await store.enqueue(alice, new_job(tmp_path, 1), limits)
    await store.enqueue(alice, new_job(tmp_path, 2), limits)
    with pytest.raises(PostReadyError) as busy:
        await store.enqueue(alice, new_job(tmp_path, 3), limits)
    assert busy.value.code == ErrorCode.TOO_MANY_JOBS
    await store.request_cancel(first.id, alice.id)  # one slot free again
    await store.enqueue(alice, new_job(tmp_path, 3), limits)
    await store.request_cancel((await store.latest_active_job(alice.id)).id)
    with pytest.raises(PostReadyError) as hourly:
        await store.enqueue(alice, new_job(tmp_path, 4), limits)
    assert hourly.value.code == ErrorCode.RATE_LIMITED
    clock.advance(3601)
    await store.enqueue(alice, new_job(tmp_path, 4), limits)
    await store.enqueue(bob, new_job(tmp_path, 5), limits)
    with pytest.raises(PostReadyError) as full:
        await store.enqueue(carol, new_job(tmp_path, 6), limits)
    assert full.value.code == ErrorCode.QUEUE_FULL
    assert await store.get_session("session-6") is None


async def test_claims_are_atomic_across_connections(tmp_path: Path, clock) -> None:
    path = tmp_path / "shared.db"
    async with await Store.open(path, clock) as one, await Store.open(path, clock) as two:
        users = [await one.get_or_create_user("cli", str(n)) for n in range(6)]
        for n, user in enumerate(users):
            await one.enqueue(user, new_job(tmp_path, n), LIMITS)
        claims = await asyncio.gather(
            *(store.claim(f"worker-{n}", 30) for n in range(4) for store in (one, two))
        )
    claimed = [job for job in claims if job is not None]
    assert sorted(job.id for job in claimed) == list(range(1, 7))
    assert all(job.status == "running" and job.attempts == 1 for job in claimed)


async def test_claim_order_position_and_not_before(store: Store, tmp_path: Path, clock) -> None:
    users = [await make_user(store, str(n)) for n in range(3)]
    jobs = [await store.enqueue(u, new_job(tmp_path, n), LIMITS) for n, u in enumerate(users)]
    assert [await store.queue_position(j.id) for j in jobs] == [1, 2, 3]
    first = await store.claim("w", 30)
    assert first.id == jobs[0].id
    assert [await store.queue_position(j.id) for j in jobs] == [None, 1, 2]
    clock.advance(31)
    (requeued,) = await store.recover_expired(retry_delay=10)
    assert requeued.status == "queued" and requeued.not_before > requeued.created_at
    assert (await store.claim("w", 30)).id == jobs[1].id  # the first waits out its back-off
    clock.advance(10)
    assert (await store.claim("w", 30)).id == jobs[0].id


async def test_a_worker_claims_only_jobs_of_the_platforms_it_serves(store, tmp_path) -> None:
    telegram = await make_user(store, "1")
    cli = await store.get_or_create_user("cli", "me")
    chat_job = await store.enqueue(telegram, new_job(tmp_path, 0), LIMITS)
    cli_job = await store.enqueue(cli, new_job(tmp_path, 1), LIMITS)
    assert await store.claim("headless", 30, {"cli"}) == await store.get_job(cli_job.id)
    assert await store.claim("headless", 30, {"cli"}) is None  # the chat's job waits
    assert await store.claim("discord-bot", 30, {"cli", "discord"}) is None
    assert (await store.claim("telegram-bot", 30, {"cli", "telegram"})).id == chat_job.id


async def test_heartbeat_keeps_the_lease(store: Store, tmp_path: Path, clock) -> None:
    job = await store.enqueue(await make_user(store), new_job(tmp_path, 1), LIMITS)
    await store.claim("w", 30)
    for _ in range(5):
        clock.advance(20)
        assert (await store.heartbeat(job.id, "w", 30)).held
    assert await store.recover_expired(0) == []
    assert not (await store.heartbeat(job.id, "someone else", 30)).held
    clock.advance(31)  # a late heartbeat: only the worker itself may still keep its job
    assert await store.recover_expired(0, alive={job.id}) == []
    assert (await store.heartbeat(job.id, "w", 30)).held
    clock.advance(31)
    assert [j.id for j in await store.recover_expired(0, alive={job.id + 1})] == [job.id]


async def test_expired_leases_use_up_attempts_then_fail(
    store: Store, tmp_path: Path, clock
) -> None:
    job = await store.enqueue(await make_user(store), new_job(tmp_path, 1), LIMITS)
    for attempt in (1, 2, 3):
        claimed = await store.claim(f"w{attempt}", 30)
        assert claimed is not None and claimed.attempts == attempt
        clock.advance(31)
        (changed,) = await store.recover_expired(retry_delay=0)
        assert not (await store.heartbeat(job.id, f"w{attempt}", 30)).held
    assert changed.status == "failed"
    assert changed.session.error.code == ErrorCode.JOB_INTERRUPTED
    assert "3 times" in changed.session.error.message
    assert await store.claim("w4", 30) is None
    assert not await store.complete(job.id, "w3", result_for("session-1", tmp_path), [])


async def test_release_returns_the_job_without_using_an_attempt(
    store: Store, tmp_path: Path
) -> None:
    job = await store.enqueue(await make_user(store), new_job(tmp_path, 1), LIMITS)
    await store.claim("w", 30)
    assert not await store.release(job.id, "other")
    assert await store.release(job.id, "w")
    again = await store.claim("w", 30)
    assert again.id == job.id and again.attempts == 1


async def test_cancel(store: Store, tmp_path: Path) -> None:
    alice, bob = await make_user(store, "a"), await make_user(store, "b")
    queued = await store.enqueue(alice, new_job(tmp_path, 1), LIMITS)
    running = await store.enqueue(alice, new_job(tmp_path, 2), LIMITS)
    await store.claim("w", 30)  # takes job 1
    with pytest.raises(PostReadyError) as foreign:
        await store.request_cancel(queued.id, bob.id)
    assert foreign.value.code == ErrorCode.JOB_NOT_FOUND
    flagged = await store.request_cancel(queued.id, alice.id)
    assert flagged.status == "running" and flagged.cancel_requested
    assert (await store.heartbeat(queued.id, "w", 30)).cancel_requested
    cancelled = await store.request_cancel(running.id, alice.id)
    assert cancelled.status == "cancelled" and cancelled.session.error.code == ErrorCode.CANCELLED
    with pytest.raises(PostReadyError) as ended:
        await store.request_cancel(running.id, alice.id)
    assert ended.value.code == ErrorCode.JOB_NOT_FOUND and "ended" in ended.value.message
    with pytest.raises(PostReadyError):
        await store.request_cancel(999)


def result_for(session_id: str, tmp_path: Path) -> OptimizeResult:
    now = datetime.now(UTC)
    image = ImageOutput(tmp_path / "instagram.jpg", "jpeg", 1080, 1350, 123_456, 92)
    return OptimizeResult(
        session_id=session_id,
        user_uuid="u",
        started_at=now,
        finished_at=now,
        source=SourceInfo("mug.jpg", "JPEG", 2400, 3000),
        platforms={
            "instagram": PlatformResult("instagram", "success", 0.5, "portrait", image=image),
            "x": PlatformResult(
                "x", "failed", 0.1, error=ErrorInfo(ErrorCode.ENCODING_FAILED, "too big")
            ),
        },
    )


async def test_complete_records_results_files_and_progress(store: Store, tmp_path: Path) -> None:
    user = await make_user(store)
    job = await store.enqueue(user, new_job(tmp_path, 1, ("instagram", "x")), LIMITS)
    await store.claim("w", 30)
    await store.add_progress(job.id, ProgressEvent("load", 0, 4, "reading the photo"))
    await store.add_progress(job.id, ProgressEvent("images", 3, 4, "Instagram ready"))
    assert await store.latest_progress(job.id) == ProgressEvent("images", 3, 4, "Instagram ready")
    result = result_for("session-1", tmp_path)
    files = [GeneratedFile("image", tmp_path / "instagram.jpg", 123_456, "instagram")]
    assert not await store.complete(job.id, "intruder", result, files)
    assert await store.complete(job.id, "w", result, files)
    done = await store.get_job(job.id)
    assert done.status == "completed" and done.lease_owner is None
    assert done.session.results["platforms"]["x"]["error"]["code"] == "ENCODING_FAILED"
    assert done.session.completed_at is not None and done.session.started_at is not None
    rows = await store._db.execute_fetchall(
        "SELECT platform, status, error_code FROM platform_results ORDER BY platform"
    )
    assert [tuple(r) for r in rows] == [
        ("instagram", "success", None),
        ("x", "failed", "ENCODING_FAILED"),
    ]
    assert [(f.file_type, f.size) for f in await store.session_files("session-1")] == [
        ("source", 5),
        ("image", 123_456),
    ]
    (mine,) = await store.recent_jobs(user_id=user.id)
    assert mine.session.id == "session-1" and mine.session.status == "completed"
    assert [j.id for j in await store.recent_jobs()] == [job.id]
    assert await store.recent_jobs(user_id=user.id + 1) == []


async def test_a_job_remembers_its_status_message(store: Store, tmp_path: Path) -> None:
    job = await store.enqueue(await make_user(store), new_job(tmp_path, 1), LIMITS)
    assert await store.job_message(job.id) is None
    await store.set_job_message(job.id, "chat-1", "10")
    await store.set_job_message(job.id, "chat-1", "11")  # a new status message replaces it
    assert await store.job_message(job.id) == ("chat-1", "11")


async def test_a_pending_command_waits_five_minutes_and_is_used_once(store, clock) -> None:
    await store.set_pending_command("chat-1", "telegram:1", "/optimize x")
    await store.set_pending_command("chat-1", "telegram:1", "/optimize bluesky")  # newest wins
    clock.advance(299)
    assert await store.take_pending_command("chat-1", "telegram:2", 300) is None  # not theirs
    assert await store.take_pending_command("chat-1", "telegram:1", 300) == "/optimize bluesky"
    assert await store.take_pending_command("chat-1", "telegram:1", 300) is None  # used up
    await store.set_pending_command("chat-1", "telegram:1", "/optimize x")
    clock.advance(301)
    assert await store.take_pending_command("chat-1", "telegram:1", 300) is None  # too old


async def test_an_interaction_token_answers_until_it_expires(store, clock) -> None:
    start = clock()
    await store.save_interaction_token("88:1", InteractionToken("old", 10, start + 900))
    await store.save_interaction_token("88:1", InteractionToken("t1", 25, start + 900))
    await store.save_interaction_token("88:2", InteractionToken("t2", 25, start + 60))
    assert await store.interaction_token("88:1") == InteractionToken("t1", 25, start + 900)
    assert await store.interaction_token("88:3") is None
    clock.advance(61)
    assert await store.interaction_token("88:2") is None  # expired
    await store.save_interaction_token("88:4", InteractionToken("t4", 25, start + 900))
    rows = await store._db.execute_fetchall("SELECT chat_id FROM interaction_tokens")
    assert sorted(r[0] for r in rows) == ["88:1", "88:4"]  # the expired one was dropped


async def test_ended_jobs_wait_to_be_delivered(store, tmp_path, clock) -> None:
    users = [await make_user(store, str(n)) for n in range(3)]
    users.append(await store.get_or_create_user("discord", "2"))
    done, failed, cancelled, discord = [
        await store.enqueue(user, new_job(tmp_path, n), LIMITS) for n, user in enumerate(users)
    ]
    await store.request_cancel(cancelled.id)  # queued: whoever cancels tells the user
    for job in (done, failed, discord):
        claimed = await store.claim("w", 30)
        assert claimed.id == job.id
        if job is failed:
            await store.finish(job.id, "w", "failed", ErrorInfo(ErrorCode.ENCODING_FAILED, "x"))
        else:
            await store.complete(job.id, "w", result_for(job.session.id, tmp_path), [])
    left = await store.undelivered_jobs({"telegram"}, max_age=60)
    assert [(j.id, j.status) for j in left] == [(done.id, "completed"), (failed.id, "failed")]
    assert left[0].session.results["session_id"] == done.session.id
    await store.mark_delivered(done.id)
    assert [j.id for j in await store.undelivered_jobs({"telegram", "discord"}, 60)] == [
        failed.id,
        discord.id,
    ]
    clock.advance(61)
    assert await store.undelivered_jobs({"telegram", "discord"}, 60) == []  # too old now


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    db = await connect(path)
    try:
        await db.execute(f"PRAGMA user_version = {LATEST + 1}")
    finally:
        await db.close()
    with pytest.raises(RuntimeError, match="newer than this PostReady"):
        await Store.open(path)
