"""What the queue tells the rest of the process about a job: progress, a new place in the
queue, or its end."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from postready.core.storage.models import Job
from postready.pipeline.models import OptimizeResult, ProgressEvent


@dataclass(frozen=True, slots=True)
class JobUpdate:
    """What a subscriber (a chat frontend) hears about a job: progress, or its end."""

    job: Job
    progress: ProgressEvent | None = None
    result: OptimizeResult | None = None  # when the job completed
    position: int | None = None  # its new place in the queue, when it moved up


JobSubscriber = Callable[[JobUpdate], Awaitable[None]]
