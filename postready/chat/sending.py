"""Sending to a chat that may fail: the two kinds of failure an adapter reports (worth another
try, or final), and retrying the first kind with backoff for a bounded time."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
FIRST_DELAY = 0.5  # seconds before the first retry, doubling after each, plus up to this again
MAX_DELAY = 15.0


class SendError(Exception):
    """The chat did not take a message."""


class TransientSendError(SendError):
    """Worth another try: the chat's server failed (5xx), timed out, could not be reached, or
    asked us to slow down (`retry_after` seconds)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentSendError(SendError):
    """Final: the chat refused the message itself (a 4xx other than 429 — a file it will not
    take, a chat the bot may no longer write to)."""


async def send_patiently(send: Callable[[], Awaitable[T]], patience: float) -> T:
    """`send()`, tried again after each TransientSendError unless the next try would start
    `patience` seconds or more after the first: after the delay the chat asked for, else after
    a backoff that doubles, with jitter. Raises the last TransientSendError when time is up, and
    any other error at once."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience
    for attempt in itertools.count():
        try:
            return await send()
        except TransientSendError as exc:
            delay = exc.retry_after
            if delay is None:
                delay = min(MAX_DELAY, FIRST_DELAY * 2**attempt) + random.uniform(0, FIRST_DELAY)
            if loop.time() + delay >= deadline:
                raise
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")
