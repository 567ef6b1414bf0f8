"""Holding jobs, in adapter tests, while a test looks at what a user sees of the queue."""

from __future__ import annotations

import asyncio

import pytest

from postready.core.queue import worker


def hold_jobs(monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """Jobs start but wait before their pipeline runs, until the returned event is set."""
    go = asyncio.Event()
    optimize = worker.run_optimization

    async def held(*args, **kwargs):
        await go.wait()
        return await optimize(*args, **kwargs)

    monkeypatch.setattr(worker, "run_optimization", held)
    return go
