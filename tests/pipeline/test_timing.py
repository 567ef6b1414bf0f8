"""Posting times: the table's windows as concrete slots in the user's zone, across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.timing import posting_times, slot_label

INSTAGRAM = PLATFORMS["instagram"]  # Mon 10-12, Tue 9-13, Wed 10-13, Fri 9-11


def test_next_three_slots_across_the_spring_change_in_london() -> None:
    # Friday 27 March 2026, after the Friday window; the UK moves to BST on Sunday 29 March.
    now = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
    times = posting_times(INSTAGRAM, now, "Europe/London")
    starts = [slot.start for slot in times.next_slots]
    assert [(s.day, s.hour) for s in starts] == [(30, 10), (31, 9), (1, 10)]
    assert all(s.utcoffset() == timedelta(hours=1) for s in starts)
    assert [s.astimezone(UTC).hour for s in starts] == [9, 8, 9]
    assert slot_label(times.next_slots[0]) == "Mon 30 Mar 2026, 10 AM - 12 PM BST"


def test_autumn_change_keeps_wall_clock_hours() -> None:
    # New York leaves DST on Sunday 1 November 2026.
    now = datetime(2026, 10, 29, 20, 0, tzinfo=UTC)  # Thursday afternoon
    times = posting_times(PLATFORMS["x"], now, "America/New_York")  # Tue-Fri 9-12
    friday, tuesday = times.next_slots[0], times.next_slots[1]
    assert [(s.start.day, s.start.hour) for s in (friday, tuesday)] == [(30, 9), (3, 9)]
    assert [s.start.astimezone(UTC).hour for s in (friday, tuesday)] == [13, 14]


def test_audience_zone_is_converted_to_the_users() -> None:
    # Between the US (8 March) and UK (29 March) changes New York is 4 hours behind London.
    between = posting_times(
        INSTAGRAM, datetime(2026, 3, 15, 12, 0, tzinfo=UTC), "Europe/London", "America/New_York"
    )
    monday = between.next_slots[0]
    assert (monday.start.weekday(), monday.start.hour, monday.end.hour) == (0, 14, 16)
    after = posting_times(
        INSTAGRAM, datetime(2026, 4, 5, 12, 0, tzinfo=UTC), "Europe/London", "America/New_York"
    )
    assert after.next_slots[0].start.hour == 15  # both on summer time again: 5 hours
    assert between.to_json()["audience_timezone"] == "America/New_York"


def test_windows_that_cross_midnight_move_days() -> None:
    # Pinterest's evening window (Sat/Sun/Tue/Thu 8-11 PM in New York) is the next morning in Tokyo.
    times = posting_times(
        PLATFORMS["pinterest"], datetime(2026, 6, 1, tzinfo=UTC), "Asia/Tokyo", "America/New_York"
    )
    assert {s.start.hour for s in times.weekly} == {9}
    assert set(times.best_days) == {"Sunday", "Monday", "Wednesday", "Friday"}


def test_a_slot_already_under_way_is_not_next() -> None:
    now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # Tuesday, inside 9-13
    times = posting_times(INSTAGRAM, now, "UTC")
    assert times.weekly[0].start < now < times.weekly[0].end
    assert times.next_slots[0].start > now


def test_unknown_zone_is_a_clear_error() -> None:
    with pytest.raises(PostReadyError) as caught:
        posting_times(INSTAGRAM, datetime.now(UTC), "Mars/Olympus")
    assert caught.value.code == ErrorCode.INVALID_OPTION
    assert "Mars/Olympus" in caught.value.message
