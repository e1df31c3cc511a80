"""What every rule carries: its identity and law, the contacts it covers, and its exemptions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from cortesia.domain.vocabulary import ALL_PURPOSES, MARKETING, Channel, purpose_covers


class Confidence(StrEnum):
    """How sure the research behind a rule is (see the pack's sources)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    UNVERIFIED = "unverified"


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """A rule's identity, its legal source and when it is in force.

    Rules below high confidence need counsel's review: they are applied only when the
    workspace enables rules under review.
    """

    rule_id: str
    title: str
    citation: str
    confidence: Confidence
    url: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    note: str | None = None

    @property
    def needs_review(self) -> bool:
        return self.confidence is not Confidence.HIGH

    def in_force(self, day: date) -> bool:
        """True on ``day`` when the rule has started and not yet ended (end exclusive)."""
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day < self.effective_to


@dataclass(frozen=True, slots=True)
class Scope:
    """Which contacts a rule speaks for: channels, purposes, subdivisions and sectors.

    Empty ``subdivisions`` means the whole country; empty ``sectors`` every sector. A company
    whose sector is unknown is bound by every sector's rules.

    >>> scope = Scope(frozenset({Channel.VOICE}), frozenset({"marketing"}))
    >>> scope.covers(Channel.VOICE, "data_pack_offers", "US-FL", None)
    True
    >>> scope.covers(Channel.VOICE, "service", None, None)
    False
    """

    channels: frozenset[Channel]
    purposes: frozenset[str] = frozenset({MARKETING})
    subdivisions: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()

    def covers(
        self, channel: Channel, purpose: str, subdivision: str | None, sector: str | None
    ) -> bool:
        if Channel.ALL not in self.channels and channel not in self.channels:
            return False
        if not any(purpose_covers(scope, purpose) for scope in self.purposes):
            return False
        if self.subdivisions and subdivision not in self.subdivisions:
            return False
        # A company that has not said its sector is bound by every sector's rules.
        return not self.sectors or sector is None or sector in self.sectors

    @property
    def all_purposes(self) -> bool:
        return ALL_PURPOSES in self.purposes


class ExemptionKind(StrEnum):
    """Ways a rule can be waived for one customer."""

    CONSENT = "consent"  # the customer opted in to this channel and purpose
    RELATIONSHIP = "relationship"  # an existing customer relationship, within its limits
    INBOUND = "inbound"  # the customer asked for this contact (inbound direction)


@dataclass(frozen=True, slots=True)
class Exemption:
    """One way to waive a rule, with its limits.

    A relationship exemption holds when any of its limits holds: a purchase within
    ``purchase_within_months``, an inquiry within ``inquiry_within_months``, an active
    contract (``active_contract``), or any interaction within ``interaction_within_months``.
    ``same_product`` further requires the action's group to be the contract's product.
    """

    kind: ExemptionKind
    purchase_within_months: int | None = None
    inquiry_within_months: int | None = None
    interaction_within_months: int | None = None
    active_contract: bool = False
    same_product: bool = False
    citation: str | None = None


# Customer attributes the exemptions read (documented in docs/contact-policy.md).
LAST_PURCHASE = "last_purchase_on"
LAST_INQUIRY = "last_inquiry_on"
LAST_INTERACTION = "last_interaction_on"
CONTRACT_ACTIVE = "contract_active"
CONTRACT_PRODUCT = "contract_product"


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (clamped to the month's end).

    >>> months_before(date(2026, 3, 31), 1)
    datetime.date(2026, 2, 28)
    >>> months_before(date(2026, 11, 24), 18)
    datetime.date(2025, 5, 24)
    """
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"no day in {year}-{month + 1}")  # unreachable: every month has 28 days


def attribute_date(attributes: Mapping[str, object], name: str) -> date | None:
    """A date attribute, accepting a date, a datetime or an ISO string."""
    value = attributes.get(name)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None
