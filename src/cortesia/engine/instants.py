"""Reading instants from callers: ISO 8601 with an offset, always."""

from __future__ import annotations

from datetime import UTC, datetime

from cortesia.errors import ValidationError


def parse_instant(value: object, field: str) -> datetime:
    """An aware UTC datetime from a datetime or ISO 8601 text with offset.

    >>> parse_instant("2026-03-01T10:00:00+01:00", "at").isoformat()
    '2026-03-01T09:00:00+00:00'
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(field, value, "not an ISO 8601 instant") from None
    else:
        raise ValidationError(field, value, "not an ISO 8601 instant")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(field, value, "instant needs a UTC offset, e.g. +00:00 or Z")
    return moment.astimezone(UTC)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 text with offset, or None."""
    return None if moment is None else moment.isoformat()


def parse_wall_instant(value: object, field: str) -> datetime:
    """Like ``parse_instant`` but keeps the offset written, which tells the local time meant.

    >>> parse_wall_instant("2026-11-23T10:00:00-05:00", "at").isoformat()
    '2026-11-23T10:00:00-05:00'
    """
    parse_instant(value, field)
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).strip())


def parse_day_or_instant(value: object, field: str) -> datetime:
    """A report bound: a date (``2026-03-01``, midnight UTC) or an instant with offset.

    >>> parse_day_or_instant("2026-03-01", "from").isoformat()
    '2026-03-01T00:00:00+00:00'
    """
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return datetime.fromisoformat(value.strip()).replace(tzinfo=UTC)
        except ValueError:
            raise ValidationError(field, value, "not a date (YYYY-MM-DD) or an instant") from None
    return parse_instant(value, field)
