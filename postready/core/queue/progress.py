"""A running job's progress: every event stored, the chat told at a bearable rate."""

from __future__ import annotations

import asyncio
import logging
import math

from postready.core.queue.updates import JobSubscriber, JobUpdate
from postready.core.storage.models import Job
from postready.core.storage.repositories import JobRepository
from postready.pipeline.models import ProgressEvent

log = logging.getLogger(__name__)


class ProgressRelay:
    """Stores every progress event of a job and pushes them to the subscriber throttled: at
    most one per `interval`, the first and the last (done == total) at once, and the newest
    event in place of any it superseded while waiting."""

    def __init__(
        self, job: Job, jobs: JobRepository, notify: JobSubscriber, interval: float
    ) -> None:
        self._job = job
        self._jobs = jobs
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
                await self._jobs.add_progress(self._job.id, event)
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
