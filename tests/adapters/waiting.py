"""Waiting, in adapter tests, for what a user would see."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

import pytest

from postready.core.queue import worker


async def until(condition: Callable[[], object | Awaitable[object]], timeout: float = 20.0) -> None:
    """Wait until `condition()` (or what it returns, when that is awaitable) is true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        met = condition()
        if inspect.isawaitable(met):
            met = await met
        if met:
            return
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.05)


def hold_jobs(monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """Jobs start but wait before their pipeline runs, until the returned event is set."""
    go = asyncio.Event()
    optimize = worker.run_optimization

    async def held(*args, **kwargs):
        await go.wait()
        return await optimize(*args, **kwargs)

    monkeypatch.setattr(worker, "run_optimization", held)
    return go
