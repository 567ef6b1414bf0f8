"""The jobs repository: the queue's semantics (limits, claims, leases, recovery, cancel,
delivery), progress, results and files."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from postready.chat.texts import error_line
from postready.core.errors import AppErrorCode
from postready.core.i18n import speaking
from postready.core.identity import UserRef
from postready.core.storage import Storage
from postready.core.storage.models import GeneratedFile, QueueLimits
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.marking import Marked
from postready.pipeline.models import (
    ErrorInfo,
    ImageOutput,
    OptimizeResult,
    PlatformResult,
    ProgressEvent,
    SourceInfo,
)
from tests.conftest import LIMITS, T0, make_user, new_job, rows_of

ME = UserRef("telegram", "1")


async def test_enqueue_commits_a_queued_session(store: Storage, tmp_path: Path) -> None:
    user = await make_user(store)
    job = await store.jobs.enqueue(user, new_job(tmp_path, 1), LIMITS)
    assert job.status == "queued" and job.attempts == 0 and job.max_attempts == 3
    assert job.session.platforms == ("instagram",)
    assert job.session.user == ME
    assert job.created_at == datetime.fromtimestamp(T0, UTC)
    assert await store.jobs.queue_position(job.id) == 1
    assert [f.file_type for f in await store.jobs.session_files("session-1")] == ["source"]
    assert (await store.jobs.get_session("session-1")).status == "queued"


async def test_the_status_message_is_recorded_with_the_job(store: Storage, tmp_path: Path) -> None:
    """A worker in another process may take the job the moment it is committed: the message
    showing its status is already there for it to edit."""
    user = await make_user(store)
    job = await store.jobs.enqueue(
        user, replace(new_job(tmp_path, 1), status_message="m-7", request_key="k"), LIMITS
    )
    assert await store.chats.job_message(job.id) == ("chat-1", "m-7")
    again = await store.jobs.enqueue(
        user, replace(new_job(tmp_path, 2), status_message="m-9", request_key="k"), LIMITS
    )
    assert again.id == job.id
    assert await store.chats.job_message(job.id) == ("chat-1", "m-9")
    plain = await store.jobs.enqueue(user, new_job(tmp_path, 3), LIMITS)
    assert await store.chats.job_message(plain.id) is None


async def test_per_user_limits_and_queue_bound(store: Storage, tmp_path: Path, clock) -> None:
    alice, bob, carol = [await make_user(store, name) for name in "abc"]
    limits = QueueLimits(in_flight=2, per_hour=3, queued=3, max_attempts=3)
    first = await store.jobs.enqueue(alice, new_job(tmp_path, 1), limits)
    await store.jobs.enqueue(alice, new_job(tmp_path, 2), limits)
    with pytest.raises(PostReadyError) as busy:
        await store.jobs.enqueue(alice, new_job(tmp_path, 3), limits)
    assert busy.value.code == AppErrorCode.TOO_MANY_JOBS
    await store.jobs.request_cancel(first.id, alice.id)  # one slot free again
    await store.jobs.enqueue(alice, new_job(tmp_path, 3), limits)
    await store.jobs.request_cancel((await store.jobs.latest_active(alice.id)).id)
    with pytest.raises(PostReadyError) as hourly:
        await store.jobs.enqueue(alice, new_job(tmp_path, 4), limits)
    assert hourly.value.code == AppErrorCode.RATE_LIMITED
    clock.advance(3601)
    await store.jobs.enqueue(alice, new_job(tmp_path, 4), limits)
    await store.jobs.enqueue(bob, new_job(tmp_path, 5), limits)
    with pytest.raises(PostReadyError) as full:
        await store.jobs.enqueue(carol, new_job(tmp_path, 6), limits)
    assert full.value.code == AppErrorCode.QUEUE_FULL
    assert await store.jobs.get_session("session-6") is None


async def test_claims_are_atomic_across_connections(
    database: Path | str, tmp_path: Path, clock
) -> None:
    """Two processes' claims at once (two connections, or two pools): each job taken once."""
    async with (
        await Storage.open(database, clock) as one,
        await Storage.open(database, clock) as two,
    ):
        users = [await one.users.get_or_create(UserRef("cli", str(n))) for n in range(6)]
        for n, user in enumerate(users):
            await one.jobs.enqueue(user, new_job(tmp_path, n), LIMITS)
        claims = await asyncio.gather(
            *(store.jobs.claim(f"worker-{n}", 30) for n in range(4) for store in (one, two))
        )
    claimed = [job for job in claims if job is not None]
    assert sorted(job.id for job in claimed) == list(range(1, 7))
    assert all(job.status == "running" and job.attempts == 1 for job in claimed)


async def test_claim_order_position_and_not_before(store: Storage, tmp_path: Path, clock) -> None:
    users = [await make_user(store, str(n)) for n in range(3)]
    jobs = [await store.jobs.enqueue(u, new_job(tmp_path, n), LIMITS) for n, u in enumerate(users)]
    assert [await store.jobs.queue_position(j.id) for j in jobs] == [1, 2, 3]
    first = await store.jobs.claim("w", 30)
    assert first.id == jobs[0].id
    assert [await store.jobs.queue_position(j.id) for j in jobs] == [None, 1, 2]
    clock.advance(31)
    (requeued,) = await store.jobs.recover_expired(retry_delay=10)
    assert requeued.status == "queued" and requeued.not_before > requeued.created_at
    assert (await store.jobs.claim("w", 30)).id == jobs[1].id  # the first waits out its back-off
    clock.advance(10)
    assert (await store.jobs.claim("w", 30)).id == jobs[0].id


async def test_a_worker_claims_only_jobs_of_the_platforms_it_serves(store, tmp_path) -> None:
    telegram = await make_user(store, "1")
    cli = await store.users.get_or_create(UserRef("cli", "me"))
    chat_job = await store.jobs.enqueue(telegram, new_job(tmp_path, 0), LIMITS)
    cli_job = await store.jobs.enqueue(cli, new_job(tmp_path, 1), LIMITS)
    assert await store.jobs.claim("headless", 30, {"cli"}) == await store.jobs.get(cli_job.id)
    assert await store.jobs.claim("headless", 30, {"cli"}) is None  # the chat's job waits
    assert await store.jobs.claim("discord-bot", 30, {"cli", "discord"}) is None
    assert (await store.jobs.claim("telegram-bot", 30, {"cli", "telegram"})).id == chat_job.id


async def test_heartbeat_keeps_the_lease(store: Storage, tmp_path: Path, clock) -> None:
    job = await store.jobs.enqueue(await make_user(store), new_job(tmp_path, 1), LIMITS)
    lease = (await store.jobs.claim("w", 30)).lease
    assert lease is not None and lease.owner == "w" and lease.job_id == job.id
    for _ in range(5):
        clock.advance(20)
        assert (await store.jobs.heartbeat(lease, 30)).held
    assert await store.jobs.recover_expired(0) == []
    assert not (await store.jobs.heartbeat(replace(lease, owner="someone else"), 30)).held
    assert not (await store.jobs.heartbeat(replace(lease, token="guessed"), 30)).held
    clock.advance(31)  # a late heartbeat: only the worker itself may still keep its job
    assert await store.jobs.recover_expired(0, alive={job.id}) == []
    assert (await store.jobs.heartbeat(lease, 30)).held
    clock.advance(31)
    assert [j.id for j in await store.jobs.recover_expired(0, alive={job.id + 1})] == [job.id]


async def test_expired_leases_use_up_attempts_then_fail(
    store: Storage, tmp_path: Path, clock
) -> None:
    await store.jobs.enqueue(await make_user(store), new_job(tmp_path, 1), LIMITS)
    for attempt in (1, 2, 3):
        claimed = await store.jobs.claim(f"w{attempt}", 30)
        assert claimed is not None and claimed.attempts == attempt
        clock.advance(31)
        (changed,) = await store.jobs.recover_expired(retry_delay=0)
        assert changed.lease is None
        assert not (await store.jobs.heartbeat(claimed.lease, 30)).held
    assert changed.status == "failed"
    assert changed.session.error.code == AppErrorCode.JOB_INTERRUPTED
    assert "3 times" in changed.session.error.message
    assert await store.jobs.claim("w4", 30) is None
    assert not await store.jobs.complete(claimed.lease, result_for("session-1", tmp_path), [])
    with speaking("ru"):  # the chat's status line, the count in the language's plural
        assert error_line(AppErrorCode.JOB_INTERRUPTED, *changed.session.error.wording) == (
            "⚠️ обработка прерывалась 3 раза и не завершилась; отправьте фото ещё раз "
            "(JOB_INTERRUPTED)"
        )


async def test_a_job_interrupted_once_says_one_time(store: Storage, tmp_path: Path, clock) -> None:
    once = replace(LIMITS, max_attempts=1)
    job = await store.jobs.enqueue(await make_user(store), new_job(tmp_path, 1), once)
    await store.jobs.claim("w", 30)
    clock.advance(31)
    await store.jobs.recover_expired(retry_delay=0)
    error = (await store.jobs.get(job.id)).session.error  # read back from the database
    assert error.message == (
        "processing stopped 1 time without finishing; please send the photo again"
    )
    with speaking("uk"):
        assert error_line(error.code, *error.wording) == (
            "⚠️ обробка переривалася 1 раз і не завершилася; надішліть фото ще раз (JOB_INTERRUPTED)"
        )


async def test_a_failed_job_keeps_its_error_template_and_fields(store, tmp_path) -> None:
    """The chat fills the error in the user's language: its marked fields stay marked, its
    times stay times, after the round trip through the database."""
    await store.jobs.enqueue(await make_user(store), new_job(tmp_path, 1), LIMITS)
    claimed = await store.jobs.claim("w", 30)
    at = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    problem = Marked("the {format} file is damaged", {"format": "JPEG"})
    error = ErrorInfo.marked(
        ErrorCode.CORRUPT_IMAGE,
        "photo {number}: {problem} at {at}",
        number=2,
        problem=problem,
        at=at,
    )
    assert await store.jobs.finish(claimed.lease, "failed", error)
    stored = (await store.jobs.get(claimed.id)).session.error
    assert stored == error
    assert stored.message == f"photo 2: the JPEG file is damaged at {at}"


async def test_an_error_stored_without_its_template_shows_its_message(store, tmp_path) -> None:
    await store.jobs.enqueue(await make_user(store), new_job(tmp_path, 1), LIMITS)
    claimed = await store.jobs.claim("w", 30)
    await store.jobs.finish(claimed.lease, "failed", ErrorInfo(ErrorCode.ENCODING_FAILED, "{x}"))
    stored = (await store.jobs.get(claimed.id)).session.error
    assert stored == ErrorInfo(ErrorCode.ENCODING_FAILED, "{x}")
    assert stored.wording == ("{x}", {})


async def test_only_the_claim_holding_a_job_may_renew_or_end_it(
    store: Storage, tmp_path: Path, clock
) -> None:
    """Two claims of one job by the same instance (two workers of one process): once the job
    was taken back and claimed again, the first claim holds nothing."""
    job = await store.jobs.enqueue(await make_user(store), new_job(tmp_path, 1), LIMITS)
    first = (await store.jobs.claim("process-1", 30)).lease
    clock.advance(31)  # its worker stalled past the lease
    assert [j.id for j in await store.jobs.recover_expired(retry_delay=0)] == [job.id]
    second = (await store.jobs.claim("process-1", 30)).lease
    assert second.job_id == first.job_id == job.id and second.owner == first.owner
    assert second.token != first.token
    assert not (await store.jobs.heartbeat(first, 30)).held
    error = ErrorInfo(ErrorCode.PROCESSING_FAILED, "x")
    assert not await store.jobs.finish(first, "failed", error)
    assert not await store.jobs.release(first)
    assert not await store.jobs.complete(first, result_for(job.session.id, tmp_path), [])
    assert (await store.jobs.get(job.id)).status == "running"
    assert (await store.jobs.heartbeat(second, 30)).held
    assert await store.jobs.complete(second, result_for(job.session.id, tmp_path), [])


async def test_jobs_of_dead_instances_are_taken_back_before_their_leases_end(
    store: Storage, tmp_path: Path, clock, caplog
) -> None:
    users = [await make_user(store, str(n)) for n in range(3)]
    jobs = [await store.jobs.enqueue(u, new_job(tmp_path, n), LIMITS) for n, u in enumerate(users)]
    for owner in ("dead", "alive", "dead"):
        await store.jobs.claim(owner, 60)
    assert await store.jobs.recover_abandoned([], retry_delay=0) == []
    requeued = await store.jobs.recover_abandoned(["dead", "gone"], retry_delay=10)
    assert [(j.id, j.status, j.attempts) for j in requeued] == [
        (jobs[0].id, "queued", 1),
        (jobs[2].id, "queued", 1),
    ]
    assert all(j.lease is None and j.not_before > j.created_at for j in requeued)  # back-off
    assert (await store.jobs.get(jobs[1].id)).lease.owner == "alive"
    assert "job_abandoned job=1 session=session-0 instance=dead status=queued" in caplog.text
    # Out of attempts, it fails as when its lease runs out.
    for attempt in (2, 3):
        clock.advance(10 * 2 ** (attempt - 2))
        assert (await store.jobs.claim("dead", 60)).attempts == attempt
        (taken,) = await store.jobs.recover_abandoned(["dead"], retry_delay=10)
    assert taken.status == "failed" and taken.session.error.code == AppErrorCode.JOB_INTERRUPTED


async def test_release_returns_the_job_without_using_an_attempt(
    store: Storage, tmp_path: Path
) -> None:
    job = await store.jobs.enqueue(await make_user(store), new_job(tmp_path, 1), LIMITS)
    lease = (await store.jobs.claim("w", 30)).lease
    assert not await store.jobs.release(replace(lease, owner="other"))
    assert await store.jobs.release(lease)
    again = await store.jobs.claim("w", 30)
    assert again.id == job.id and again.attempts == 1


async def test_cancel(store: Storage, tmp_path: Path) -> None:
    alice, bob = await make_user(store, "a"), await make_user(store, "b")
    queued = await store.jobs.enqueue(alice, new_job(tmp_path, 1), LIMITS)
    running = await store.jobs.enqueue(alice, new_job(tmp_path, 2), LIMITS)
    lease = (await store.jobs.claim("w", 30)).lease  # takes job 1
    with pytest.raises(PostReadyError) as foreign:
        await store.jobs.request_cancel(queued.id, bob.id)
    assert foreign.value.code == AppErrorCode.JOB_NOT_FOUND
    flagged = await store.jobs.request_cancel(queued.id, alice.id)
    assert flagged.status == "running" and flagged.cancel_requested
    assert (await store.jobs.heartbeat(lease, 30)).cancel_requested
    cancelled = await store.jobs.request_cancel(running.id, alice.id)
    assert (
        cancelled.status == "cancelled" and cancelled.session.error.code == AppErrorCode.CANCELLED
    )
    with pytest.raises(PostReadyError) as ended:
        await store.jobs.request_cancel(running.id, alice.id)
    assert ended.value.code == AppErrorCode.JOB_NOT_FOUND and "ended" in ended.value.message
    with pytest.raises(PostReadyError):
        await store.jobs.request_cancel(999)


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


async def test_complete_records_results_files_and_progress(store: Storage, tmp_path: Path) -> None:
    user = await make_user(store)
    job = await store.jobs.enqueue(user, new_job(tmp_path, 1, ("instagram", "x")), LIMITS)
    lease = (await store.jobs.claim("w", 30)).lease
    await store.jobs.add_progress(job.id, ProgressEvent("load", 0, 4, "reading the photo"))
    await store.jobs.add_progress(job.id, ProgressEvent("images", 3, 4, "Instagram ready"))
    assert await store.jobs.latest_progress(job.id) == ProgressEvent(
        "images", 3, 4, "Instagram ready"
    )
    result = result_for("session-1", tmp_path)
    files = [GeneratedFile("image", tmp_path / "instagram.jpg", 123_456, "instagram")]
    assert not await store.jobs.complete(replace(lease, owner="intruder"), result, files)
    assert await store.jobs.complete(lease, result, files)
    done = await store.jobs.get(job.id)
    assert done.status == "completed" and done.lease is None and done.lease_owner is None
    assert done.session.results["platforms"]["x"]["error"]["code"] == "ENCODING_FAILED"
    assert done.session.completed_at is not None and done.session.started_at is not None
    rows = await rows_of(
        store, "SELECT platform, status, error_code FROM platform_results ORDER BY platform"
    )
    assert [tuple(r) for r in rows] == [
        ("instagram", "success", None),
        ("x", "failed", "ENCODING_FAILED"),
    ]
    assert [(f.file_type, f.size) for f in await store.jobs.session_files("session-1")] == [
        ("source", 5),
        ("image", 123_456),
    ]
    (mine,) = await store.jobs.recent(user_id=user.id)
    assert mine.session.id == "session-1" and mine.session.status == "completed"
    assert [j.id for j in await store.jobs.recent()] == [job.id]
    assert await store.jobs.recent(user_id=user.id + 1) == []


async def test_ended_jobs_wait_to_be_delivered(store, tmp_path, clock) -> None:
    users = [await make_user(store, str(n)) for n in range(3)]
    users.append(await store.users.get_or_create(UserRef("discord", "2")))
    done, failed, cancelled, discord = [
        await store.jobs.enqueue(user, new_job(tmp_path, n), LIMITS) for n, user in enumerate(users)
    ]
    await store.jobs.request_cancel(cancelled.id)  # queued: whoever cancels tells the user
    for job in (done, failed, discord):
        claimed = await store.jobs.claim("w", 30)
        assert claimed.id == job.id
        if job is failed:
            await store.jobs.finish(
                claimed.lease, "failed", ErrorInfo(ErrorCode.ENCODING_FAILED, "x")
            )
        else:
            await store.jobs.complete(claimed.lease, result_for(job.session.id, tmp_path), [])
    left = await store.jobs.undelivered({"telegram"}, max_age=60)
    assert [(j.id, j.status) for j in left] == [(done.id, "completed"), (failed.id, "failed")]
    assert left[0].session.results["session_id"] == done.session.id
    await store.jobs.mark_delivered(done.id)
    assert [j.id for j in await store.jobs.undelivered({"telegram", "discord"}, 60)] == [
        failed.id,
        discord.id,
    ]
    clock.advance(61)
    assert await store.jobs.undelivered({"telegram", "discord"}, 60) == []  # too old now


async def test_one_process_at_a_time_delivers_a_job_and_none_once_it_is_delivered(
    store, tmp_path, clock
) -> None:
    job = await store.jobs.enqueue(await make_user(store), new_job(tmp_path, 1), LIMITS)
    claimed = await store.jobs.claim("w", 30)
    await store.jobs.complete(claimed.lease, result_for(job.session.id, tmp_path), [])
    assert await store.jobs.take_delivery(job.id, "bot", 10)
    assert await store.jobs.take_delivery(job.id, "bot", 10)  # its own again (a retry)
    assert not await store.jobs.take_delivery(job.id, "worker", 10)  # held by the bot
    clock.advance(11)  # the bot died delivering: another takes it over
    assert await store.jobs.take_delivery(job.id, "worker", 10)
    await store.jobs.mark_delivered(job.id)
    clock.advance(60)
    assert not await store.jobs.take_delivery(job.id, "bot", 10)  # delivered: never again
    assert not await store.jobs.take_delivery(job.id, "worker", 10)


async def test_uploads_kept_with_a_job_are_read_back_and_dropped(store, tmp_path) -> None:
    from postready.core.storage.jobs import JobStore

    shared = JobStore(store.database, shares_uploads=True)
    job = new_job(tmp_path, 1)
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG logo")
    queued = await shared.enqueue(
        await make_user(store), replace(job, uploads=(job.source_path, logo)), LIMITS
    )
    assert await shared.kept_uploads(queued.session.id) == [
        ("logo.png", b"\x89PNG logo"),
        (job.source_path.name, job.source_path.read_bytes()),
    ]
    await shared.drop_uploads(queued.session.id)
    assert await shared.kept_uploads(queued.session.id) == []
    # Not shared (SQLite's default; PostgreSQL's is shared): nothing is kept.
    local = JobStore(store.database)
    other = await local.enqueue(
        await make_user(store, "2"), replace(new_job(tmp_path, 2), uploads=(logo,)), LIMITS
    )
    assert await local.kept_uploads(other.session.id) == []
