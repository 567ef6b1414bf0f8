"""Daily quotas count from the user's own midnight: when their day started, and when the next
one starts. Jobs are counted as they are queued (the job repository); paid calls (AI calls,
image API renders) as a job makes them, through a `DailyUsageGate`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from postready.core.access import AccessRules
from postready.core.config.settings import Settings
from postready.core.errors import QuotaExceeded
from postready.core.storage.models import Job
from postready.core.storage.repositories import UsageRepository
from postready.pipeline.marking import Marked, Plural
from postready.pipeline.providers.base import QuotaUsedUp, UsageKind


def usage_allowance(kind: UsageKind, count: int) -> Plural:
    """A day's quota of paid calls of `kind`, as a field of a marked text: "20 AI calls"."""
    if kind == "ai_call":
        return Plural("{count} AI call", "{count} AI calls", count)
    return Plural("{count} image render", "{count} image renders", count)


def _zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def day_start(now: float, timezone: str) -> datetime:
    """The start of the day `now` (Unix seconds) falls in, in `timezone` (UTC if unknown)."""
    local = datetime.fromtimestamp(now, _zone(timezone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def next_day(now: float, timezone: str) -> datetime:
    """When the next day starts in `timezone`: a daily quota's reset."""
    # Aware datetimes add in wall time: the next midnight, whatever the DST shift.
    return day_start(now, timezone) + timedelta(days=1)


def quota_exceeded(allowance: Plural, now: float, timezone: str) -> QuotaExceeded:
    """The error for a day's `allowance` ("20 AI calls") used up: which quota, and when it
    resets in the user's time."""
    local_now = datetime.fromtimestamp(now, _zone(timezone))
    return QuotaExceeded(allowance, next_day(now, timezone), local_now)


@dataclass(frozen=True, slots=True)
class DailyUsageGate:
    """One job's `UsageGate`: each paid call is counted against its user's quota of that kind
    for their day (`limits`: None is unlimited, an admin's)."""

    usage: UsageRepository
    user_id: int
    session_id: str
    timezone: str
    limits: Mapping[UsageKind, int | None]

    async def take(self, kind: UsageKind) -> None:
        try:
            await self.usage.take(
                self.user_id, self.session_id, kind, self.limits[kind], self.timezone
            )
        except QuotaExceeded as exc:
            raise QuotaUsedUp(exc.message, Marked(exc.template, exc.fields)) from exc


def job_usage_gate(
    usage: UsageRepository | None, job: Job, settings: Settings
) -> DailyUsageGate | None:
    """The daily quotas of paid calls of the job's user (a job's run, or a rework of its posts
    in a chat); admins have none. None without a usage repository: no daily quotas."""
    if usage is None:
        return None
    limits = settings.limits
    admin = AccessRules.from_settings(settings.access).is_admin(job.session.user)
    return DailyUsageGate(
        usage,
        job.session.user_id,
        job.session.id,
        str(job.session.options.get("timezone") or "UTC"),
        {
            "ai_call": None if admin else limits.ai_calls_per_day,
            "image_render": None if admin else limits.image_renders_per_day,
        },
    )
