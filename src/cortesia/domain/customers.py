"""Customers: identity, where they live, how to reach them, and what we know.

Contact points are stored normalised (phones in E.164, e-mail lower-cased
domain); normalising them needs ``phonenumbers`` and ``email-validator`` and so
happens in ``engine.customer_intake``, not here.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

AttributeValue = str | float | bool | date


class AttributeType(StrEnum):
    """The types a customer attribute may have."""

    STRING = "string"
    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Customer:
    """One customer as the workspace holds it."""

    customer_id: str
    country: str
    time_zone: str
    subdivision: str | None = None
    time_zone_candidates: tuple[str, ...] = ()
    language: str | None = None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    push_ids: tuple[str, ...] = ()
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)

    def contact_points(self) -> list[str]:
        """Every phone, e-mail and push id, normalised."""
        return [*self.phones, *self.emails, *self.push_ids]


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """How many customers an upsert created and how many it replaced."""

    created: int
    updated: int


def contact_point_digest(salt: bytes, contact_point: str) -> str:
    """Salted digest of a normalised contact point, as the suppression list keeps it.

    E-mail addresses are compared without case: ``Ana@X.es`` and ``ana@x.es`` are one person
    for the suppression list, even though mail servers may treat local parts apart.

    >>> contact_point_digest(b"s", "Ana@X.es") == contact_point_digest(b"s", "ana@x.es")
    True
    >>> one = contact_point_digest(b"salt", "+34600000000")
    >>> one == contact_point_digest(b"salt", "+34600000000")
    True
    >>> one == contact_point_digest(b"other salt", "+34600000000")
    False
    """
    key = contact_point.lower() if "@" in contact_point else contact_point
    return hmac.new(salt, key.encode(), hashlib.sha256).hexdigest()
