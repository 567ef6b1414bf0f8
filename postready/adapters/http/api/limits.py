"""Requests per minute per API key, counted in this process (a sliding window of one minute):
past the limit a request is answered 429 with the seconds to wait."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

WINDOW = 60.0  # seconds


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_minute = per_minute
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}

    def take(self, key: str) -> int | None:
        """Count a request of `key`'s; None when it may be served, else the whole seconds to
        wait before the next one may."""
        now = self._clock()
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - WINDOW:
            seen.popleft()
        if len(seen) >= self._per_minute:
            return max(1, math.ceil(seen[0] + WINDOW - now))
        seen.append(now)
        return None
