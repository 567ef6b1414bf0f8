"""Sending to a chat that may fail: the two kinds of failure an adapter reports (worth another
try, or final), and retrying the first kind with backoff for a bounded time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_before_delay
from tenacity.wait import wait_exponential_jitter

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
    """`send()`, tried again after each TransientSendError until `patience` seconds would be
    over: after the delay the chat asked for, else after a backoff that doubles. Raises the last
    TransientSendError when time is up, and any other error at once."""
    backoff = wait_exponential_jitter(initial=FIRST_DELAY, max=MAX_DELAY, jitter=FIRST_DELAY)

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, TransientSendError) and error.retry_after is not None:
            return error.retry_after
        return backoff(state)

    retrying = AsyncRetrying(
        retry=retry_if_exception_type(TransientSendError),
        wait=wait,
        stop=stop_before_delay(patience),
        reraise=True,
    )
    return await retrying(send)
