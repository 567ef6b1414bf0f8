"""The queue on procrastinate (PostgreSQL): a job and its procrastinate job are committed
together, a cancel aborts the running task, bad input is never retried, and what procrastinate
runs again is decided by the kind of failure."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest
from procrastinate.jobs import Job as TaskJob

from postready.core.errors import AppErrorCode, QueueLimitExceeded
from postready.core.queue import QueueService, worker
from postready.core.queue.procrastinate_jobs import RUN_JOB, NotYet, _RetryStrategy
from postready.core.storage import Storage
from postready.pipeline.errors import ErrorCode, PostReadyError
from tests.core.queue.test_queue import Updates, finals, request, settings_for, user
from tests.waiting import until


@pytest.fixture
async def store(postgres_url: str) -> AsyncIterator[Storage]:
    async with await Storage.open(postgres_url) as opened:
        yield opened


async def task_jobs(store: Storage) -> list[tuple[int, str, int]]:
    """procrastinate's jobs: (our job id, status, times it was run)."""
    url = store.database.url
    assert url is not None
    async with await psycopg.AsyncConnection.connect(url) as connection:
        cursor = await connection.execute(
            "SELECT args, status, attempts FROM procrastinate_jobs WHERE task_name = %s"
            " ORDER BY id",
            (RUN_JOB,),
        )
        rows = await cursor.fetchall()
    return [(args["job_id"], status, attempts) for args, status, attempts in rows]


async def test_a_job_and_its_task_are_committed_together_or_not_at_all(
    store: Storage, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path).replace(limits={"max_jobs_in_flight": 1})
    queue = QueueService(store, settings, workers=False)
    await queue.open()
    try:
        me = await user(store)
        first = await queue.api.submit(me, request())
        with pytest.raises(QueueLimitExceeded):
            await queue.api.submit(me, request())  # refused inside the transaction
        assert await task_jobs(store) == [(first.job.id, "todo", 0)]
        assert [name for name, _ in await store.jobs.kept_uploads(first.job.session.id)] == [
            f"{first.job.session.id}.jpg"
        ]
    finally:
        await queue.stop()


async def test_cancelling_a_running_job_aborts_its_task(
    store: Storage, tmp_path: Path, monkeypatch
) -> None:
    started = asyncio.Event()

    async def stuck(*args, **kwargs):
        started.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(worker, "run_optimization", stuck)
    updates = Updates()
    # The job runs in one process, the cancel comes from another (the bot's); long leases: the
    # abort stops it, not the heartbeat that would see the cancel later.
    settings = settings_for(tmp_path, lease_seconds=60)
    running = QueueService(store, settings, updates)
    front = QueueService(store, settings, workers=False)
    await front.open()
    me = await user(store)
    job = (await front.api.submit(me, request())).job
    await running.start()
    try:
        await asyncio.wait_for(started.wait(), 60)
        await front.api.cancel(me, job.id)
        final = await updates.final(job.id, timeout=20)  # well before a heartbeat
        await until(lambda: _statuses(store, {"aborted"}), timeout=60)
    finally:
        await running.stop()
        await front.stop()
    assert final.job.status == "cancelled"
    assert final.job.session.error.code == AppErrorCode.CANCELLED
    assert await task_jobs(store) == [(job.id, "aborted", 1)]  # run once, not again


async def _statuses(store: Storage, wanted: set[str]) -> bool:
    found = await task_jobs(store)
    return bool(found) and all(status in wanted for _, status, _ in found)


async def test_a_photo_that_is_not_an_image_fails_once_and_is_never_retried(
    store: Storage, tmp_path: Path, monkeypatch
) -> None:
    async def refuse(*args, **kwargs):
        raise PostReadyError(ErrorCode.CORRUPT_IMAGE, "the file is damaged")

    monkeypatch.setattr(worker, "run_optimization", refuse)
    updates = Updates()
    queue = QueueService(store, settings_for(tmp_path), updates)
    job = (await queue.api.submit(await user(store), request())).job
    (final,) = await finals(queue, updates, job.id)
    assert final.job.status == "failed" and final.job.attempts == 1
    assert await task_jobs(store) == [(job.id, "succeeded", 1)]  # run once
    assert await store.jobs.kept_uploads(job.session.id) == []  # dropped at its end


def _job(attempts: int) -> TaskJob:
    return TaskJob(id=1, queue="q", lock=None, queueing_lock=None, task_name=RUN_JOB,
                   task_kwargs={"job_id": 1}, attempts=attempts)  # fmt: skip


@pytest.mark.parametrize(
    ("failure", "attempts", "again_in"),
    [
        (NotYet(1, 7.4, "held by another worker"), 30, 7),
        (asyncio.CancelledError(), 0, 0),  # its worker shut down: at once, elsewhere
        (psycopg.OperationalError("server closed the connection"), 0, 2),
        (psycopg.OperationalError("server closed the connection"), 3, 16),
        (psycopg.OperationalError("server closed the connection"), 8, None),  # gave up
        (PostReadyError(AppErrorCode.DATABASE_UNAVAILABLE, "cannot reach PostgreSQL"), 1, 4),
        (PostReadyError(ErrorCode.CORRUPT_IMAGE, "damaged"), 0, None),
        (ValueError("a bug"), 0, None),
    ],
)
def test_what_procrastinate_runs_again_and_when(failure, attempts, again_in) -> None:
    decision = _RetryStrategy().get_retry_decision(exception=failure, job=_job(attempts))
    if again_in is None:
        assert decision is None
    else:
        assert decision is not None and decision.retry_at is not None
        from datetime import UTC, datetime

        seconds = (decision.retry_at - datetime.now(UTC)).total_seconds()
        assert again_in - 2 <= seconds <= again_in + 0.5
