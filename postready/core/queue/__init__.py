"""The durable job queue: `api` (submit, cancel, status), `worker` (the pool that runs jobs),
`codec` (a request as stored), `positions` and `progress` (what chats are told meanwhile), and
`procrastinate_jobs` (the same pool on procrastinate, with PostgreSQL)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from postready.core.config.settings import Settings
from postready.core.queue.api import JobQueue
from postready.core.queue.positions import QueuePositions
from postready.core.queue.updates import JobSubscriber, JobUpdate
from postready.core.queue.worker import PoolOptions, WorkerPool
from postready.core.storage import Storage

if TYPE_CHECKING:
    from postready.core.queue.procrastinate_jobs import ProcrastinateQueue


class QueueService:
    """The queue's front and this process's worker pool, wired together: a submitted job
    wakes a worker, a cancelled one stops at once, and waiting chats hear their new places.

    On SQLite the pool's workers find jobs in the table; on PostgreSQL jobs go through
    procrastinate, so workers in other processes on other machines take them too.
    `workers=False`: this process only submits (a bot whose jobs other processes run)."""

    def __init__(
        self,
        storage: Storage,
        settings: Settings,
        notify: JobSubscriber | None = None,
        options: PoolOptions = PoolOptions(),
        *,
        workers: bool = True,
    ) -> None:
        notify = notify or _nobody
        jobs, instances = storage.jobs, storage.instances
        self.positions = QueuePositions(jobs, notify)
        self.dispatch: ProcrastinateQueue | None = None
        self.workers: WorkerPool | None = None
        url = storage.database.url if storage.database.engine == "postgres" else None
        if url is not None:
            from postready.core.queue.procrastinate_jobs import (
                ProcrastinateQueue,
                ProcrastinateWorkers,
            )

            self.dispatch = ProcrastinateQueue(url)
            if workers:
                self.workers = ProcrastinateWorkers(
                    self.dispatch, jobs, instances, settings, notify, options, self.positions
                )
        elif workers:
            self.workers = WorkerPool(jobs, instances, settings, notify, options, self.positions)
        self.api = JobQueue(
            jobs,
            settings,
            positions=self.positions,
            workers=self.workers,
            content=options.content,
            usage=options.usage,
            dispatch=self.dispatch,
            brands=storage.brands,
        )
        self._opened = False

    async def open(self) -> None:
        """Make the queue ready to take jobs (before anything submits one)."""
        if not self._opened and self.dispatch is not None:
            await self.dispatch.open()
        self._opened = True

    async def start(self) -> None:
        """Open the queue and start this process's workers."""
        await self.open()
        self.positions.start()
        if self.workers is not None:
            await self.workers.start()

    async def stop(self, grace: float = 0.0, hurry: asyncio.Event | None = None) -> None:
        """Stop the workers (see `WorkerPool.stop`), then the position announcements."""
        if self.workers is not None:
            await self.workers.stop(grace, hurry)
        await self.positions.stop()
        if self._opened and self.dispatch is not None:
            await self.dispatch.close()
        self._opened = False

    async def problem(self) -> str | None:
        """What is wrong with this process's workers, if anything (None without workers)."""
        return await self.workers.problem() if self.workers is not None else None


async def _nobody(update: JobUpdate) -> None:
    """No one in this process listens (a worker for another process's chats)."""


__all__ = ["JobQueue", "JobUpdate", "PoolOptions", "QueueService", "WorkerPool"]
