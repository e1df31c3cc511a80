"""Helpers for contact-policy tests: an engine with fake registries, customers, history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.contacts import Contact, Outcome, new_contact_id
from cortesia.domain.registry import RegistryFinding, RegistryVersion
from cortesia.domain.verdict import Verdict
from cortesia.domain.vocabulary import Channel
from cortesia.engine.hub import Engine


@dataclass
class FakeRegistries:
    """Registries by hand: ``listed[registry] = {number: listed_since or None}``; one
    snapshot per registry."""

    snapshots: dict[str, date] = field(default_factory=dict)
    listed: dict[str, dict[str, date | None]] = field(default_factory=dict)

    def snapshot(self, registry: str, on: date, numbers: Mapping[str, date | None] = {}) -> None:
        self.snapshots[registry] = on
        self.listed[registry] = dict(numbers)

    def find(
        self, registry_id: str, number: str, channel: Channel | None, at: datetime
    ) -> RegistryFinding:
        on = self.snapshots.get(registry_id)
        if on is None or on > at.astimezone(UTC).date():
            return RegistryFinding(registry_id, number, channel, False, None, None)
        version = RegistryVersion(
            registry_id, 1, on, datetime(2026, 1, 1, tzinfo=UTC), "full", 1, "f", "0"
        )
        numbers = self.listed.get(registry_id, {})
        return RegistryFinding(
            registry_id, number, channel, number in numbers, numbers.get(number), version
        )


@dataclass
class ChannelRegistries(FakeRegistries):
    """Fake registries whose listings name the channels they block (Colombia's RNE, Chile's
    per-provider No Molestar): ``only[number]`` is the set of channels a listing covers."""

    only: dict[str, frozenset[Channel]] = field(default_factory=dict)

    def find(
        self, registry_id: str, number: str, channel: Channel | None, at: datetime
    ) -> RegistryFinding:
        found = super().find(registry_id, number, channel, at)
        blocked = self.only.get(number)
        if found.listed and blocked is not None and channel not in blocked:
            return replace(found, listed=False, listed_since=None)
        return found


def policy_engine(at: datetime, registries: FakeRegistries | None = None) -> Engine:
    """A memory engine whose clock stands at ``at``."""
    return Engine(MemoryStore(), FrozenClock(at), registries=registries or FakeRegistries())


_PROFILE = frozenset({"phone", "email", "subdivision", "time_zone", "language", "push_id"})


def add_customer(engine: Engine, customer_id: str, country: str, **fields: object) -> None:
    """One customer: profile fields (phone, email, subdivision, time_zone…) by name, every
    other keyword an attribute (dates as ISO text)."""
    profile = {k: v for k, v in fields.items() if k in _PROFILE}
    attributes = {
        k: v.isoformat() if isinstance(v, date) else v
        for k, v in fields.items()
        if k not in _PROFILE
    }
    row = {"customer_id": customer_id, "country": country, **profile, "attributes": attributes}
    engine.customers.upsert([row])


def consent(
    engine: Engine,
    customer_id: str,
    channel: str,
    kind: str,
    at: datetime,
    purpose: str = "marketing",
) -> None:
    engine.consent.record(
        {
            "customer_id": customer_id,
            "channel": channel,
            "purpose": purpose,
            "kind": kind,
            "source": "web",
            "occurred_at": at.isoformat(),
        }
    )


def contacted(
    engine: Engine,
    customer_id: str,
    channel: Channel,
    at: datetime,
    *,
    purpose: str = "marketing",
    outcome: Outcome | None = None,
    **fields: object,
) -> Contact:
    """Record a contact already made (with an outcome at the same instant when given)."""
    contact = Contact(new_contact_id(at), customer_id, channel, purpose, at, **fields)  # type: ignore[arg-type]
    engine.store.record_contacts([contact])
    if outcome is not None:
        contact = engine.store.record_outcome(contact.contact_id, outcome, at)
    return contact


def denied_by(verdict: Verdict) -> set[str]:
    return {r.rule for r in verdict.denials()}


def rules(verdict: Verdict) -> dict[str, bool]:
    return {r.rule: r.allowed for r in verdict.reasons}


def local(text: str) -> datetime:
    """An ISO instant with its offset, e.g. ``2026-11-28T15:00:00-05:00``."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("give the offset")
    return moment


def seq(values: Iterable[str]) -> list[datetime]:
    return [local(v) for v in values]
