"""Public holidays per country and region, from the ``holidays`` library, cached per year."""

from __future__ import annotations

import threading
from datetime import date

import holidays

from cortesia.errors import ValidationError


class HolidayBook:
    """``(country, subdivision, day) -> holiday name or None``; ``subdivision`` is ISO 3166-2.

    Regional calendars add the region's own holidays to the national ones (Spain's
    autonomous communities, Australian states…). A region the library does not know
    falls back to the national calendar.

    >>> book = HolidayBook()
    >>> book("CO", None, date(2026, 12, 8))
    'Immaculate Conception'
    >>> book("ES", "ES-MD", date(2026, 5, 2)) is not None, book("ES", None, date(2026, 5, 2))
    (True, None)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._years: dict[tuple[str, str | None, int], dict[date, str]] = {}

    def __call__(self, country: str, subdivision: str | None, day: date) -> str | None:
        key = (country, subdivision, day.year)
        table = self._years.get(key)
        if table is None:
            table = self._load(country, subdivision, day.year)
        return table.get(day)

    def _load(self, country: str, subdivision: str | None, year: int) -> dict[date, str]:
        region = subdivision.split("-", 1)[1] if subdivision and "-" in subdivision else None
        try:
            # Names in English whatever the machine's language, so reasons read the same.
            found = holidays.country_holidays(country, subdiv=region, years=year, language="en_US")
        except NotImplementedError:
            if region is None:
                raise ValidationError("country", country, "no holiday calendar for it") from None
            # A region unknown to the library: its national days only.
            table = self._load(country, None, year)
            with self._lock:
                self._years[(country, subdivision, year)] = table
            return table
        table = {day: str(name) for day, name in found.items()}
        with self._lock:
            self._years[(country, subdivision, year)] = table
        return table
