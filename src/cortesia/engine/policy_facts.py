"""Gathering what a contact check reads about one customer from the stores."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from cortesia.domain.consent import ConsentEvent, status_of
from cortesia.domain.customers import Customer, contact_point_digest
from cortesia.domain.policy.company import CompanyPolicy, CoolOffAfter
from cortesia.domain.policy.company_layer import OptOut
from cortesia.domain.policy.consent_layer import ConsentFacts
from cortesia.domain.policy.pack import FrequencyRule, Pack
from cortesia.domain.policy.registry_layer import FindingLike
from cortesia.domain.preferences import preferences_at
from cortesia.domain.registry import RegistryFinding
from cortesia.domain.vocabulary import Channel, ConsentKind
from cortesia.engine.erasure import suppression_salt
from cortesia.engine.ports import Store
from cortesia.engine.zones import prefix_zones

PHONE_CHANNELS = frozenset({Channel.VOICE, Channel.SMS, Channel.WHATSAPP})
# Calendar months reach 31 days back, and a customer's own monthly cap with them.
_BASE_HORIZON = timedelta(days=32)


class RegistryLookup(Protocol):
    """What the check needs from the do-not-call registries."""

    def find(
        self, registry_id: str, number: str, channel: Channel | None, at: datetime
    ) -> FindingLike: ...


class NoRegistries:
    """No registry imported: every lookup says so, and rules that need one deny."""

    def find(
        self, registry_id: str, number: str, channel: Channel | None, at: datetime
    ) -> FindingLike:
        return RegistryFinding(registry_id, number, channel, False, None, None)


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=65536)
def phone_zones(phone: str) -> tuple[str, ...]:
    """The zones a phone number's prefix places it in, when that says something (1 or 2)."""
    found = prefix_zones(phone.lstrip("+"))
    return found if 0 < len(found) <= 2 else ()


def zones_of(customer: Customer) -> tuple[ZoneInfo, ...]:
    """The profile's zone first, then every other candidate zone, then the zones of the
    phone numbers: when the profile and the phone disagree, a window must hold in both."""
    phones = [z for phone in customer.phones for z in phone_zones(phone)]
    names = dict.fromkeys((customer.time_zone, *customer.time_zone_candidates, *phones))
    return tuple(zone(n) for n in names)


def addresses(customer: Customer, channel: Channel) -> tuple[str, ...]:
    """The contact points a channel would use. Postal mail is addressed outside Cortesía."""
    if channel in PHONE_CHANNELS:
        return customer.phones
    if channel is Channel.EMAIL:
        return customer.emails
    if channel in (Channel.PUSH, Channel.IN_APP):
        return customer.push_ids
    return ("postal address",)


def consent_facts(
    store: Store,
    customer: Customer,
    events: Sequence[ConsentEvent],
    channel: Channel,
    purpose: str,
    at: datetime,
    unknown_allowed: bool | None,
) -> ConsentFacts:
    points = addresses(customer, channel)
    suppressed = 0
    if points and channel is not Channel.MAIL and store.suppression_size():
        salt = suppression_salt(store)
        suppressed = len(store.suppressed(contact_point_digest(salt, p) for p in points))
    return ConsentFacts(
        entry=status_of(events, channel, purpose, at),
        preferences=preferences_at(events, at),
        addresses=len(points),
        suppressed=suppressed,
        unknown_allowed=unknown_allowed,
    )


def opt_outs(events: Sequence[ConsentEvent]) -> list[OptOut]:
    return [(e.occurred_at, e.purpose) for e in events if e.kind is ConsentKind.OPT_OUT]


def history_horizon(pack: Pack | None, company: CompanyPolicy) -> timedelta:
    """How far back the contact history must reach for every rule that may apply."""
    spans = [_BASE_HORIZON]
    if pack is not None:
        spans += [r.window.horizon() for r in pack.rules if isinstance(r, FrequencyRule)]
    spans += [cap.spec.window.horizon() for cap in company.caps]
    spans += [c.duration for c in company.cool_offs if c.after is not CoolOffAfter.OPT_OUT]
    return max(spans)
