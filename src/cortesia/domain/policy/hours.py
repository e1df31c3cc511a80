"""Weekly contact hours in local time: which minutes of which weekdays are open.

Ranges are half-open, ``[start, end)``: "08:00-15:00" allows 14:59:59 and refuses
15:00:00, which is how the laws read ("hasta las 15:00", "after 8 p.m." refused).
A range whose end is before its start wraps midnight ("22:00-06:00").

>>> hours = WeeklyHours.parse({"mon-fri": "07:00-19:00", "sat": "08:00-15:00"}, "hours")
>>> hours.describe()
'Mon–Fri 07:00–19:00; Sat 08:00–15:00'
>>> hours.open_at(5, 15 * 3600 - 1), hours.open_at(5, 15 * 3600), hours.open_at(6, 36000)
(True, False, False)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from cortesia.errors import ValidationError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
Span = tuple[int, int]  # seconds of the day, [start, end)


def parse_range(text: str, field: str) -> tuple[Span, ...]:
    """One ``HH:MM-HH:MM`` range as spans of seconds (two when it wraps midnight).

    >>> parse_range("22:00-06:00", "hours")
    ((79200, 86400), (0, 21600))
    """
    match = _RANGE.match(text.strip())
    if match is None:
        raise ValidationError(field, text, "must be HH:MM-HH:MM (24-hour local time)")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60
    if end > 86400:
        raise ValidationError(field, text, "ends after 24:00")
    if start == end:
        raise ValidationError(field, text, "is empty: start and end are the same")
    if end < start:
        return ((start, 86400), (0, end))
    return ((start, end),)


def _days(key: str, field: str) -> list[int]:
    days: list[int] = []
    for part in key.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAY_NAMES or (last and last not in DAY_NAMES):
            raise ValidationError(field, key, "days are mon..sun, ranges like mon-fri")
        a, b = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
        if b < a:
            raise ValidationError(field, key, "a day range must run forwards (mon-fri)")
        days.extend(range(a, b + 1))
    return days


def _spans(value: object, field: str) -> tuple[Span, ...]:
    if value == "closed":
        return ()
    texts = [value] if isinstance(value, str) else value
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise ValidationError(field, value, 'must be "HH:MM-HH:MM", a list of them, or "closed"')
    return tuple(span for text in texts for span in parse_range(text, field))


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Open spans per weekday (Monday = 0). A day not given is closed."""

    days: tuple[tuple[Span, ...], ...]

    @classmethod
    def parse(cls, table: Mapping[str, object], field: str) -> WeeklyHours:
        days: list[tuple[Span, ...]] = [()] * 7
        for key, value in table.items():
            for day in _days(key, f"{field}.{key}"):
                days[day] = days[day] + _spans(value, f"{field}.{key}")
        return cls(tuple(days))

    @classmethod
    def every_day(cls, spans: tuple[Span, ...]) -> WeeklyHours:
        return cls((spans,) * 7)

    def open_at(self, weekday: int, second_of_day: int) -> bool:
        return any(start <= second_of_day < end for start, end in self.days[weekday])

    def describe(self) -> str:
        """Human reading, grouping consecutive days with the same hours."""
        return _describe(self.days)


@lru_cache(maxsize=1024)
def _describe(days: tuple[tuple[Span, ...], ...]) -> str:
    parts: list[str] = []
    day = 0
    while day < 7:
        last = day
        while last + 1 < 7 and days[last + 1] == days[day]:
            last += 1
        if days[day]:
            label = _LABELS[day] if last == day else f"{_LABELS[day]}–{_LABELS[last]}"
            parts.append(f"{label} {', '.join(_span_text(s) for s in days[day])}")
        day = last + 1
    return "; ".join(parts) or "closed every day"


def _span_text(span: Span) -> str:
    start, end = span
    return f"{start // 3600:02d}:{start % 3600 // 60:02d}–{end // 3600:02d}:{end % 3600 // 60:02d}"
