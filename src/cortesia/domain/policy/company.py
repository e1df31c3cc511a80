"""The company's own contact policy: caps, cool-offs and windows on top of the law.

It can only deny what the law and the customer allow, never allow what they deny.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from cortesia.domain.policy.counting import CapSpec
from cortesia.domain.policy.hours import WeeklyHours
from cortesia.domain.policy.rules import attribute_date
from cortesia.domain.vocabulary import Channel, purpose_covers


@dataclass(frozen=True, slots=True)
class Condition:
    """A customer attribute test: value in ``values``, a date within ``within_days``, or a flag."""

    attribute: str
    values: frozenset[str] = frozenset()
    within_days: int | None = None
    flag: bool | None = None

    def holds(self, attributes: Mapping[str, object], today: date) -> bool:
        value = attributes.get(self.attribute)
        if self.flag is not None:
            return value is self.flag
        if self.within_days is not None:
            seen = attribute_date(attributes, self.attribute)
            return seen is not None and today - timedelta(days=self.within_days) <= seen <= today
        return value is not None and str(value) in self.values

    def describe(self) -> str:
        if self.flag is not None:
            return f"{self.attribute} is {str(self.flag).lower()}"
        if self.within_days is not None:
            return f"{self.attribute} within the last {self.within_days} days"
        return f"{self.attribute} in {', '.join(sorted(self.values))}"


@dataclass(frozen=True, slots=True)
class Cap:
    rule_id: str
    spec: CapSpec
    when: Condition | None = None


class CoolOffAfter(StrEnum):
    CONTACT = "contact"
    REJECTION = "rejection"
    OPT_OUT = "opt_out"  # an opt-out of another topic


class Sameness(StrEnum):
    ACTION = "action"
    ACTION_GROUP = "action_group"
    CHANNEL = "channel"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class CoolOff:
    rule_id: str
    after: CoolOffAfter
    duration: timedelta
    same: Sameness
    channels: frozenset[Channel]
    purposes: frozenset[str]


@dataclass(frozen=True, slots=True)
class ActionWindow:
    """Hours in which matching actions may be sent (e.g. video offers 18:00–22:00 weekdays)."""

    rule_id: str
    hours: WeeklyHours
    action_groups: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    purposes: frozenset[str] = frozenset()
    channels: frozenset[Channel] = frozenset({Channel.ALL})

    def covers(
        self, channel: Channel, purpose: str, group: str | None, category: str | None
    ) -> bool:
        if Channel.ALL not in self.channels and channel not in self.channels:
            return False
        if self.action_groups and group not in self.action_groups:
            return False
        if self.categories and category not in self.categories:
            return False
        return not self.purposes or any(purpose_covers(p, purpose) for p in self.purposes)


@dataclass(frozen=True, slots=True)
class CompanyPolicy:
    """A version of the company policy."""

    name: str
    version: str = "default"
    digest: str | None = None
    sector: str | None = None
    unknown_consent_allowed: bool = False
    apply_needs_review: bool = False
    reservation_minutes: int = 15
    caps: tuple[Cap, ...] = ()
    cool_offs: tuple[CoolOff, ...] = ()
    windows: tuple[ActionWindow, ...] = ()


DEFAULT_POLICY = CompanyPolicy(name="default (no company caps)")
