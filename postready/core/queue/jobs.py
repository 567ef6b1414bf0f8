"""The durable job queue and its asyncio worker pool.

A submitted photo is written under the data directory and its job committed to SQLite before
`submit` returns, so a caller never reports "queued" for a job a crash could lose. Workers
claim jobs atomically under a lease that heartbeats renew; a job whose worker died is re-queued
when its lease runs out (on start-up and periodically), until its attempts are used up. The
pipeline's CPU work runs in a shared thread pool, so the event loop keeps answering while jobs
run. Threads rather than a process per job (bench/bench_workers.py, 2 shared CPUs): processes
were 10-20% faster on an idle machine (3.9 against 3.3 jobs/s), level under load, and kept the
event loop within ~7 ms (p99) where threads let it fall 50-100 ms behind, which a chat does not
notice. The runner hands its executor closures and decoded images, so only a whole job could
move to a child process, with progress, errors and cancellation carried across it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import math
import os
import re
import shutil
import socket
import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from postready.core.config.settings import Settings
from postready.core.storage.store import (
    GeneratedFile,
    Job,
    NewJob,
    QueueLimits,
    Store,
    User,
)
from postready.pipeline.content import ContentEngine
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.loading import HEADER_BYTES, LoadLimits, check_byte_size, require_format
from postready.pipeline.logo import LogoOptions
from postready.pipeline.models import (
    ErrorInfo,
    LogoRequest,
    OptimizeRequest,
    OptimizeResult,
    ProgressEvent,
)
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.product_photos import PhotographySettings
from postready.pipeline.runner import RESULTS_FILE, run_optimization

log = logging.getLogger(__name__)
# The same caps at submission (refuse at once) and when the job runs.
_LOAD_LIMITS = LoadLimits()

HEADLESS_PLATFORM = "cli"  # the users of `postready enqueue`
DELIVERY_WINDOW = 24 * 3600.0  # seconds: results older than this are not sent late
POSITIONS_SHOWN = 10  # waiting jobs told when the queue moves
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,5}$")
_StopReason = Literal["cancel", "shutdown", "lease_lost"]


@dataclass(frozen=True, slots=True)
class JobUpdate:
    """What a subscriber (a chat adapter) hears about a job: progress, or its end."""

    job: Job
    progress: ProgressEvent | None = None
    result: OptimizeResult | None = None  # when the job completed
    position: int | None = None  # its new place in the queue, when it moved up


JobSubscriber = Callable[[JobUpdate], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Submitted:
    job: Job
    position: int  # in the queue: 1 is next; 0 when a worker already took it


@dataclass(frozen=True, slots=True)
class JobStatus:
    job: Job
    position: int | None  # None unless queued
    progress: ProgressEvent | None  # the latest stored


class JobQueue:
    """Submit, cancel and inspect jobs; `start` runs the worker pool in this process."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        subscriber: JobSubscriber | None = None,
        content: ContentEngine | None = None,
        photography: PhotographySettings | None = None,
        platforms: Collection[str] | None = None,
    ) -> None:
        """`content` and `photography` are the pipeline's services (local when None); one
        content engine serves every job, sharing its cache. `platforms`: the workers take only
        jobs of users on these platforms, whose results this process can deliver (None: any)."""
        self._platforms = platforms
        self._store = store
        self._settings = settings
        self._subscriber = subscriber
        self._content = content
        self._photography = photography
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._limits = QueueLimits(
            in_flight=settings.max_jobs_in_flight,
            per_hour=settings.max_jobs_per_hour,
            queued=settings.queue_limit,
            max_attempts=settings.max_attempts,
        )
        self._wake = asyncio.Event()
        self._stopping = False
        self._running: dict[int, asyncio.Task[None]] = {}
        self._stop_reasons: dict[int, _StopReason] = {}
        self._workers: list[asyncio.Task[None]] = []
        self._reaper: asyncio.Task[None] | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._positions: dict[int, int] = {}  # queued job → the place its chat last saw
        self._moved = asyncio.Event()  # a job left the queue: the others moved up
        self._announcer: asyncio.Task[None] | None = None

    # The front: what a chat adapter or the CLI calls

    async def submit(
        self, user: User, request: OptimizeRequest, *, album_index: int = 0
    ) -> Submitted:
        """Save the photo and commit its job; raise PostReadyError when it cannot be queued.

        `album_index`: the photo's place in an album sent with one command. An album counts as
        one request against the in-flight limit (the hourly and queue limits still apply to
        every photo), so all its photos are processed."""
        _check_platforms(request.platforms)
        session_id = str(uuid.uuid4())
        uploads = self._settings.uploads_dir
        name = request.source_name or (
            str(request.source) if isinstance(request.source, Path) else ""
        )
        source = uploads / (session_id + _suffix(name))
        copies: list[tuple[bytes | Path, Path]] = [(request.source, source)]
        logo = request.logo
        if logo is not None and isinstance(logo.source, bytes):
            copies.append((logo.source, uploads / f"{session_id}-logo"))
            logo = LogoRequest(copies[-1][1], logo.options)
        loop = asyncio.get_running_loop()
        # Refuse an oversized upload before copying it, not after a wait in the queue.
        check_byte_size(
            await loop.run_in_executor(None, _upload_size, request.source), _LOAD_LIMITS
        )
        try:
            sizes = [await loop.run_in_executor(None, _save, data, path) for data, path in copies]
            # Refuse what is not an image now, not after a wait in the queue.
            require_format(await loop.run_in_executor(None, _read_header, source))
            job = await self._store.enqueue(
                user,
                NewJob(
                    session_id=session_id,
                    source_path=source,
                    source_size=sizes[0],
                    platforms=tuple(dict.fromkeys(request.platforms)),
                    description=request.description,
                    options=_options(request, logo),
                    chat_id=request.chat_id,
                ),
                dataclasses.replace(self._limits, in_flight=self._limits.in_flight + album_index),
            )
        except BaseException:
            for _, path in copies:
                path.unlink(missing_ok=True)
            raise
        log.info("job_queued job=%s session=%s user=%s", job.id, session_id, user.key)
        self._wake.set()
        position = await self._store.queue_position(job.id)
        if position:
            self._positions[job.id] = position
        return Submitted(job, position or 0)

    async def cancel(self, user: User, job_id: int | None = None) -> Job:
        """Cancel the user's job (their newest in-progress one by default).

        A queued job is cancelled at once; a running one is stopped by its worker, at once in
        this process or at its next heartbeat in another. Raises JOB_NOT_FOUND.
        """
        job_id = job_id if job_id is not None else (await self._active(user)).id
        job = await self._store.request_cancel(job_id, user.id)
        if job.id in self._running:
            self._stop(job.id, "cancel")
        else:  # it left the queue: those behind it moved up
            self._moved.set()
        log.info("job_cancel_requested job=%s session=%s", job.id, job.session.id)
        return job

    async def status(self, user: User, job_id: int | None = None) -> JobStatus:
        """A job of the user's (their newest in-progress one by default). Raises JOB_NOT_FOUND."""
        if job_id is None:
            job = await self._active(user)
        else:
            found = await self._store.get_job(job_id)
            if found is None or found.session.user_id != user.id:
                raise PostReadyError(ErrorCode.JOB_NOT_FOUND, f"there is no job #{job_id}")
            job = found
        position = await self._store.queue_position(job.id)
        return JobStatus(job, position, await self._store.latest_progress(job.id))

    async def _active(self, user: User) -> Job:
        job = await self._store.latest_active_job(user.id)
        if job is None:
            raise PostReadyError(
                ErrorCode.JOB_NOT_FOUND, "you have no photo in progress; /history lists past ones"
            )
        return job

    # The worker pool

    async def start(self) -> None:
        """Re-queue jobs of dead workers, then run `settings.workers` workers in the background."""
        self._executor = ThreadPoolExecutor(
            max_workers=os.cpu_count(), thread_name_prefix="postready-cpu"
        )
        await self._recover()
        self._reaper = asyncio.create_task(self._recover_periodically(), name="postready-reaper")
        self._announcer = asyncio.create_task(self._announce(), name="postready-positions")
        self._workers = [
            asyncio.create_task(self._worker(), name=f"postready-worker-{n}")
            for n in range(self._settings.workers)
        ]
        log.info("workers_started owner=%s workers=%s", self._owner, self._settings.workers)

    async def stop(self, grace: float = 0.0, hurry: asyncio.Event | None = None) -> None:
        """Stop taking jobs; give running ones `grace` seconds (cut short when `hurry` is set),
        then put those still running back in the queue."""
        self._stopping = True
        self._wake.set()
        if self._running and grace > 0:
            finishing = asyncio.ensure_future(asyncio.wait(list(self._running.values())))
            hurrying = asyncio.ensure_future((hurry or asyncio.Event()).wait())
            await asyncio.wait(
                [finishing, hurrying], timeout=grace, return_when=asyncio.FIRST_COMPLETED
            )
            finishing.cancel()
            hurrying.cancel()
        for job_id in list(self._running):
            self._stop(job_id, "shutdown")
        for helper in (self._reaper, self._announcer):
            if helper is not None:
                helper.cancel()
                await asyncio.gather(helper, return_exceptions=True)
        await asyncio.gather(*self._workers)
        if self._executor is not None:
            # Threads of stopped jobs cannot be interrupted; do not wait for them.
            self._executor.shutdown(wait=False, cancel_futures=True)
        log.info("workers_stopped owner=%s", self._owner)

    async def _worker(self) -> None:
        while not self._stopping:
            try:
                lease = self._settings.lease_seconds
                job = await self._store.claim(self._owner, lease, self._platforms)
                if job is not None:
                    self._moved.set()
                    await self._process(job)
            except Exception:
                # The store failed; a claimed job's lease will expire and it will be retried.
                log.exception("worker_error owner=%s", self._owner)
                job = None
            if job is None:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._settings.poll_seconds)

    async def _process(self, job: Job) -> None:
        if self._stopping:
            await self._store.release(job.id, self._owner)
            return
        task = asyncio.create_task(self._run(job), name=f"postready-job-{job.id}")
        self._running[job.id] = task
        try:
            await asyncio.wait([task])  # a cancelled job must not cancel its worker
            if task.cancelled() and job.id in self._stop_reasons:
                # Stopped where _execute does not catch it: before its first step, or while
                # its results were being saved.
                await self._report(job, await self._stopped(job, self._stop_reasons[job.id]))
            elif not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        finally:
            self._running.pop(job.id, None)
            self._stop_reasons.pop(job.id, None)

    async def _announce(self) -> None:
        """Beside the workers, so that chat edits never delay a job's start."""
        while True:
            await self._moved.wait()
            self._moved.clear()
            try:
                await self._announce_positions()
            except Exception:
                log.exception("positions_failed owner=%s", self._owner)

    async def _announce_positions(self) -> None:
        """Tell the first waiting jobs' chats that the queue moved (only those whose place
        changed, and not the whole queue: every update is a message edit)."""
        queued = await self._store.queued_jobs(POSITIONS_SHOWN)
        self._positions = {
            job.id: self._positions[job.id] for job in queued if job.id in self._positions
        }
        for position, job in enumerate(queued, start=1):
            if self._positions.get(job.id) != position:
                self._positions[job.id] = position
                await self._notify(JobUpdate(job, position=position))

    async def _recover_periodically(self) -> None:
        while True:
            await asyncio.sleep(self._settings.lease_seconds / 2)
            try:
                await self._recover()
            except Exception:
                log.exception("recovery_failed owner=%s", self._owner)

    async def _recover(self) -> None:
        changed = await self._store.recover_expired(self._settings.retry_delay, set(self._running))
        for job in changed:
            await self._notify(JobUpdate(job))
        if changed:
            self._wake.set()
            self._moved.set()

    def _stop(self, job_id: int, reason: _StopReason) -> None:
        task = self._running.get(job_id)
        if task is not None and job_id not in self._stop_reasons:
            self._stop_reasons[job_id] = reason
            task.cancel()

    async def _run(self, job: Job) -> None:
        log.info("job_started job=%s session=%s attempt=%s", job.id, job.session.id, job.attempts)
        heartbeat = asyncio.create_task(self._heartbeat(job.id))
        relay = _ProgressRelay(job, self._store, self._notify, self._settings.progress_interval)
        try:
            outcome = await self._execute(job, relay)
        finally:
            heartbeat.cancel()
            await relay.close()
        await self._report(job, outcome)

    async def _execute(self, job: Job, relay: _ProgressRelay) -> JobUpdate | None:
        """Run the pipeline for `job` and record how it ended; None when this worker no longer
        holds the job (its lease was lost), so there is nothing to report."""
        try:
            async with asyncio.timeout(self._settings.processing_timeout):
                result = await run_optimization(
                    _request(job),
                    self._settings.output_dir,
                    limits=_LOAD_LIMITS,
                    progress=relay.offer,
                    executor=self._executor,
                    session_id=job.session.id,
                    content=self._content,
                    photography=self._photography,
                )
        except asyncio.CancelledError:
            reason = self._stop_reasons.get(job.id)
            if reason is None:
                raise
            asyncio.current_task().uncancel()  # type: ignore[union-attr]
            return await self._stopped(job, reason)
        except TimeoutError:
            minutes = self._settings.processing_timeout / 60
            message = f"processing took longer than {minutes:g} minutes and was stopped"
            return await self._fail(job, ErrorInfo(ErrorCode.PROCESSING_TIMEOUT, message))
        except PostReadyError as exc:
            return await self._fail(job, ErrorInfo(exc.code, exc.message))
        except Exception:
            log.exception("job_crashed job=%s session=%s", job.id, job.session.id)
            error = ErrorInfo(ErrorCode.PROCESSING_FAILED, "something went wrong on our side")
            return await self._fail(job, error)
        await relay.close()
        files = await self._generated_files(result)
        if await self._store.complete(job.id, self._owner, result, files):
            return JobUpdate(await self._reload(job), result=result)
        return None

    async def _report(self, job: Job, outcome: JobUpdate | None) -> None:
        if outcome is None:
            return
        ended = outcome.job
        error = ended.session.error
        log.info(
            "job_ended job=%s session=%s status=%s error=%s",
            job.id,
            job.session.id,
            ended.status,
            error.code if error else "-",
        )
        await self._notify(outcome)

    async def _stopped(self, job: Job, reason: _StopReason) -> JobUpdate | None:
        if reason == "cancel":
            error = ErrorInfo(ErrorCode.CANCELLED, "cancelled while it was being processed")
            if await self._store.finish(job.id, self._owner, "cancelled", error):
                return JobUpdate(await self._reload(job))
        elif reason == "shutdown" and await self._store.release(job.id, self._owner):
            return JobUpdate(await self._reload(job))
        return None  # lease_lost: another worker owns the job now

    async def _fail(self, job: Job, error: ErrorInfo) -> JobUpdate | None:
        if await self._store.finish(job.id, self._owner, "failed", error):
            return JobUpdate(await self._reload(job))
        return None

    async def _reload(self, job: Job) -> Job:
        return await self._store.get_job(job.id) or job

    async def _heartbeat(self, job_id: int) -> None:
        lease = self._settings.lease_seconds
        while True:
            await asyncio.sleep(lease / 3)
            try:
                beat = await self._store.heartbeat(job_id, self._owner, lease)
            except Exception:
                log.exception("heartbeat_failed job=%s", job_id)
                continue
            if not beat.held:
                log.warning("job_lease_lost job=%s", job_id)
                self._stop(job_id, "lease_lost")
            elif beat.cancel_requested:
                self._stop(job_id, "cancel")

    async def _generated_files(self, result: OptimizeResult) -> list[GeneratedFile]:
        results_path = self._settings.output_dir / result.session_id / RESULTS_FILE
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _generated_files, result, results_path)

    async def _notify(self, update: JobUpdate) -> None:
        if self._subscriber is None:
            return
        try:
            await self._subscriber(update)
        except Exception:
            # A chat that cannot be reached must not fail the job.
            log.exception("subscriber_failed job=%s", update.job.id)


class _ProgressRelay:
    """Stores every progress event of a job and pushes them to the subscriber throttled: at
    most one per `interval`, the first and the last (done == total) at once, and the newest
    event in place of any it superseded while waiting."""

    def __init__(
        self,
        job: Job,
        store: Store,
        notify: Callable[[JobUpdate], Awaitable[None]],
        interval: float,
    ) -> None:
        self._job = job
        self._store = store
        self._notify = notify
        self._interval = interval
        self._events: asyncio.Queue[ProgressEvent | None] = asyncio.Queue()
        self._task = asyncio.create_task(self._pump())

    def offer(self, event: ProgressEvent) -> None:
        self._events.put_nowait(event)

    async def close(self) -> None:
        if not self._task.done():
            self._events.put_nowait(None)
            await asyncio.shield(self._task)

    async def _pump(self) -> None:
        loop = asyncio.get_running_loop()
        pending: ProgressEvent | None = None
        last_push = -math.inf
        while True:
            if pending is None:
                event = await self._events.get()
            else:
                try:
                    delay = last_push + self._interval - loop.time()
                    event = await asyncio.wait_for(self._events.get(), max(delay, 0))
                except TimeoutError:
                    await self._push(pending)
                    pending, last_push = None, loop.time()
                    continue
            if event is None:
                return  # the job is over; its final update follows
            try:
                await self._store.add_progress(self._job.id, event)
            except Exception:
                # Progress is for show: failing to store it must not fail the job.
                log.exception("progress_not_stored job=%s", self._job.id)
            if event.done >= event.total or loop.time() - last_push >= self._interval:
                await self._push(event)
                pending, last_push = None, loop.time()
            else:
                pending = event

    async def _push(self, event: ProgressEvent) -> None:
        await self._notify(JobUpdate(self._job, progress=event))


def _check_platforms(platforms: tuple[str, ...]) -> None:
    if not platforms:
        raise PostReadyError(ErrorCode.UNKNOWN_PLATFORM, "no platform was chosen")
    unknown = [key for key in platforms if key not in PLATFORMS]
    if unknown:
        raise PostReadyError(ErrorCode.UNKNOWN_PLATFORM, f"unknown platform '{unknown[0]}'")


def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return suffix if _SUFFIX.match(suffix) else ""


def _upload_size(source: bytes | Path) -> int:
    if isinstance(source, bytes):
        return len(source)
    try:
        return source.stat().st_size
    except OSError as exc:
        raise PostReadyError(ErrorCode.FILE_NOT_FOUND, f"cannot read '{source}'") from exc


def _save(source: bytes | Path, target: Path) -> int:
    """Write `source` to `target` durably (fsync before the job that names it is committed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with partial.open("wb") as out:
            if isinstance(source, bytes):
                out.write(source)
            else:
                with source.open("rb") as src:
                    shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        partial.unlink(missing_ok=True)
        if isinstance(source, bytes):
            raise
        raise PostReadyError(
            ErrorCode.FILE_NOT_FOUND, f"cannot read '{source}': {exc.strerror or exc}"
        ) from exc
    partial.replace(target)
    return target.stat().st_size


def _generated_files(result: OptimizeResult, results_path: Path) -> list[GeneratedFile]:
    """Every file a finished session wrote (or uploaded), for the generated_files table."""
    files = [GeneratedFile("json", results_path, _size(results_path))]
    for key, item in result.platforms.items():
        if item.image is not None:
            files.append(GeneratedFile("image", item.image.path, item.image.bytes, key))
        if item.caption_file is not None:
            files.append(GeneratedFile("caption", item.caption_file, _size(item.caption_file), key))
    if result.product_photography is not None:
        for by_platform in result.product_photography.styles.values():
            for key, where in by_platform.items():
                if where.startswith(("https://", "http://")):
                    files.append(GeneratedFile("product_photo", None, None, key, url=where))
                else:
                    files.append(
                        GeneratedFile("product_photo", Path(where), _size(Path(where)), key)
                    )
    return files


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _read_header(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.read(HEADER_BYTES)


# Request fields stored in columns of their own (or rebuilt from the job), not in `options`.
_COLUMN_FIELDS = {"source", "platforms", "description", "user_id", "chat_id", "logo"}


def _options(request: OptimizeRequest, logo: LogoRequest | None) -> dict[str, Any]:
    """The request's other fields as JSON, stored with its session; new request fields are
    kept without changes here."""
    options: dict[str, Any] = {
        f.name: _jsonable(getattr(request, f.name))
        for f in dataclasses.fields(OptimizeRequest)
        if f.name not in _COLUMN_FIELDS
    }
    options["logo"] = None
    if logo is not None:
        options["logo"] = {"path": str(logo.source)} | {
            f.name: getattr(logo.options, f.name) for f in dataclasses.fields(LogoOptions)
        }
    return options


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _request(job: Job) -> OptimizeRequest:
    """The pipeline request a stored job describes."""
    session = job.session
    options = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in session.options.items()
        if key != "logo"
    }
    logo = dict(session.options["logo"] or {})
    return OptimizeRequest(
        source=Path(session.source_path or ""),
        platforms=session.platforms,
        description=session.description,
        logo=LogoRequest(Path(logo.pop("path")), LogoOptions(**logo)) if logo else None,
        user_id=session.user_key,
        chat_id=session.chat_id,
        **options,
    )
