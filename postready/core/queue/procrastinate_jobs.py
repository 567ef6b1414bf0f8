"""Jobs on procrastinate, with PostgreSQL: any number of bot and worker processes on any number
of machines share one queue. Our `jobs` row stays the truth about a job (status, lease,
progress, results, limits); procrastinate decides which worker runs it and when: its job is
deferred in the transaction that commits ours, workers wake on LISTEN/NOTIFY, a cancel aborts
the running task, a failure of the database is retried with backoff, and a periodic task
re-queues the jobs of workers that stopped heart-beating (a process killed with SIGKILL).

A procrastinate job only names our job (`job_id`); running it claims our row, so a job run
twice (a stalled worker that was only slow) still runs and is delivered once.

For procrastinate's own command line, with `POSTREADY_DATABASE_URL` set:
`procrastinate --app=postready.core.queue.procrastinate_jobs.cli_app shell` (or `healthchecks`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Collection
from typing import Any

import procrastinate
import psycopg
from procrastinate import JobContext, RetryDecision
from procrastinate.exceptions import AlreadyEnqueued, ConnectorException, JobAborted
from procrastinate.job_context import AbortReason
from procrastinate.jobs import Job as TaskJob
from procrastinate.retry import BaseRetryStrategy

from postready.core.config.settings import Settings
from postready.core.errors import AppErrorCode
from postready.core.queue.positions import QueuePositions
from postready.core.queue.updates import JobSubscriber
from postready.core.queue.worker import PoolOptions, WorkerPool
from postready.core.storage.database import Statements
from postready.core.storage.models import ENDED_STATUSES, Job
from postready.core.storage.repositories import InstanceRepository, JobRepository
from postready.pipeline.errors import PostReadyError

log = logging.getLogger(__name__)
NAMESPACE = "postready"
RUN_JOB = f"{NAMESPACE}:run_job"
MAINTENANCE_QUEUE = "postready.maintenance"
# Every job of a chat's users goes to its platform's queue: a worker takes the jobs of the
# platforms it can deliver to.
QUEUE_PREFIX = "postready."
# Transient failures (the database went away) are retried this many times, waiting longer
# each time (2, 4, 8... seconds).
INFRASTRUCTURE_RETRIES = 8


class NotYet(Exception):
    """The job cannot be taken now (another worker holds its lease, or it waits for its retry
    time): procrastinate runs it again in `seconds`."""

    def __init__(self, job_id: int, seconds: float, why: str) -> None:
        super().__init__(f"job {job_id}: {why}; again in {seconds:g} s")
        self.seconds = seconds


class _RetryStrategy(BaseRetryStrategy):
    """When procrastinate runs a job again. Never for what went wrong with the photo: that is
    recorded on our job (failed) and the task succeeds."""

    def get_retry_decision(self, *, exception: BaseException, job: TaskJob) -> RetryDecision | None:
        if isinstance(exception, NotYet):
            return RetryDecision(retry_in={"seconds": max(1, round(exception.seconds))})
        if isinstance(exception, asyncio.CancelledError):
            # Only a shutdown reaches here (a cancel ends our job and raises JobAborted): the
            # job was put back in our queue; another worker (or this one, restarted) takes it.
            return RetryDecision(retry_in={"seconds": 0})
        if _transient(exception) and job.attempts < INFRASTRUCTURE_RETRIES:
            return RetryDecision(retry_in={"seconds": 2 ** (job.attempts + 1)})
        return None


def _transient(exception: BaseException) -> bool:
    if isinstance(exception, psycopg.OperationalError | OSError | ConnectorException):
        return True
    return (
        isinstance(exception, PostReadyError)
        and exception.code == AppErrorCode.DATABASE_UNAVAILABLE
    )


def our_tasks() -> procrastinate.Blueprint:
    """PostReady's tasks, for one app (procrastinate gives a blueprint to one app only)."""
    tasks = procrastinate.Blueprint()

    @tasks.task(name="run_job", pass_context=True, retry=_RetryStrategy())
    async def run_job(context: JobContext, job_id: int) -> None:
        """Run our job `job_id` on this worker process's pool."""
        workers: ProcrastinateWorkers = context.additional_context["workers"]
        await workers.run(job_id, context)

    @tasks.periodic(cron="* * * * * */5")
    @tasks.task(
        name="retry_stalled_jobs",
        queue=MAINTENANCE_QUEUE,
        queueing_lock="postready.retry_stalled_jobs",
        pass_context=True,
    )
    async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
        """Re-queue the jobs of workers that stopped heart-beating (killed, or cut off)."""
        workers: ProcrastinateWorkers = context.additional_context["workers"]
        manager = context.app.job_manager
        for stalled in await manager.get_stalled_jobs(
            task_name=RUN_JOB, seconds_since_heartbeat=workers.stalled_after
        ):
            log.warning("job_stalled task_job=%s args=%s", stalled.id, stalled.task_kwargs)
            await manager.retry_job(stalled)

    return tasks


def make_app(database_url: str) -> procrastinate.App:
    """A procrastinate app on the database `database_url` names, with our tasks."""
    connector = procrastinate.PsycopgConnector(conninfo=database_url, min_size=1, max_size=4)
    app = procrastinate.App(connector=connector)
    app.add_tasks_from(our_tasks(), namespace=NAMESPACE)
    return app


def queue_of(platform: str) -> str:
    """The procrastinate queue of jobs of users on `platform`."""
    return QUEUE_PREFIX + platform


def lock_of(job_id: int) -> str:
    """The queueing lock of procrastinate's jobs for our job `job_id`: one waits at a time.
    (Not a lock: a job whose worker died holds it until it is found stalled, and our claim
    already keeps two runs of one job apart.)"""
    return f"postready-job-{job_id}"


class ProcrastinateQueue:
    """A `JobDispatch`: defers and aborts procrastinate jobs for our jobs."""

    def __init__(self, database_url: str) -> None:
        self.app = make_app(database_url)

    async def open(self) -> None:
        await self.app.open_async()

    async def close(self) -> None:
        await self.app.close_async()

    async def defer(self, sql: Statements, job: Job) -> None:
        connection = getattr(sql, "connection")  # noqa: B009 - PostgreSQL's statements
        deferred = await self.app.configure_task(
            RUN_JOB,
            queue=queue_of(job.session.user.platform),
            queueing_lock=lock_of(job.id),
            connection=connection,
        ).defer_async(job_id=job.id)
        log.info("job_deferred job=%s task_job=%s", job.id, deferred)

    async def again(self, job: Job) -> None:
        """Queue `job` for a worker once more (our recovery put it back in the queue); a job
        procrastinate still has queued for it is enough."""
        with contextlib.suppress(AlreadyEnqueued):
            await self.app.configure_task(
                RUN_JOB,
                queue=queue_of(job.session.user.platform),
                queueing_lock=lock_of(job.id),
            ).defer_async(job_id=job.id)

    async def abort(self, job_id: int) -> None:
        manager = self.app.job_manager
        for found in await manager.list_jobs_async(queueing_lock=lock_of(job_id)):
            if found.id is not None and found.status in ("todo", "doing"):
                await manager.cancel_job_by_id_async(found.id, abort=True)


class ProcrastinateWorkers(WorkerPool):
    """The worker pool on procrastinate: its worker takes jobs (at most `settings.queue.workers`
    at once) from the queues of `options.platforms` (every queue when None), and each runs as
    the pool runs a claimed job. Leases, heartbeats, progress and recovery are the pool's."""

    def __init__(
        self,
        dispatch: ProcrastinateQueue,
        jobs: JobRepository,
        instances: InstanceRepository,
        settings: Settings,
        notify: JobSubscriber,
        options: PoolOptions = PoolOptions(),
        positions: QueuePositions | None = None,
    ) -> None:
        super().__init__(jobs, instances, settings, notify, options, positions)
        self._dispatch = dispatch
        queue = settings.queue
        self.heartbeat_seconds = min(queue.instance_heartbeat_seconds, queue.lease_seconds / 3)
        # A worker this long silent is taken for dead: its jobs run again elsewhere.
        self.stalled_after = max(queue.lease_seconds, 3 * self.heartbeat_seconds)

    def _start_workers(self) -> list[asyncio.Task[None]]:
        queues = _queues(self._options.platforms)
        worker = self._dispatch.app.run_worker_async(
            queues=queues,  # type: ignore[arg-type]  # None: every queue, as its docs say
            name=self._owner,
            concurrency=self._settings.queue.workers,
            wait=True,
            install_signal_handlers=False,
            listen_notify=True,
            fetch_job_polling_interval=max(self._settings.queue.poll_seconds, 1.0),
            abort_job_polling_interval=max(self._settings.queue.poll_seconds, 1.0),
            update_heartbeat_interval=self.heartbeat_seconds,
            stalled_worker_timeout=self.stalled_after,
            additional_context={"workers": self},
        )
        return [asyncio.create_task(worker, name="postready-procrastinate-worker")]

    async def _finish_running(self, grace: float, hurry: asyncio.Event | None) -> None:
        # procrastinate's worker stops taking jobs when its task is cancelled; ours runs jobs
        # to the end for `grace` seconds, then puts the rest back (as the pool does).
        for worker in self._workers:
            worker.cancel()
        await super()._finish_running(grace, hurry)

    async def _requeued(self, jobs: list[Job]) -> None:
        for job in jobs:
            await self._dispatch.again(job)

    async def run(self, job_id: int, context: JobContext) -> None:
        """Claim our job `job_id` and run it to its end. Raises NotYet when it cannot be taken
        now; nothing to do when it has ended already (it ran elsewhere)."""
        job = await self._jobs.claim(self._owner, self._settings.queue.lease_seconds, None, job_id)
        if job is None:
            await self._not_claimable(job_id)
            return
        self._queue_moved()
        processing = asyncio.ensure_future(self._process(job))
        try:
            await asyncio.shield(processing)
        except asyncio.CancelledError:
            # procrastinate aborts the task: a user's cancel, or its worker's shutdown.
            lease = job.lease
            assert lease is not None
            by_user = context.abort_reason() == AbortReason.USER_REQUEST
            self._stop(lease, "cancel" if by_user else "shutdown")
            await processing
            if by_user:
                raise JobAborted(f"job {job_id} was cancelled") from None
            raise
        current = await self._jobs.get(job_id)
        if current is not None and current.status == "queued":
            # Put back (its lease lost, or this process stopping): run it again.
            raise NotYet(job_id, self._settings.queue.retry_delay, "back in the queue")

    async def _not_claimable(self, job_id: int) -> None:
        current = await self._jobs.get(job_id)
        if current is None or current.status in ENDED_STATUSES:
            log.info("job_already_ended job=%s", job_id)
            return
        if current.status == "queued":
            raise NotYet(job_id, self._settings.queue.retry_delay, "waiting to be retried")
        if current.status == "running":
            raise NotYet(job_id, self._settings.queue.lease_seconds, "held by another worker")
        log.info("job_not_runnable job=%s status=%s", job_id, current.status)


def _queues(platforms: Collection[str] | None) -> list[str] | None:
    if platforms is None:
        return None
    return [MAINTENANCE_QUEUE, *(queue_of(platform) for platform in sorted(platforms))]


def _cli_app() -> procrastinate.App:
    return make_app(os.environ.get("POSTREADY_DATABASE_URL", ""))


# For procrastinate's own command line (see the module's docstring).
cli_app: Any = _cli_app()
