"""Waiting in async tests for something to happen, never for a fixed time: the limit only
matters when it does not happen, so it is generous enough for a loaded machine."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

PATIENCE = 60.0  # seconds


async def until(
    condition: Callable[[], object | Awaitable[object]], timeout: float = PATIENCE
) -> None:
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
