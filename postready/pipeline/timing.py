"""Best posting times: the platform table's windows (in the audience's local time) as concrete
slots in the user's time zone, DST-correct through `zoneinfo`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.marking import N_
from postready.pipeline.platforms import PlatformSpec

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FULL_DAY = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_HORIZON_DAYS = 15  # two weeks of windows always hold the next three slots


@dataclass(frozen=True, slots=True)
class PostingSlot:
    start: datetime  # aware, in the user's time zone
    end: datetime

    def to_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    @classmethod
    def from_json(cls, data: Mapping[str, str], user: ZoneInfo) -> PostingSlot:
        """The slot back in the user's zone: its ISO strings keep only the UTC offset."""
        return cls(
            datetime.fromisoformat(data["start"]).astimezone(user),
            datetime.fromisoformat(data["end"]).astimezone(user),
        )


@dataclass(frozen=True, slots=True)
class PostingTimes:
    timezone: str  # the user's
    audience_timezone: str  # the zone the table's hours are read in
    weekly: tuple[PostingSlot, ...]  # one week of windows in the user's zone, from now
    next_slots: tuple[PostingSlot, ...]
    source: str

    @property
    def best_days(self) -> tuple[str, ...]:
        days = sorted({slot.start.weekday() for slot in self.weekly})
        return tuple(_FULL_DAY[d] for d in days)

    def to_json(self) -> dict[str, Any]:
        return {
            "timezone": self.timezone,
            "audience_timezone": self.audience_timezone,
            "best_days": list(self.best_days),
            "best_times": [window_label(slot) for slot in _by_weekday(self.weekly)],
            "next_slots": [slot.to_json() for slot in self.next_slots],
            "weekly": [slot.to_json() for slot in self.weekly],
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PostingTimes:
        user = zone(data["timezone"])
        return cls(
            timezone=data["timezone"],
            audience_timezone=data["audience_timezone"],
            weekly=tuple(PostingSlot.from_json(slot, user) for slot in data["weekly"]),
            next_slots=tuple(PostingSlot.from_json(slot, user) for slot in data["next_slots"]),
            source=data["source"],
        )


def zone(name: str) -> ZoneInfo:
    """An IANA time zone, or INVALID_OPTION naming the bad value."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("unknown time zone '{name}'; use an IANA name such as Europe/London or UTC"),
            name=name,
        ) from exc


def posting_times(
    spec: PlatformSpec,
    now: datetime,
    timezone: str = "UTC",
    audience_timezone: str | None = None,
    count: int = 3,
) -> PostingTimes:
    """The platform's windows over the coming days as concrete slots in `timezone`.

    The table's hours are local to the audience; by default the audience shares the user's
    zone. `now` must be aware.
    """
    user, audience = zone(timezone), zone(audience_timezone or timezone)
    start_day = now.astimezone(audience).date() - timedelta(days=1)
    slots = sorted(
        (
            _slot(day, window.start_hour, window.end_hour, audience, user)
            for offset in range(_HORIZON_DAYS)
            for day in [start_day + timedelta(days=offset)]
            for window in spec.posting_windows
            if DAY_NAMES[day.weekday()] in window.days
        ),
        key=lambda slot: slot.start,
    )
    upcoming = [slot for slot in slots if slot.end > now]
    week_end = now + timedelta(days=7)
    return PostingTimes(
        timezone=timezone,
        audience_timezone=audience_timezone or timezone,
        weekly=tuple(slot for slot in upcoming if slot.start < week_end),
        next_slots=tuple(slot for slot in upcoming if slot.start > now)[:count],
        source=spec.posting_source,
    )


def _slot(
    day: date, start_hour: int, end_hour: int, audience: ZoneInfo, user: ZoneInfo
) -> PostingSlot:
    start = _local(day, start_hour, audience)
    end = _local(day, end_hour, audience)
    return PostingSlot(start.astimezone(user), end.astimezone(user))


def _local(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """Wall-clock `hour` on `day` in `tz`; a time skipped by a DST jump moves past the gap."""
    if hour == 24:
        day, hour = day + timedelta(days=1), 0
    naive = datetime.combine(day, time(hour))
    aware = naive.replace(tzinfo=tz)
    # Round-trip through UTC normalises a non-existent wall time (spring forward).
    return aware.astimezone(ZoneInfo("UTC")).astimezone(tz)


def _by_weekday(slots: tuple[PostingSlot, ...]) -> list[PostingSlot]:
    return sorted(slots, key=lambda slot: (slot.start.weekday(), slot.start.time()))


def clock(moment: datetime | time) -> str:
    """ "9 AM", "10:30 AM": the way people say times."""
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes} {'AM' if moment.hour < 12 else 'PM'}"


def window_label(slot: PostingSlot) -> str:
    """ "Tue 9 AM - 1 PM"."""
    return f"{DAY_NAMES[slot.start.weekday()]} {clock(slot.start)} - {clock(slot.end)}"


def slot_label(slot: PostingSlot) -> str:
    """ "Tue 24 Nov 2026, 9 AM - 1 PM GMT"."""
    start = slot.start
    return (
        f"{DAY_NAMES[start.weekday()]} {start.day} {start:%b %Y}, "
        f"{clock(start)} - {clock(slot.end)} {start.tzname()}"
    )
