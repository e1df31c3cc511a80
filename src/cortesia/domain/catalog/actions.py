"""The actions of the catalog: what may be offered, on which channels, for what value.

An action is what a marketer designs once (a data pack, a retention discount, a bill
notice) and the decision offers to many customers: its texts in Spanish and English, its
issue and group, its category and purpose, a treatment per channel, and the rules that
say who may get it (eligibility), what it is worth (value) and how much the business
wants to push it (levers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

from cortesia.domain.rules import Rule
from cortesia.domain.vocabulary import Channel


class Category(StrEnum):
    """The kind of action; the baseline P(accept | no contact) is set per category."""

    SALES = "sales"
    CROSS_SELL = "cross_sell"
    RETENTION = "retention"
    SERVICE = "service"
    LIFECYCLE = "lifecycle"
    CONSENT_RECOVERY = "consent_recovery"


@dataclass(frozen=True, slots=True)
class Texts:
    """One text in Spanish and in English.

    >>> Texts(es="Paquete 5 GB", en="5 GB data pack").get("es-CO")
    'Paquete 5 GB'
    >>> Texts(es="Paquete 5 GB", en="5 GB data pack").get(None)
    '5 GB data pack'
    """

    es: str
    en: str

    def get(self, language: str | None) -> str:
        """Spanish for any ``es`` language tag, English otherwise."""
        if language is not None and language[:2].lower() == "es":
            return self.es
        return self.en


@dataclass(frozen=True, slots=True)
class SendWindow:
    """Local hours of every day when a treatment may be sent: ``[start, end)``.

    An end at or before the start runs past midnight (``20:00-00:00`` is the evening).
    """

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class ChannelTreatment:
    """How an action is delivered on one channel: its template, cost and limits."""

    channel: Channel
    treatment: str
    cost: float = 0.0
    window: SendWindow | None = None
    daily_limit: int | None = None


@dataclass(frozen=True, slots=True)
class ConsentAsk:
    """What a consent-recovery action asks for, and what the customer gets in exchange."""

    channel: Channel
    purpose: str
    reward: Texts


@dataclass(frozen=True, slots=True, eq=False)
class Action:
    """One action of the catalog (see docs/catalog.md for every field)."""

    action_id: str
    name: Texts
    text: Texts
    group: str
    category: Category
    purpose: str
    channels: Mapping[Channel, ChannelTreatment]
    value: Rule
    eligibility: Rule | None
    levers: Rule
    valid_from: date | None = None
    valid_until: date | None = None
    daily_limit: int | None = None
    daily_budget: float | None = None
    cool_off_days: int | None = None
    reject_cool_off_days: int | None = None
    consent_ask: ConsentAsk | None = None
    propensity_prior: tuple[float, float] | None = None
    control_share: float | None = None  # overrides the catalog's per-action control share

    @property
    def issue(self) -> str:
        """The issue: the group's part before ``/`` (``sales`` in ``sales/data_packs``)."""
        return self.group.partition("/")[0]

    def valid_on(self, day: date) -> bool:
        """True when ``day`` is within the validity dates (both inclusive)."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until

    def names_read(self) -> frozenset[str]:
        """Every variable the action's rules read."""
        found = self.value.names | self.levers.names
        return found | self.eligibility.names if self.eligibility is not None else found
