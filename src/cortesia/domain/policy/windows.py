"""Frequency windows with exact edges, in the customer's own calendar.

Semantics, written once and used by every cap (legal or company):

- ``calendar_day``, ``calendar_week`` (ISO, Monday 00:00) and ``calendar_month`` run from
  local midnight to local midnight in the customer's zone, so a day that loses an hour to
  daylight saving is 23 hours long. A contact counts in the window that holds its instant,
  including contacts already planned for later in the same window.
- ``rolling`` windows are a span of elapsed time (``rolling_24h``, ``rolling_7d`` = 168 h,
  whatever the clocks do). "At most K in any rolling N" is checked for every window of
  length N that would hold the new contact — periods ``(x - N, x]`` — before and after
  it, so a contact planned for tomorrow counts against one planned today, and a contact
  exactly N earlier no longer counts.

Bounds are half-open ``[start, end)``.

>>> from zoneinfo import ZoneInfo
>>> from datetime import UTC
>>> day = Window.parse("calendar_day", "window")
>>> start, end = day.bounds(datetime(2026, 3, 8, 12, tzinfo=UTC), ZoneInfo("America/New_York"))
>>> (end - start).total_seconds() / 3600   # the spring-forward day has 23 hours
23.0
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from cortesia.errors import ValidationError

_ROLLING = re.compile(r"^rolling_(\d{1,4})([hd])$")


class WindowKind(StrEnum):
    CALENDAR_DAY = "calendar_day"
    CALENDAR_WEEK = "calendar_week"
    CALENDAR_MONTH = "calendar_month"
    ROLLING = "rolling"


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    # fold=0 on a skipped midnight gives the offset before the jump: the jump's own instant.
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Window:
    """A counting window: a calendar period or a rolling span of ``hours``."""

    kind: WindowKind
    hours: int = 0

    @classmethod
    def parse(cls, text: str, field: str) -> Window:
        """``calendar_day|calendar_week|calendar_month`` or ``rolling_<N>h|rolling_<N>d``."""
        value = text.strip().lower()
        for kind in (WindowKind.CALENDAR_DAY, WindowKind.CALENDAR_WEEK, WindowKind.CALENDAR_MONTH):
            if value == kind.value:
                return cls(kind)
        match = _ROLLING.match(value)
        if match is None or int(match.group(1)) == 0:
            raise ValidationError(
                field,
                text,
                "use calendar_day, calendar_week, calendar_month, rolling_<N>h or rolling_<N>d",
            )
        count = int(match.group(1))
        return cls(WindowKind.ROLLING, count * 24 if match.group(2) == "d" else count)

    def describe(self) -> str:
        if self.kind is WindowKind.ROLLING:
            if self.hours <= 48 or self.hours % 24:
                return f"any {self.hours} hours"
            return f"any {self.hours // 24} days"
        return {
            WindowKind.CALENDAR_DAY: "calendar day",
            WindowKind.CALENDAR_WEEK: "calendar week (Mon–Sun)",
            WindowKind.CALENDAR_MONTH: "calendar month",
        }[self.kind]

    def phrase(self) -> str:
        """``in the calendar day`` / ``in any 24 hours``, for reasons."""
        text = self.describe()
        return f"in {text}" if self.kind is WindowKind.ROLLING else f"in the {text}"

    def bounds(self, at: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The calendar window holding ``at`` (UTC bounds); for rolling, ``(at-N, at+N)``."""
        return _bounds(self, at, zone)

    def _bounds(self, at: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
        if self.kind is WindowKind.ROLLING:
            span = timedelta(hours=self.hours)
            return at - span, at + span
        local = at.astimezone(zone).date()
        if self.kind is WindowKind.CALENDAR_DAY:
            first, last = local, local + timedelta(days=1)
        elif self.kind is WindowKind.CALENDAR_WEEK:
            first = local - timedelta(days=local.weekday())
            last = first + timedelta(days=7)
        else:
            first = local.replace(day=1)
            last = (first + timedelta(days=32)).replace(day=1)
        return _local_midnight(first, zone), _local_midnight(last, zone)

    def horizon(self) -> timedelta:
        """How far back history must reach to evaluate this window."""
        return {
            WindowKind.CALENDAR_DAY: timedelta(days=2),
            WindowKind.CALENDAR_WEEK: timedelta(days=8),
            WindowKind.CALENDAR_MONTH: timedelta(days=32),
            WindowKind.ROLLING: timedelta(hours=self.hours),
        }[self.kind]

    def busiest(self, times: Sequence[float], at: datetime, zone: ZoneInfo) -> int:
        """Most earlier contacts (epoch seconds, sorted) sharing one window with ``at``."""
        start, end = self.bounds(at, zone)
        lo, hi = start.timestamp(), end.timestamp()
        if self.kind is not WindowKind.ROLLING:
            return bisect_left(times, hi) - bisect_left(times, lo)
        return _busiest_rolling(times, at.timestamp(), self.hours * 3600.0)


@lru_cache(maxsize=8192)
def _bounds(window: Window, at: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    # Many caps of many customers ask for the same window of the same instant and zone.
    return window._bounds(at, zone)


def _busiest_rolling(times: Sequence[float], t: float, span: float) -> int:
    """Max over the periods ``(x - span, x]`` that hold ``t`` of the contacts inside them.

    The count only rises when ``x`` reaches a contact, so the periods worth trying end at
    ``t`` or at a contact in ``(t, t + span)``.
    """
    ends = [t, *times[bisect_right(times, t) : bisect_left(times, t + span)]]
    return max(bisect_right(times, x) - bisect_right(times, x - span) for x in ends)
