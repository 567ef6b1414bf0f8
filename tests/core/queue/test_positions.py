"""Waiting jobs told their new places: once each, whichever of several processes sees the
queue move (on both engines)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from postready.core.queue import QueueService
from postready.core.queue.positions import QueuePositions
from postready.core.queue.updates import JobUpdate
from postready.core.storage import Storage
from tests.core.queue.test_queue import request, settings_for, user


async def test_each_new_place_is_told_once_by_one_of_the_processes(
    store: Storage, database: Path | str, clock, tmp_path: Path
) -> None:
    queue = QueueService(store, settings_for(tmp_path), workers=False)
    await queue.open()
    try:
        jobs = [
            (await queue.api.submit(await user(store, str(n)), request())).job for n in range(4)
        ]
    finally:
        await queue.stop()
    told: list[tuple[int, int]] = []

    async def tell(update: JobUpdate) -> None:
        assert update.position is not None
        told.append((update.job.id, update.position))

    async with await Storage.open(database, clock) as elsewhere:
        here, there = QueuePositions(store.jobs, tell), QueuePositions(elsewhere.jobs, tell)
        await here.tell_new_places()
        assert told == []  # each chat saw its place when its photo was queued

        await store.jobs.request_cancel(jobs[0].id)
        await gather_both(here, there)
        assert sorted(told) == [(jobs[1].id, 1), (jobs[2].id, 2), (jobs[3].id, 3)]

        told.clear()
        await store.jobs.request_cancel(jobs[2].id)
        await gather_both(here, there)
        assert told == [(jobs[3].id, 2)]  # the first did not move; the third left


async def gather_both(here: QueuePositions, there: QueuePositions) -> None:
    await asyncio.gather(here.tell_new_places(), there.tell_new_places())
