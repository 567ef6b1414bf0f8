"""The job queue and worker pool, driven the way an adapter drives them: submit a photo, watch
the updates its subscriber receives, cancel, stop and restart."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from postready.core.config.settings import QueueSection, Settings, StorageSection
from postready.core.errors import AppErrorCode
from postready.core.identity import UserRef
from postready.core.queue import QueueService, api, worker
from postready.core.queue.api import JobQueue
from postready.core.queue.instances import this_host
from postready.core.queue.progress import ProgressRelay
from postready.core.queue.updates import JobUpdate
from postready.core.storage import Storage
from postready.core.storage.models import Heartbeat, Job, Lease, User
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.loading import LoadLimits
from postready.pipeline.logo import LogoOptions
from postready.pipeline.models import CarouselPhoto, LogoRequest, OptimizeRequest, ProgressEvent
from tests.images import encode, textured
from tests.waiting import PATIENCE, until

PHOTO = encode(textured((1200, 900)), "JPEG", quality=90)


def settings_for(tmp_path: Path, **queue: object) -> Settings:
    values: dict[str, object] = {
        "workers": 2,
        "lease_seconds": 0.3,
        "poll_seconds": 0.05,
        "retry_delay": 0,
        "progress_interval": 0,
        "processing_timeout": 30,
    }
    return Settings(
        storage=StorageSection(data_dir=tmp_path / "data"),
        queue=QueueSection(**(values | queue)),  # type: ignore[arg-type]
    )


class Updates:
    """A subscriber that records every update and lets a test wait for a job's end."""

    def __init__(self) -> None:
        self.seen: list[JobUpdate] = []
        self._changed = asyncio.Condition()

    async def __call__(self, update: JobUpdate) -> None:
        async with self._changed:
            self.seen.append(update)
            self._changed.notify_all()

    async def final(self, job_id: int, timeout: float = PATIENCE) -> JobUpdate:
        def ended() -> JobUpdate | None:
            for update in self.seen:
                if update.job.id == job_id and update.job.status in (
                    "completed",
                    "failed",
                    "cancelled",
                ):
                    return update
            return None

        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: ended() is not None)
        return ended()  # type: ignore[return-value]

    def progress(self, job_id: int) -> list[ProgressEvent]:
        return [u.progress for u in self.seen if u.job.id == job_id and u.progress]


class Gate:
    """A pipeline that waits to be let through: a job that stays running for as long as the
    test needs."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.stopped = 0  # runs cancelled while they waited
        self._real = worker.run_optimization

    async def wait_started(self) -> None:
        await asyncio.wait_for(self.started.wait(), PATIENCE)

    async def __call__(self, *args, **kwargs):
        self.started.set()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.stopped += 1
            raise
        return await self._real(*args, **kwargs)


@pytest.fixture
async def harness(
    tmp_path: Path, database: Path | str, monkeypatch
) -> AsyncIterator[tuple[Storage, Updates]]:
    """The store of the settings `settings_for` makes: SQLite under the data directory, or
    PostgreSQL (named by the environment, as a deployment names it)."""
    if isinstance(database, str):
        monkeypatch.setenv("POSTREADY_DATABASE_URL", database)
    async with await Storage.open(settings_for(tmp_path).storage.database) as store:
        yield store, Updates()


def request(**fields: object) -> OptimizeRequest:
    values: dict[str, object] = {
        "source": PHOTO,
        "platforms": ("instagram", "pinterest"),
        "source_name": "mug.jpg",
    }
    return OptimizeRequest(**(values | fields))  # type: ignore[arg-type]


async def finals(queue: QueueService, updates: Updates, *job_ids: int) -> list[JobUpdate]:
    """Run the workers until these jobs have ended; their final updates."""
    await queue.start()
    try:
        return [await updates.final(job_id) for job_id in job_ids]
    finally:
        await queue.stop()


async def user(store: Storage, name: str = "1") -> User:
    return await store.users.get_or_create(UserRef("telegram", name))


async def test_a_job_is_committed_before_submit_returns_and_then_processed(
    harness, tmp_path: Path
) -> None:
    store, updates = harness
    settings = settings_for(tmp_path, progress_interval=60)
    queue = QueueService(store, settings, updates)
    submitted = await queue.api.submit(await user(store), request(chat_id="chat-9"))
    assert submitted.position == 1

    # Another process sees the job and its photo at once: nothing is only in memory.
    async with await Storage.open(settings.storage.database) as other:
        seen = await other.jobs.get(submitted.job.id)
    assert seen.status == "queued" and seen.session.chat_id == "chat-9"
    assert Path(seen.session.source_path).read_bytes() == PHOTO
    assert seen.session.source_path.endswith(".jpg")

    (final,) = await finals(queue, updates, submitted.job.id)
    assert final.job.status == "completed" and final.result is not None
    folder = settings.storage.output_dir / final.job.session.id
    assert sorted(p.name for p in folder.iterdir()) == [
        "instagram.jpg",
        "instagram_caption.txt",
        "pinterest.jpg",
        "pinterest_caption.txt",
        "results.json",
    ]
    results = json.loads((folder / "results.json").read_text())
    assert results["source_image"] == "mug.jpg"
    assert final.job.session.results == results
    kinds = sorted(f.file_type for f in await store.jobs.session_files(final.job.session.id))
    assert kinds == ["caption", "caption", "image", "image", "json", "source"]
    # Done, it will not run again: the uploaded photo is not kept.
    assert not Path(seen.session.source_path).exists()
    assert not list(settings.storage.uploads_dir.iterdir())
    # Throttled to one update per minute: only the first and the last progress event went out.
    pushed = updates.progress(submitted.job.id)
    first, last = pushed
    assert first.done == 0 and last.done == last.total > 2
    status = await queue.api.status(await user(store), submitted.job.id)
    # Kept as its English line, filled in (what the API's status shows).
    assert status.progress == ProgressEvent(last.stage, last.done, last.total, last.text)
    assert status.position is None


async def test_progress_throttle_sends_the_newest_event_when_the_interval_ends(
    harness, tmp_path: Path
) -> None:
    store, updates = harness
    queue = QueueService(store, settings_for(tmp_path))
    job = (await queue.api.submit(await user(store), request())).job
    # The interval only needs to outlast storing three events, even on a loaded machine.
    relay = ProgressRelay(job, store.jobs, updates, interval=1.0)
    for done in range(4):
        relay.offer(ProgressEvent("images", done, 5, f"step {done}"))

    async def all_stored() -> bool:
        latest = await store.jobs.latest_progress(job.id)
        return latest is not None and latest.done == 3

    await until(all_stored)
    assert [e.done for e in updates.progress(job.id)] == [0]
    await until(lambda: len(updates.progress(job.id)) > 1)  # when the interval ends
    assert [e.done for e in updates.progress(job.id)] == [0, 3]
    relay.offer(ProgressEvent("images", 5, 5, "done"))
    await relay.close()
    assert [e.done for e in updates.progress(job.id)] == [0, 3, 5]
    assert (await store.jobs.latest_progress(job.id)).done == 5


async def test_bad_requests_are_refused_before_anything_is_kept(harness, tmp_path: Path) -> None:
    store, _ = harness
    settings = settings_for(tmp_path).replace(limits={"max_jobs_in_flight": 1})
    queue = QueueService(store, settings)
    me = await user(store)
    for bad, code in [
        (request(platforms=()), ErrorCode.UNKNOWN_PLATFORM),
        (request(platforms=("myspace",)), ErrorCode.UNKNOWN_PLATFORM),
        (request(source=tmp_path / "missing.jpg"), ErrorCode.FILE_NOT_FOUND),
        (request(source=b"%PDF-1.7 not a photo"), ErrorCode.INVALID_IMAGE_FORMAT),
        (request(source=b""), ErrorCode.INVALID_IMAGE_FORMAT),
        (request(source=b"\xff\xd8\xff" + bytes(50_000_001)), ErrorCode.FILE_TOO_LARGE),
    ]:
        with pytest.raises(PostReadyError) as refused:
            await queue.api.submit(me, bad)
        assert refused.value.code == code
    await queue.api.submit(me, request())
    with pytest.raises(PostReadyError) as busy:
        await queue.api.submit(me, request())
    assert busy.value.code == AppErrorCode.TOO_MANY_JOBS
    assert len(list(settings.storage.uploads_dir.iterdir())) == 1  # only the queued job's photo
    assert len(await store.jobs.recent()) == 1


async def test_a_damaged_photo_fails_visibly_with_its_code(harness, tmp_path: Path) -> None:
    store, updates = harness
    queue = QueueService(store, settings_for(tmp_path), updates)
    damaged = PHOTO[:200]  # a JPEG by its first bytes, cut off long before its pixels
    job = (await queue.api.submit(await user(store), request(source=damaged))).job
    (final,) = await finals(queue, updates, job.id)
    assert final.job.status == "failed"
    assert final.job.session.error.code == ErrorCode.CORRUPT_IMAGE


async def test_timeout_stops_a_job_with_processing_timeout(harness, tmp_path: Path) -> None:
    store, updates = harness
    queue = QueueService(store, settings_for(tmp_path, processing_timeout=0.001), updates)
    job = (await queue.api.submit(await user(store), request())).job
    (final,) = await finals(queue, updates, job.id)
    assert final.job.status == "failed"
    assert final.job.session.error.code == AppErrorCode.PROCESSING_TIMEOUT
    assert "was stopped" in final.job.session.error.message


async def test_an_unexpected_crash_fails_the_job_not_the_worker(
    harness, tmp_path: Path, monkeypatch
) -> None:
    store, updates = harness
    real = worker.run_optimization
    calls = 0

    async def crashes_once(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("boom")
        return await real(*args, **kwargs)

    monkeypatch.setattr(worker, "run_optimization", crashes_once)
    queue = QueueService(store, settings_for(tmp_path, workers=1), updates)
    first = (await queue.api.submit(await user(store, "a"), request())).job
    second = (await queue.api.submit(await user(store, "b"), request())).job
    crashed, fine = await finals(queue, updates, first.id, second.id)
    assert crashed.job.session.error.code == ErrorCode.PROCESSING_FAILED
    assert fine.job.status == "completed"


async def test_cancel_a_queued_and_a_running_job(harness, tmp_path: Path, monkeypatch) -> None:
    store, updates = harness
    gate = Gate()
    monkeypatch.setattr(worker, "run_optimization", gate)
    queue = QueueService(store, settings_for(tmp_path, workers=1), updates)
    me = await user(store)
    running = (await queue.api.submit(me, request())).job
    waiting = await queue.api.submit(me, request())
    assert waiting.position == 2
    await queue.start()
    try:
        await gate.wait_started()
        assert (await queue.api.status(me, waiting.job.id)).position == 1
        cancelled = await queue.api.cancel(me, waiting.job.id)
        assert cancelled.status == "cancelled"
        assert not Path(cancelled.session.source_path or "").exists()
        await queue.api.cancel(me)  # the newest job in progress: the running one
        final = await updates.final(running.id)
    finally:
        await queue.stop()
    assert final.job.status == "cancelled"
    assert final.job.session.error.code == AppErrorCode.CANCELLED
    assert not Path(final.job.session.source_path or "").exists()
    with pytest.raises(PostReadyError) as nothing:
        await queue.api.cancel(me)
    assert nothing.value.code == AppErrorCode.JOB_NOT_FOUND


async def test_cancel_from_another_process_reaches_the_worker(
    harness, tmp_path: Path, monkeypatch
) -> None:
    store, updates = harness
    gate = Gate()
    monkeypatch.setattr(worker, "run_optimization", gate)
    settings = settings_for(tmp_path)
    queue = QueueService(store, settings, updates)
    me = await user(store)
    job = (await queue.api.submit(me, request())).job
    await queue.start()
    try:
        await gate.wait_started()
        async with await Storage.open(settings.storage.database) as bot_process:
            await JobQueue(bot_process.jobs, settings).cancel(me, job.id)
        final = await updates.final(job.id)  # at the worker's next heartbeat
    finally:
        await queue.stop()
    assert final.job.status == "cancelled"


async def test_stopping_puts_running_jobs_back_for_the_next_worker(
    harness, tmp_path: Path, monkeypatch
) -> None:
    store, updates = harness
    gate = Gate()
    monkeypatch.setattr(worker, "run_optimization", gate)
    settings = settings_for(tmp_path)
    queue = QueueService(store, settings, updates)
    job = (await queue.api.submit(await user(store), request())).job
    await queue.start()
    await gate.wait_started()
    await queue.stop(grace=0.05)
    released = await store.jobs.get(job.id)
    assert released.status == "queued" and released.attempts == 0
    assert updates.seen[-1].job.status == "queued"

    monkeypatch.setattr(worker, "run_optimization", gate._real)
    restarted = QueueService(store, settings, updates)
    await restarted.start()
    try:
        final = await updates.final(job.id)
    finally:
        await restarted.stop()
    assert final.job.status == "completed" and final.job.attempts == 1


async def test_a_dead_workers_job_is_recovered_when_its_lease_expires(
    harness, tmp_path: Path
) -> None:
    store, updates = harness
    settings = settings_for(tmp_path)
    queue = QueueService(store, settings, updates)
    job = (await queue.api.submit(await user(store), request())).job
    # A worker that claims the job and then dies: it never heartbeats or finishes.
    assert (await store.jobs.claim("dead-worker", settings.queue.lease_seconds)).id == job.id
    (final,) = await finals(queue, updates, job.id)
    assert final.job.status == "completed" and final.job.attempts == 2
    assert any(u.job.status == "queued" for u in updates.seen)  # told it was re-queued


async def test_a_dead_processs_job_is_recovered_at_start_not_when_its_lease_ends(
    harness, tmp_path: Path, caplog
) -> None:
    store, updates = harness
    caplog.set_level(logging.INFO)
    settings = settings_for(tmp_path, lease_seconds=60)
    queue = QueueService(store, settings, updates)
    job = (await queue.api.submit(await user(store), request())).job
    # This machine's previous run, killed with its job: its pid is not that of a process now.
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    await store.instances.beat("previous-run", this_host(), int(ended.stdout))
    assert (await store.jobs.claim("previous-run", 60)).id == job.id
    await queue.start()
    try:
        final = await updates.final(job.id, timeout=30)  # half the lease, on a loaded machine
    finally:
        await queue.stop()
    assert final.job.status == "completed" and final.job.attempts == 2
    assert "reason=its process is gone" in caplog.text
    assert "job_abandoned job=1" in caplog.text and "instance=previous-run" in caplog.text
    (me,) = await store.instances.all()  # the dead one forgotten, this one marked stopped
    assert me.pid == os.getpid() and me.stopped_at is not None


async def test_a_job_claimed_again_by_its_own_pool_runs_once(
    harness, tmp_path: Path, monkeypatch
) -> None:
    """All workers of a pool are one instance. When a worker's job is taken back (its
    heartbeats stalled past the lease) and another worker of the pool claims it, the first run
    loses the job at its next heartbeat, although its instance holds the new lease."""
    store, updates = harness
    gate = Gate()
    monkeypatch.setattr(worker, "run_optimization", gate)
    real_heartbeat = store.jobs.heartbeat
    stalled: list[Lease] = []
    resume = asyncio.Event()

    async def first_run_stalls(lease: Lease, seconds: float) -> Heartbeat:
        if not stalled:
            stalled.append(lease)
        if lease == stalled[0]:
            await resume.wait()
        return await real_heartbeat(lease, seconds)

    monkeypatch.setattr(store.jobs, "heartbeat", first_run_stalls)
    settings = settings_for(tmp_path, workers=2, lease_seconds=1)
    queue = QueueService(store, settings, updates)
    job = (await queue.api.submit(await user(store), request())).job
    await queue.start()
    try:
        await gate.wait_started()
        gate.started.clear()
        async with await Storage.open(settings.storage.database) as other:
            await until(lambda: other.jobs.recover_expired(retry_delay=0))
        await gate.wait_started()  # the other worker's run
        resume.set()
        await until(lambda: gate.stopped == 1)  # the first run, stopped by its heartbeat
        gate.release.set()
        final = await updates.final(job.id)
    finally:
        await queue.stop()
    assert final.job.status == "completed" and final.job.attempts == 2
    ended = [u for u in updates.seen if u.progress is None and u.job.status != "queued"]
    assert len(ended) == 1


async def test_stopping_lets_a_running_job_finish_within_the_grace_period(
    harness, tmp_path: Path, monkeypatch
) -> None:
    store, updates = harness
    gate = Gate()
    monkeypatch.setattr(worker, "run_optimization", gate)
    queue = QueueService(store, settings_for(tmp_path), updates)
    job = (await queue.api.submit(await user(store), request())).job
    await queue.start()
    await gate.wait_started()
    asyncio.get_running_loop().call_later(0.05, gate.release.set)
    await queue.stop(grace=30)
    assert (await store.jobs.get(job.id)).status == "completed"


async def test_a_worker_that_lost_its_lease_stops_and_reports_nothing(
    harness, tmp_path: Path, monkeypatch
) -> None:
    store, updates = harness
    gate = Gate()
    monkeypatch.setattr(worker, "run_optimization", gate)
    settings = settings_for(tmp_path, workers=1)
    queue = QueueService(store, settings, updates)
    job = (await queue.api.submit(await user(store), request())).job
    await queue.start()
    try:
        await gate.wait_started()
        # Cleared before the job is taken back: from then on the worker may claim it again at
        # any moment, perhaps before this test runs its next line.
        gate.started.clear()
        # Another process whose clock says the lease has run out takes the job back, as it
        # would from a worker whose event loop stalled past its lease.
        ahead = settings.queue.lease_seconds + 0.05
        requeued: list[Job] = []
        async with await Storage.open(
            settings.storage.database, lambda: time.time() + ahead
        ) as other:
            # A job row a heartbeat holds at that moment is skipped (SKIP LOCKED on
            # PostgreSQL): recovery takes it at its next pass, as it would in service.
            async def recovered() -> bool:
                requeued.extend(await other.jobs.recover_expired(retry_delay=0))
                return bool(requeued)

            await until(recovered)
        assert [job.status for job in requeued] == ["queued"]
        await gate.wait_started()  # the heartbeat noticed, dropped the job, and claimed it anew
        gate.release.set()
        final = await updates.final(job.id)
    finally:
        await queue.stop()
    assert final.job.status == "completed" and final.job.attempts == 2
    ended = [u for u in updates.seen if u.progress is None and u.job.status != "queued"]
    assert len(ended) == 1  # the abandoned run reported nothing


async def test_a_job_that_ends_between_two_heartbeats_still_reports_its_end(
    harness, tmp_path: Path, monkeypatch
) -> None:
    """Recording its end ends the job's lease: a heartbeat after that is not a lost lease."""
    store, updates = harness
    settings = settings_for(tmp_path)
    finish = store.jobs.finish

    async def then_pauses(*args, **kwargs):
        ended = await finish(*args, **kwargs)
        await asyncio.sleep(settings.queue.lease_seconds)  # heartbeats still beating come now
        return ended

    monkeypatch.setattr(store.jobs, "finish", then_pauses)
    queue = QueueService(store, settings, updates)
    job = (await queue.api.submit(await user(store), request(source=PHOTO[:200]))).job
    (final,) = await finals(queue, updates, job.id)
    assert final.job.session.error.code == ErrorCode.CORRUPT_IMAGE


async def test_the_worker_runs_the_request_as_it_was_submitted(
    harness, tmp_path: Path, monkeypatch
) -> None:
    store, updates = harness
    seen: list[OptimizeRequest] = []
    files: list[tuple[bytes, bytes]] = []  # as the job found them: gone once it has ended

    async def record(request: OptimizeRequest, *args, **kwargs):
        seen.append(request)
        files.append((Path(request.source).read_bytes(), Path(request.logo.source).read_bytes()))
        raise PostReadyError(ErrorCode.INVALID_OPTION, "recorded")

    monkeypatch.setattr(worker, "run_optimization", record)
    logo = encode(textured((200, 100)), "PNG")
    submitted = request(
        description="blue mug, handmade",
        output_format="png",
        variants={"instagram": "square"},
        logo=LogoRequest(logo, LogoOptions("top-left", 0.25, opacity=0.8)),
        chat_id="chat-3",
        timezone="Europe/Berlin",
        audience_timezone="America/New_York",
        language="de",
        styles=("floating", "flat_lay"),
        background_colour="Sage Green",
        product=True,
    )
    queue = QueueService(store, settings_for(tmp_path), updates)
    job = (await queue.api.submit(await user(store), submitted)).job
    await finals(queue, updates, job.id)
    (ran,) = seen
    assert files == [(PHOTO, logo)]
    assert ran.logo.options == submitted.logo.options
    assert ran.user_id == "telegram:1"
    expected = dataclasses.replace(
        submitted, source=ran.source, logo=ran.logo, user_id="telegram:1"
    )
    assert ran == expected


async def test_a_store_failure_while_recording_a_result_is_retried_not_lost(
    harness, tmp_path: Path, monkeypatch
) -> None:
    store, updates = harness
    real_complete = store.jobs.complete
    failures = 0

    async def complete_fails_once(*args, **kwargs):
        nonlocal failures
        if failures == 0:
            failures += 1
            raise sqlite3.OperationalError("disk I/O error")
        return await real_complete(*args, **kwargs)

    monkeypatch.setattr(store.jobs, "complete", complete_fails_once)
    queue = QueueService(store, settings_for(tmp_path, workers=1), updates)
    job = (await queue.api.submit(await user(store), request())).job
    (final,) = await finals(queue, updates, job.id)
    assert failures == 1
    assert final.job.status == "completed" and final.job.attempts == 2


def carousel(*names: str, **fields: object) -> OptimizeRequest:
    """A carousel of PHOTO under these names, the first the request's own source."""
    more = tuple(CarouselPhoto(PHOTO, name) for name in names[1:])
    return request(source_name=names[0], more_photos=more, **fields)


async def test_a_carousel_is_one_job_with_every_photo_saved(harness, tmp_path: Path) -> None:
    store, updates = harness
    settings = settings_for(tmp_path).replace(limits={"max_jobs_in_flight": 1})
    queue = QueueService(store, settings, updates)
    me = await user(store)
    submitted = await queue.api.submit(me, carousel("a.jpg", "b.png", "c.jpg"))
    uploads = settings.storage.uploads_dir
    session = submitted.job.session
    assert sorted(p.name for p in uploads.iterdir()) == [
        f"{session.id}-2.png",
        f"{session.id}-3.jpg",
        f"{session.id}.jpg",
    ]
    # Counted once: the in-flight limit of one refuses the next request, not the carousel.
    with pytest.raises(PostReadyError) as busy:
        await queue.api.submit(me, request())
    assert busy.value.code == AppErrorCode.TOO_MANY_JOBS

    (final,) = await finals(queue, updates, submitted.job.id)
    assert final.job.status == "completed", final.job.session.error
    folder = settings.storage.output_dir / session.id
    assert sorted(p.name for p in folder.glob("instagram_*.jpg")) == [
        "instagram_1.jpg",
        "instagram_2.jpg",
        "instagram_3.jpg",
    ]
    results = json.loads((folder / "results.json").read_text())
    assert [item["source_image"] for item in results["items"]] == ["a.jpg", "b.png", "c.jpg"]
    assert not list(uploads.iterdir())


async def test_a_carousel_is_refused_whole_by_each_photos_cap_and_the_sets(
    harness, tmp_path: Path, monkeypatch
) -> None:
    store, _ = harness
    monkeypatch.setattr(api, "LOAD_LIMITS", LoadLimits(max_bytes=len(PHOTO)))
    settings = settings_for(tmp_path)
    queue = QueueService(store, settings)
    me = await user(store)
    too_big = dataclasses.replace(
        carousel("a.jpg", "b.jpg"), more_photos=(CarouselPhoto(PHOTO + b"x", "b.jpg"),)
    )
    not_a_photo = dataclasses.replace(
        carousel("a.jpg", "b.jpg"), more_photos=(CarouselPhoto(b"%PDF-1.7", "b.pdf"),)
    )
    for bad, code in [
        (too_big, ErrorCode.FILE_TOO_LARGE),
        (carousel(*(f"{n}.jpg" for n in range(5))), ErrorCode.FILE_TOO_LARGE),  # > 4 × one
        (not_a_photo, ErrorCode.INVALID_IMAGE_FORMAT),
    ]:
        with pytest.raises(PostReadyError) as refused:
            await queue.api.submit(me, bad)
        assert refused.value.code == code
    assert not list(settings.storage.uploads_dir.glob("*"))
    assert await store.jobs.recent() == []
    await queue.api.submit(me, carousel(*(f"{n}.jpg" for n in range(4))))  # 4 × one: allowed


async def test_a_cancelled_carousel_discards_every_photo(harness, tmp_path: Path) -> None:
    store, _ = harness
    settings = settings_for(tmp_path)
    queue = QueueService(store, settings, workers=False)
    await queue.open()
    me = await user(store)
    submitted = await queue.api.submit(me, carousel("a.jpg", "b.jpg", "c.jpg"))
    assert len(list(settings.storage.uploads_dir.iterdir())) == 3
    assert (await queue.api.cancel(me, submitted.job.id)).status == "cancelled"
    assert not list(settings.storage.uploads_dir.iterdir())
    assert await store.jobs.kept_uploads(submitted.job.session.id) == []
    await queue.stop()


async def test_the_worker_runs_a_carousel_with_its_saved_photos(
    harness, tmp_path: Path, monkeypatch
) -> None:
    store, updates = harness
    seen: list[OptimizeRequest] = []

    async def record(request: OptimizeRequest, *args, **kwargs):
        seen.append(request)
        raise PostReadyError(ErrorCode.INVALID_OPTION, "recorded")

    monkeypatch.setattr(worker, "run_optimization", record)
    queue = QueueService(store, settings_for(tmp_path), updates)
    job = (await queue.api.submit(await user(store), carousel("a.jpg", "b.jpg"))).job
    await finals(queue, updates, job.id)
    (ran,) = seen
    (photo,) = ran.more_photos
    assert photo.name == "b.jpg"
    assert photo.source == Path(job.session.source_path or "").with_name(f"{job.session.id}-2.jpg")
