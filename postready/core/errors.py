"""The application's errors: codes for what the queue and the chats refuse, beside the
pipeline's own (`pipeline.errors`), and typed errors the storage raises. The words a chat
shows for them live with the chat's texts."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.marking import N_, Plural, photo_count


class AppErrorCode(StrEnum):
    QUEUE_FULL = "QUEUE_FULL"
    TOO_MANY_JOBS = "TOO_MANY_JOBS"
    RATE_LIMITED = "RATE_LIMITED"
    PROCESSING_TIMEOUT = "PROCESSING_TIMEOUT"
    JOB_INTERRUPTED = "JOB_INTERRUPTED"
    JOB_NOT_FOUND = "JOB_NOT_FOUND"
    CANCELLED = "CANCELLED"
    UNKNOWN_COMMAND = "UNKNOWN_COMMAND"
    NOT_ALLOWED = "NOT_ALLOWED"
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
    DISK_FULL = "DISK_FULL"
    DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"


AnyErrorCode = ErrorCode | AppErrorCode


def error_code(value: str) -> AnyErrorCode:
    """The code named `value` (ValueError for a name neither layer knows)."""
    if value in AppErrorCode.__members__:
        return AppErrorCode(value)
    return ErrorCode(value)


LimitKind = Literal["in_flight", "per_hour", "queued"]
_LIMIT_CODES: dict[LimitKind, AppErrorCode] = {
    "in_flight": AppErrorCode.TOO_MANY_JOBS,
    "per_hour": AppErrorCode.RATE_LIMITED,
    "queued": AppErrorCode.QUEUE_FULL,
}
_LIMIT_MESSAGES: dict[LimitKind, str] = {
    "in_flight": N_("you already have {photos} in progress; wait for one to finish"),
    "per_hour": N_(
        "you have sent {photos} in the last hour, the most allowed; please try again later"
    ),
    "queued": N_("PostReady is very busy right now; please try again soon"),
}


class QueueLimitExceeded(PostReadyError):
    """A job refused at submission: `kind` of limit, reached with `count` jobs."""

    def __init__(self, kind: LimitKind, count: int) -> None:
        super().__init__(_LIMIT_CODES[kind], _LIMIT_MESSAGES[kind], photos=photo_count(count))
        self.kind: LimitKind = kind
        self.count = count


class QuotaExceeded(PostReadyError):
    """A daily quota used up: `allowance` a day (a count of what: "20 AI calls"), again from
    `resets` (the user's time)."""

    def __init__(self, allowance: Plural, resets: datetime, now: datetime) -> None:
        wait = max(timedelta(), resets - now)
        hours, minutes = divmod(round(wait.total_seconds() / 60), 60)
        zone = getattr(resets.tzinfo, "key", None) or resets.tzname()
        message = N_(
            "you have used today's {allowance}; more from {time:%H:%M} {zone}, "
            "in {hours} h {minutes} min"
        )
        super().__init__(
            AppErrorCode.QUOTA_EXCEEDED,
            message,
            allowance=allowance,
            time=resets,
            zone=zone,
            hours=hours,
            minutes=minutes,
        )
        self.limit, self.resets = allowance.count, resets


class JobNotFound(PostReadyError):
    """No such job for this user, or (`ended`) it has ended and cannot be changed."""

    def __init__(self, job_id: int | None, ended: bool = False) -> None:
        if job_id is None:
            super().__init__(AppErrorCode.JOB_NOT_FOUND, N_("you have no photo in progress"))
        elif ended:
            message = N_("job #{id} has already ended")
            super().__init__(AppErrorCode.JOB_NOT_FOUND, message, id=job_id)
        else:
            super().__init__(AppErrorCode.JOB_NOT_FOUND, N_("there is no job #{id}"), id=job_id)
        self.job_id = job_id
        self.ended = ended
