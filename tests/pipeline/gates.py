"""A user's daily quota of paid calls, as the pipeline sees it: so many left, then refused."""

from __future__ import annotations

from postready.pipeline.providers.base import QuotaUsedUp, UsageKind

USED_UP = "you have used today's 1 AI call; more from 00:00 UTC, in 5 h 0 min"


class CountingGate:
    """`left` calls of any kind, then QuotaUsedUp; `taken` lists what was counted."""

    def __init__(self, left: int) -> None:
        self.left = left
        self.taken: list[UsageKind] = []

    async def take(self, kind: UsageKind) -> None:
        if self.left == 0:
            raise QuotaUsedUp(USED_UP)
        self.left -= 1
        self.taken.append(kind)
