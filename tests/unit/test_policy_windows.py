"""Frequency windows and contact hours: exact edges, daylight saving, rolling spans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cortesia.domain.policy.hours import WeeklyHours, parse_range
from cortesia.domain.policy.windows import Window, WindowKind
from cortesia.errors import ValidationError

NY = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")


def _ts(moments: list[datetime]) -> list[float]:
    return sorted(m.timestamp() for m in moments)


def test_a_calendar_day_runs_from_local_midnight_to_local_midnight() -> None:
    at = datetime(2026, 11, 24, 3, tzinfo=UTC)  # 22:00 on the 23rd in New York
    start, end = Window.parse("calendar_day", "w").bounds(at, NY)
    assert start == datetime(2026, 11, 23, 5, tzinfo=UTC)
    assert end == datetime(2026, 11, 24, 5, tzinfo=UTC)


def test_the_fall_back_day_has_25_hours_and_the_spring_forward_day_23_in_sydney() -> None:
    day = Window(WindowKind.CALENDAR_DAY)
    spring = day.bounds(datetime(2026, 10, 4, 1, tzinfo=UTC), SYDNEY)
    autumn = day.bounds(datetime(2026, 4, 5, 1, tzinfo=UTC), SYDNEY)
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)


def test_a_calendar_week_starts_on_monday_and_a_month_on_the_first() -> None:
    at = datetime(2026, 11, 26, 12, tzinfo=UTC)  # Thursday
    week = Window.parse("calendar_week", "w").bounds(at, NY)
    month = Window.parse("calendar_month", "w").bounds(at, NY)
    assert week[0].astimezone(NY).date().isoformat() == "2026-11-23"
    assert week[1].astimezone(NY).date().isoformat() == "2026-11-30"
    assert month[0].astimezone(NY).date().isoformat() == "2026-11-01"
    assert month[1].astimezone(NY).date().isoformat() == "2026-12-01"


def test_a_contact_at_the_next_local_midnight_falls_in_the_next_day() -> None:
    day = Window(WindowKind.CALENDAR_DAY)
    at = datetime(2026, 11, 24, 15, tzinfo=UTC)
    midnight = datetime(2026, 11, 25, 5, tzinfo=UTC)
    just_before = midnight - timedelta(microseconds=1)
    assert day.busiest(_ts([midnight]), at, NY) == 0
    assert day.busiest(_ts([just_before]), at, NY) == 1


def test_a_rolling_window_counts_contacts_planned_after_the_new_one_too() -> None:
    window = Window.parse("rolling_24h", "w")
    at = datetime(2026, 11, 24, 12, tzinfo=UTC)
    later = [at + timedelta(hours=h) for h in (1, 2)]
    earlier = [at - timedelta(hours=23)]
    assert window.busiest(_ts(later + earlier), at, NY) == 2  # no 24 h window holds all three
    assert window.busiest(_ts([*later, at - timedelta(hours=20)]), at, NY) == 3


def test_a_contact_exactly_one_span_earlier_shares_no_window() -> None:
    window = Window.parse("rolling_24h", "w")
    at = datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert window.busiest(_ts([at - timedelta(hours=24)]), at, NY) == 0
    assert window.busiest(_ts([at - timedelta(hours=24) + timedelta(seconds=1)]), at, NY) == 1


@settings(max_examples=80, deadline=None)
@given(
    minutes=st.lists(st.integers(min_value=-100 * 60, max_value=100 * 60), max_size=10),
    hours=st.integers(min_value=1, max_value=72),
)
def test_rolling_busiest_matches_a_brute_force_scan(minutes: list[int], hours: int) -> None:
    at = datetime(2026, 6, 1, tzinfo=UTC)
    times = sorted(at.timestamp() + 60 * m for m in minutes)
    span, t = hours * 3600, int(at.timestamp())
    # Every period (x - span, x] that holds t; all instants are whole minutes, so are the ends.
    brute = max(sum(1 for y in times if x - span < y <= x) for x in range(t, t + span, 60))
    assert Window(WindowKind.ROLLING, hours).busiest(times, at, NY) == brute


def test_window_names_are_checked_with_the_field_in_the_error() -> None:
    with pytest.raises(ValidationError) as caught:
        Window.parse("fortnightly", "cap.window")
    assert caught.value.problem.field == "cap.window"
    assert Window.parse("rolling_7d", "w").hours == 168


def test_hours_are_half_open_and_may_wrap_midnight() -> None:
    hours = WeeklyHours.parse(
        {"mon-fri": "09:00-21:00", "sat": ["10:00-15:00", "16:00-21:00"]}, "h"
    )
    assert hours.open_at(0, 9 * 3600) and not hours.open_at(0, 21 * 3600)
    assert not hours.open_at(5, 15 * 3600 + 30 * 60) and hours.open_at(5, 16 * 3600)
    assert not hours.open_at(6, 12 * 3600)
    assert parse_range("22:00-06:00", "h") == ((79200, 86400), (0, 21600))


@pytest.mark.parametrize("text", ["9-21", "25:00-26:00", "10:00-10:00", "10:00-24:30"])
def test_bad_hour_ranges_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_range(text, "hours.mon")


def test_bad_day_names_are_refused_naming_the_key() -> None:
    with pytest.raises(ValidationError) as caught:
        WeeklyHours.parse({"fri-mon": "09:00-10:00"}, "rule.hours")
    assert caught.value.problem.field == "rule.hours.fri-mon"
