"""Daily quotas count from the user's own midnight: when their day started, and when the next
one starts."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


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
