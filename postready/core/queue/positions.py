"""Waiting jobs told their new place when the queue moves."""

from __future__ import annotations

import asyncio
import logging

from postready.core.queue.updates import JobSubscriber, JobUpdate
from postready.core.storage.repositories import JobRepository

log = logging.getLogger(__name__)
POSITIONS_SHOWN = 10  # waiting jobs told when the queue moves


class QueuePositions:
    """When a job leaves the queue (claimed or cancelled), tells the first `POSITIONS_SHOWN`
    waiting jobs whose place changed. The place each job's chat last saw is kept with the job,
    so that when several processes see the queue move, one of them tells each job, once. It
    runs beside the workers, so chat edits never delay a job's start; only those whose place
    changed are told, since every update is a message edit."""

    def __init__(self, jobs: JobRepository, notify: JobSubscriber) -> None:
        self._jobs = jobs
        self._notify = notify
        self._moved = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def moved(self) -> None:
        """A job left the queue: those behind it moved up."""
        self._moved.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._announce_when_moved(), name="postready-positions")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _announce_when_moved(self) -> None:
        while True:
            await self._moved.wait()
            self._moved.clear()
            try:
                await self.tell_new_places()
            except Exception:
                log.exception("positions_failed")

    async def tell_new_places(self) -> None:
        """Tell each of the first waiting jobs whose place changed since its chat was told."""
        queued = await self._jobs.queued(POSITIONS_SHOWN)
        for position, job in enumerate(queued, start=1):
            if await self._jobs.show_position(job.id, position):
                await self._notify(JobUpdate(job, position=position))
