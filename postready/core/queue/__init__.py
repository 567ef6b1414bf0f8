"""The durable job queue: `api` (submit, cancel, status), `worker` (the pool that runs jobs),
`codec` (a request as stored), `positions` and `progress` (what chats are told meanwhile)."""

from __future__ import annotations

import asyncio

from postready.core.config.settings import Settings
from postready.core.queue.api import JobQueue
from postready.core.queue.positions import QueuePositions
from postready.core.queue.updates import JobSubscriber, JobUpdate
from postready.core.queue.worker import PoolOptions, WorkerPool
from postready.core.storage.repositories import InstanceRepository, JobRepository


class QueueService:
    """The queue's front and this process's worker pool, wired together: a submitted job
    wakes a worker, a cancelled one stops at once, and waiting chats hear their new places."""

    def __init__(
        self,
        jobs: JobRepository,
        instances: InstanceRepository,
        settings: Settings,
        notify: JobSubscriber | None = None,
        options: PoolOptions = PoolOptions(),
    ) -> None:
        notify = notify or _nobody
        self.positions = QueuePositions(jobs, notify)
        self.workers = WorkerPool(jobs, instances, settings, notify, options, self.positions)
        self.api = JobQueue(
            jobs,
            settings,
            positions=self.positions,
            workers=self.workers,
            content=options.content,
            usage=options.usage,
        )

    async def start(self) -> None:
        self.positions.start()
        await self.workers.start()

    async def stop(self, grace: float = 0.0, hurry: asyncio.Event | None = None) -> None:
        """Stop the workers (see `WorkerPool.stop`), then the position announcements."""
        await self.workers.stop(grace, hurry)
        await self.positions.stop()


async def _nobody(update: JobUpdate) -> None:
    """No one in this process listens (a worker for another process's chats)."""


__all__ = ["JobQueue", "JobUpdate", "PoolOptions", "QueueService", "WorkerPool"]
