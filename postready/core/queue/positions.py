"""Waiting jobs told their new place when the queue moves."""

from __future__ import annotations

import asyncio
import logging

from postready.core.queue.updates import JobSubscriber, JobUpdate
from postready.core.storage.repositories import JobRepository

log = logging.getLogger(__name__)
POSITIONS_SHOWN = 10  # waiting jobs told when the queue moves


class QueuePositions:
    """Remembers the place each waiting job's chat last saw and, when a job leaves the queue
    (claimed or cancelled), tells the first `POSITIONS_SHOWN` whose place changed. It runs
    beside the workers, so chat edits never delay a job's start; only those whose place
    changed are told, since every update is a message edit."""

    def __init__(self, jobs: JobRepository, notify: JobSubscriber) -> None:
        self._jobs = jobs
        self._notify = notify
        self._seen: dict[int, int] = {}  # queued job → the place its chat last saw
        self._moved = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def shown(self, job_id: int, position: int) -> None:
        """The job's chat was told it is at `position`."""
        self._seen[job_id] = position

    def moved(self) -> None:
        """A job left the queue: those behind it moved up."""
        self._moved.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._announce(), name="postready-positions")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _announce(self) -> None:
        while True:
            await self._moved.wait()
            self._moved.clear()
            try:
                await self._tell_new_places()
            except Exception:
                log.exception("positions_failed")

    async def _tell_new_places(self) -> None:
        queued = await self._jobs.queued(POSITIONS_SHOWN)
        self._seen = {job.id: self._seen[job.id] for job in queued if job.id in self._seen}
        for position, job in enumerate(queued, start=1):
            if self._seen.get(job.id) != position:
                self._seen[job.id] = position
                await self._notify(JobUpdate(job, position=position))
