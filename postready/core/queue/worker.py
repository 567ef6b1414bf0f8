"""The asyncio worker pool: claims jobs under a lease that heartbeats renew, runs the
pipeline, records how each job ended, and re-queues jobs whose worker died: at once when its
process is known to be dead (`instances`), when the lease runs out otherwise.

The pipeline's CPU work runs in a shared thread pool, so the event loop keeps answering
while jobs run. Threads rather than a process per job (bench/bench_workers.py, 2 shared CPUs):
processes were 10-20% faster on an idle machine (3.9 against 3.3 jobs/s), level under load,
and kept the event loop within ~7 ms (p99) where threads let it fall 50-100 ms behind, which
a chat does not notice. The runner hands its executor closures and decoded images, so only a
whole job could move to a child process, with progress, errors and cancellation carried
across it.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from postready.core.config.settings import Settings
from postready.core.errors import AppErrorCode
from postready.core.i18n import N_
from postready.core.queue.codec import request_for
from postready.core.queue.instances import ThisInstance
from postready.core.queue.positions import QueuePositions
from postready.core.queue.progress import ProgressRelay
from postready.core.queue.updates import JobSubscriber, JobUpdate
from postready.core.queue.uploads import discard_uploads, localized, restore_uploads
from postready.core.quotas import job_usage_gate
from postready.core.storage.models import ENDED_STATUSES, GeneratedFile, Job, Lease
from postready.core.storage.repositories import (
    InstanceRepository,
    JobRepository,
    UsageRepository,
)
from postready.pipeline.content import ContentEngine
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.loading import LoadLimits
from postready.pipeline.models import ErrorInfo, OptimizeRequest, OptimizeResult
from postready.pipeline.product_photos import PhotographySettings
from postready.pipeline.runner import RESULTS_FILE, run_optimization

log = logging.getLogger(__name__)
LOAD_LIMITS = LoadLimits()  # the same caps at submission (refuse at once) and in the job
StopReason = Literal["cancel", "shutdown", "lease_lost"]


@dataclass(frozen=True, slots=True)
class PoolOptions:
    """What this process's workers run jobs with. `content` and `photography` are the
    pipeline's services (local when None); one content engine serves every job, sharing its
    cache. `platforms`: take only jobs of users on these platforms, whose results this process
    can deliver (None: any)."""

    content: ContentEngine | None = None
    photography: PhotographySettings | None = None
    platforms: frozenset[str] | None = None
    # Where jobs' paid calls count against their users' daily quotas (None: no daily quotas).
    usage: UsageRepository | None = None


class WorkerPool:
    """`settings.queue.workers` workers on this event loop, taking jobs from the shared queue;
    `positions` hears when the queue moves. The pool is one instance in `instances`."""

    def __init__(
        self,
        jobs: JobRepository,
        instances: InstanceRepository,
        settings: Settings,
        notify: JobSubscriber,
        options: PoolOptions = PoolOptions(),
        positions: QueuePositions | None = None,
    ) -> None:
        self._jobs = jobs
        self._settings = settings
        self._subscriber = notify
        self._options = options
        self._positions = positions
        self._instance = ThisInstance(instances, settings.queue.instance_heartbeat_seconds)
        self._owner = self._instance.id  # whose leases this pool's workers hold
        self._wake = asyncio.Event()
        self._stopping = False
        # By claim: a job taken back and claimed again runs under a new lease.
        self._running: dict[Lease, asyncio.Task[None]] = {}
        self._stop_reasons: dict[Lease, StopReason] = {}
        self._workers: list[asyncio.Task[None]] = []
        self._reaper: asyncio.Task[None] | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._recovered_at = 0.0  # the loop's time of the last recovery pass: the pool's beat

    @property
    def executor(self) -> ThreadPoolExecutor | None:
        """The thread pool jobs' CPU work runs in, while the pool runs."""
        return self._executor

    async def problem(self) -> str | None:
        """None while the pool runs and its recovery loop beats, else what is wrong."""
        if self._reaper is None or self._stopping:
            return "the workers are not running"
        if self._reaper.done():
            return "the workers' recovery loop has stopped"
        silent = asyncio.get_running_loop().time() - self._recovered_at
        if silent > self._settings.queue.lease_seconds * 1.5:
            return f"the workers have not checked the queue for {silent:.0f} s"
        return None

    def wake(self) -> None:
        """A job was queued: an idle worker looks at once instead of at its next poll."""
        self._wake.set()

    def cancel_running(self, job_id: int) -> bool:
        """Stop the job if a worker of this pool runs it; whether one did."""
        leases = [lease for lease in self._running if lease.job_id == job_id]
        for lease in leases:
            self._stop(lease, "cancel")
        return bool(leases)

    async def start(self) -> None:
        """Re-queue jobs of dead workers, then run the workers in the background."""
        self._executor = ThreadPoolExecutor(
            max_workers=os.cpu_count(), thread_name_prefix="postready-cpu"
        )
        await self._instance.start()
        await self._recover()
        self._reaper = asyncio.create_task(self._recover_periodically(), name="postready-reaper")
        self._workers = self._start_workers()
        log.info("workers_started owner=%s workers=%s", self._owner, self._settings.queue.workers)

    def _start_workers(self) -> list[asyncio.Task[None]]:
        """The tasks that take jobs: `settings.queue.workers` claim loops."""
        return [
            asyncio.create_task(self._worker(), name=f"postready-worker-{n}")
            for n in range(self._settings.queue.workers)
        ]

    async def stop(self, grace: float = 0.0, hurry: asyncio.Event | None = None) -> None:
        """Stop taking jobs; give running ones `grace` seconds (cut short when `hurry` is set),
        then put those still running back in the queue."""
        self._stopping = True
        self._wake.set()
        await self._finish_running(grace, hurry)
        if self._reaper is not None:
            self._reaper.cancel()
            await asyncio.gather(self._reaper, return_exceptions=True)
        await asyncio.gather(*self._workers, return_exceptions=True)
        try:
            await self._instance.stop()
        except Exception:
            # Its jobs are back in the queue; others will take it for dead once it is silent.
            log.exception("instance_stop_failed owner=%s", self._owner)
        if self._executor is not None:
            # Threads of stopped jobs cannot be interrupted; do not wait for them.
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        log.info("workers_stopped owner=%s", self._owner)

    async def _finish_running(self, grace: float, hurry: asyncio.Event | None) -> None:
        """Give the running jobs `grace` seconds (cut short when `hurry` is set), then put
        those still running back in the queue."""
        if self._running and grace > 0:
            finishing = asyncio.ensure_future(asyncio.wait(list(self._running.values())))
            hurrying = asyncio.ensure_future((hurry or asyncio.Event()).wait())
            await asyncio.wait(
                [finishing, hurrying], timeout=grace, return_when=asyncio.FIRST_COMPLETED
            )
            finishing.cancel()
            hurrying.cancel()
        for lease in list(self._running):
            self._stop(lease, "shutdown")

    async def _worker(self) -> None:
        while not self._stopping:
            try:
                lease = self._settings.queue.lease_seconds
                job = await self._jobs.claim(self._owner, lease, self._options.platforms)
                if job is not None:
                    self._queue_moved()
                    await self._process(job)
            except Exception:
                # The storage failed; a claimed job's lease will expire and it will be retried.
                log.exception("worker_error owner=%s", self._owner)
                job = None
            if job is None:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._settings.queue.poll_seconds)

    async def _process(self, job: Job) -> None:
        lease = _lease(job)
        if self._stopping:
            await self._jobs.release(lease)
            return
        task = asyncio.create_task(self._run(job), name=f"postready-job-{job.id}")
        self._running[lease] = task
        try:
            await asyncio.wait([task])  # a cancelled job must not cancel its worker
            if task.cancelled() and lease in self._stop_reasons:
                # Stopped where _execute does not catch it: before its first step, or while
                # its results were being saved.
                await self._report(job, await self._stopped(job, self._stop_reasons[lease]))
            elif not task.cancelled() and (error := task.exception()) is not None:
                raise error
        finally:
            self._running.pop(lease, None)
            self._stop_reasons.pop(lease, None)

    async def _recover_periodically(self) -> None:
        queue = self._settings.queue
        while True:
            await asyncio.sleep(min(queue.instance_heartbeat_seconds, queue.lease_seconds / 2))
            try:
                await self._instance.beat()
                await self._recover()
            except Exception:
                log.exception("recovery_failed owner=%s", self._owner)

    async def _recover(self) -> None:
        retry_delay = self._settings.queue.retry_delay
        alive = {lease.job_id for lease in self._running}
        changed = [
            *await self._instance.recover_dead(self._jobs, retry_delay),
            *await self._jobs.recover_expired(retry_delay, alive),
        ]
        self._recovered_at = asyncio.get_running_loop().time()
        for job in changed:
            await self._notify(JobUpdate(job))
        if changed:
            await self._requeued([job for job in changed if job.status == "queued"])
            self._queue_moved()

    async def _requeued(self, jobs: list[Job]) -> None:
        """Recovery put `jobs` back in the queue: an idle worker takes them."""
        self._wake.set()

    def _queue_moved(self) -> None:
        if self._positions is not None:
            self._positions.moved()

    def _stop(self, lease: Lease, reason: StopReason) -> None:
        task = self._running.get(lease)
        if task is not None and lease not in self._stop_reasons:
            self._stop_reasons[lease] = reason
            task.cancel()

    async def _run(self, job: Job) -> None:
        log.info("job_started job=%s session=%s attempt=%s", job.id, job.session.id, job.attempts)
        relay = ProgressRelay(job, self._jobs, self._notify, self._settings.queue.progress_interval)
        try:
            outcome = await self._execute(job, relay)
        finally:
            await relay.close()
        await self._report(job, outcome)

    async def _execute(self, job: Job, relay: ProgressRelay) -> JobUpdate | None:
        """Run the pipeline for `job` and record how it ended; None when this worker no longer
        holds the job (its lease was lost), so there is nothing to report."""
        heartbeat = asyncio.create_task(self._heartbeat(_lease(job)))
        try:
            try:
                request = await self._local_request(job)
                async with asyncio.timeout(self._settings.queue.processing_timeout):
                    result = await run_optimization(
                        request,
                        self._settings.storage.output_dir,
                        limits=LOAD_LIMITS,
                        progress=relay.offer,
                        executor=self._executor,
                        session_id=job.session.id,
                        content=self._options.content,
                        photography=self._options.photography,
                        gate=job_usage_gate(self._options.usage, job, self._settings),
                    )
            finally:
                # Stopped before the outcome is recorded: that ends the lease, which the next
                # beat would take for a lost one and stop the job while it reports its end.
                # Recording checks the lease itself.
                heartbeat.cancel()
        except asyncio.CancelledError:
            reason = self._stop_reasons.get(_lease(job))
            current = asyncio.current_task()
            if reason is None or current is None:
                raise
            current.uncancel()
            return await self._stopped(job, reason)
        except TimeoutError:
            error = ErrorInfo.marked(
                AppErrorCode.PROCESSING_TIMEOUT,
                N_("processing took longer than {minutes} minutes and was stopped"),
                minutes=f"{self._settings.queue.processing_timeout / 60:g}",
            )
            return await self._fail(job, error)
        except PostReadyError as exc:
            return await self._fail(job, ErrorInfo.of(exc))
        except Exception as exc:
            return await self._fail(job, _crash_error(job, exc))
        await relay.close()
        files = await self._generated_files(result)
        if await self._jobs.complete(_lease(job), result, files):
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
        if ended.status in ENDED_STATUSES:
            uploads = self._settings.storage.uploads_dir
            await asyncio.to_thread(discard_uploads, uploads, ended.session.id)
            await self._jobs.drop_uploads(ended.session.id)
        await self._notify(outcome)

    async def _local_request(self, job: Job) -> OptimizeRequest:
        """The job's request, reading its files from this machine's uploads directory: those
        the database keeps (another machine's uploads) are written there first."""
        request = request_for(job)
        kept = await self._jobs.kept_uploads(job.session.id)
        if not kept:
            return request
        uploads = self._settings.storage.uploads_dir
        await asyncio.to_thread(restore_uploads, uploads, kept)
        return localized(request, uploads)

    async def _stopped(self, job: Job, reason: StopReason) -> JobUpdate | None:
        if reason == "cancel":
            error = ErrorInfo.marked(
                AppErrorCode.CANCELLED, N_("cancelled while it was being processed")
            )
            if await self._jobs.finish(_lease(job), "cancelled", error):
                return JobUpdate(await self._reload(job))
        elif reason == "shutdown" and await self._jobs.release(_lease(job)):
            return JobUpdate(await self._reload(job))
        return None  # lease_lost: another worker owns the job now

    async def _fail(self, job: Job, error: ErrorInfo) -> JobUpdate | None:
        if await self._jobs.finish(_lease(job), "failed", error):
            return JobUpdate(await self._reload(job))
        return None

    async def _reload(self, job: Job) -> Job:
        return await self._jobs.get(job.id) or job

    async def _heartbeat(self, lease: Lease) -> None:
        seconds = self._settings.queue.lease_seconds
        while True:
            await asyncio.sleep(seconds / 3)
            try:
                beat = await self._jobs.heartbeat(lease, seconds)
            except Exception:
                log.exception("heartbeat_failed job=%s", lease.job_id)
                continue
            if not beat.held:
                log.warning("job_lease_lost job=%s", lease.job_id)
                self._stop(lease, "lease_lost")
            elif beat.cancel_requested:
                self._stop(lease, "cancel")

    async def _generated_files(self, result: OptimizeResult) -> list[GeneratedFile]:
        results_path = self._settings.storage.output_dir / result.session_id / RESULTS_FILE
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, generated_files, result, results_path)

    async def _notify(self, update: JobUpdate) -> None:
        try:
            await self._subscriber(update)
        except Exception:
            # A chat that cannot be reached must not fail the job.
            log.exception("subscriber_failed job=%s", update.job.id)


def _crash_error(job: Job, exc: Exception) -> ErrorInfo:
    """What a job that raised `exc` failed with: a full disk said so; anything else is ours."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        log.error("job_disk_full job=%s session=%s", job.id, job.session.id)
        return ErrorInfo.marked(
            AppErrorCode.DISK_FULL, N_("the server's disk is full; try again later")
        )
    log.exception("job_crashed job=%s session=%s", job.id, job.session.id, exc_info=exc)
    return ErrorInfo.marked(ErrorCode.PROCESSING_FAILED, N_("something went wrong on our side"))


def _lease(job: Job) -> Lease:
    """The lease of a job this pool claimed."""
    lease = job.lease
    if lease is None:
        raise RuntimeError(f"job {job.id} was claimed without a lease")
    return lease


def generated_files(result: OptimizeResult, results_path: Path) -> list[GeneratedFile]:
    """Every file a finished session wrote (or uploaded), for the generated_files table."""
    files = [GeneratedFile("json", results_path, _size(results_path))]
    for key, item in result.platforms.items():
        # A carousel's: every photo's image.
        images = [one.image for one in item.items] or ([item.image] if item.image else [])
        files += [GeneratedFile("image", one.path, one.bytes, key) for one in images]
        if item.caption_file is not None:
            files.append(GeneratedFile("caption", item.caption_file, _size(item.caption_file), key))
    if result.product_photography is not None:
        for by_platform in result.product_photography.styles.values():
            for key, image in by_platform.items():
                size = _size(image.path) if image.path is not None else None
                files.append(GeneratedFile("product_photo", image.path, size, key, url=image.url))
    return files


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None
