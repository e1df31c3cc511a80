"""Customer preferences: channels, hours, their own frequency caps and topics.

A ``preference`` event carries ``values``; for each channel scope the newest
value of each key wins. Keys and their shapes:

- ``preferred_channels``: list of channels, most preferred first
- ``allowed_hours``: ``"HH:MM-HH:MM"`` in the customer's local time (may wrap midnight)
- ``max_per_week`` / ``max_per_month``: whole numbers ≥ 0
- ``topics_of_interest``: list of topics
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from cortesia.domain.consent import ConsentEvent
from cortesia.domain.vocabulary import Channel, ConsentKind, parse_channel, parse_purpose
from cortesia.errors import ValidationError

PREFERENCE_KEYS = (
    "preferred_channels",
    "allowed_hours",
    "max_per_week",
    "max_per_month",
    "topics_of_interest",
)
_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


def _string_list(key: str, value: object) -> list[str]:
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"values.{key}", value, "must be a list of names")
    return [v.strip() for v in value]


def _check_one(key: str, value: object) -> object:
    if key == "preferred_channels":
        return [parse_channel(v, f"values.{key}").value for v in _string_list(key, value)]
    if key == "topics_of_interest":
        return [parse_purpose(v, f"values.{key}") for v in _string_list(key, value)]
    if key == "allowed_hours":
        if not isinstance(value, str) or not _HOURS.match(value):
            raise ValidationError(f"values.{key}", value, "must be HH:MM-HH:MM local time")
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(f"values.{key}", value, "must be a whole number ≥ 0")
    return value


def validate_preference_values(values: Mapping[str, object]) -> dict[str, object]:
    """Return normalised preference values, or raise naming the bad key."""
    if not values:
        raise ValidationError("values", values, "a preference event needs at least one value")
    checked: dict[str, object] = {}
    for key, value in values.items():
        if key not in PREFERENCE_KEYS:
            raise ValidationError(
                f"values.{key}", value, f"unknown preference; use {', '.join(PREFERENCE_KEYS)}"
            )
        checked[key] = _check_one(key, value)
    return checked


def preferences_at(
    events: Iterable[ConsentEvent], at: datetime
) -> dict[Channel, dict[str, object]]:
    """Newest value of each preference key per channel scope, as of ``at``."""
    merged: dict[Channel, dict[str, object]] = {}
    chosen = sorted(
        (e for e in events if e.kind is ConsentKind.PREFERENCE and e.occurred_at <= at),
        key=lambda e: (e.occurred_at, e.seq),
    )
    for event in chosen:
        merged.setdefault(event.channel, {}).update(event.values)
    return merged
