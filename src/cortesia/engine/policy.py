"""Contact policy use cases: check a contact, reserve its slot, ask the bare law.

One question, answered the same way everywhere: may we contact customer C on channel H
for purpose P at instant T (for action A)? See ``cortesia.domain.policy``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from cortesia.domain.contacts import Contact, ContactStatus, new_contact_id
from cortesia.domain.customers import Customer
from cortesia.domain.policy.check import CheckInputs, check_contact
from cortesia.domain.policy.company import DEFAULT_POLICY, CompanyPolicy
from cortesia.domain.policy.context import ContactIndex, Question, Recipient
from cortesia.domain.policy.legal import LegalContext
from cortesia.domain.policy.pack import Pack
from cortesia.domain.verdict import Verdict
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.customer_policy import CustomerPolicy, Loaded
from cortesia.engine.holiday_calendar import HolidayBook
from cortesia.engine.policy_facts import (
    RegistryLookup,
    history_horizon,
    opt_outs,
    zone,
)
from cortesia.engine.ports import Clock, Store
from cortesia.engine.zones import country_zones, subdivision_zone
from cortesia.errors import NotFoundError, ValidationError


class JurisdictionPacks(Protocol):
    """The jurisdiction packs a workspace applies."""

    def pack(self, country: str) -> Pack | None: ...

    def countries(self) -> list[str]: ...


class CompanyPolicySource(Protocol):
    """The company policy in force (versioned elsewhere)."""

    def current(self) -> CompanyPolicy: ...


class StaticCompanyPolicy:
    """One company policy that never changes (the default: no company caps)."""

    def __init__(self, policy: CompanyPolicy = DEFAULT_POLICY) -> None:
        self._policy = policy

    def current(self) -> CompanyPolicy:
        return self._policy


@dataclass(frozen=True, slots=True)
class ActionRef:
    """What the check knows of the action behind a contact (the catalog fills it later)."""

    action_id: str | None = None
    action_group: str | None = None
    category: str | None = None
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class Reservation:
    """A check that would take a slot: its verdict and, when allowed, the held contact."""

    verdict: Verdict
    contact: Contact | None


class PolicyService:
    """Answer contact questions for customers, and for bare places and times."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        packs: JurisdictionPacks,
        registries: RegistryLookup,
        company: CompanyPolicySource,
        *,
        holidays: HolidayBook | None = None,
        apply_review: bool = False,
    ) -> None:
        self._store = store
        self._clock = clock
        self._packs = packs
        self._registries = registries
        self._company = company
        self._holidays = holidays or HolidayBook()
        self._apply_review = apply_review

    def pack(self, country: str) -> Pack:
        found = self._packs.pack(country.strip().upper())
        if found is None:
            raise NotFoundError("jurisdiction pack", country)
        return found

    def company(self) -> CompanyPolicy:
        """The company policy in force."""
        return self._company.current()

    def countries(self) -> list[str]:
        """Countries with a pack of their own."""
        return self._packs.countries()

    def for_customer(
        self,
        customer_id: str,
        at: datetime | None = None,
        *,
        min_horizon: timedelta = timedelta(0),
    ) -> CustomerPolicy:
        """Load one customer's context at ``at`` (now) to ask about many contacts; the
        contact history reaches back at least ``min_horizon`` (for the caller's own rules)."""
        moment = at or self._now()
        customer = self._customer(customer_id)
        company = self._company.current()
        pack = self._packs.pack(customer.country)
        events = self._store.events_of(customer_id, until=moment)
        since = moment - max(history_horizon(pack, company), min_horizon)
        contacts = self._store.contacts_of(customer_id, since, self._now())
        apply_review = self._apply_review or company.apply_needs_review
        loaded = Loaded(
            customer,
            moment,
            company,
            pack,
            events,
            opt_outs(events),
            ContactIndex(contacts),
            apply_review,
            contacts,
        )
        return CustomerPolicy(self._store, self._registries, self._holidays, loaded)

    def check(
        self,
        customer_id: str,
        channel: Channel,
        purpose: str,
        at: datetime | None = None,
        action: ActionRef | None = None,
        direction: str = "outbound",
    ) -> Verdict:
        """Every reason for and against this contact; nothing is written."""
        question = self._question(channel, purpose, at, action, direction)
        return self.for_customer(customer_id, question.at).check(question)

    def question(
        self,
        channel: Channel,
        purpose: str,
        at: datetime | None = None,
        action: ActionRef | None = None,
        direction: str = "outbound",
    ) -> Question:
        """A question to ask a ``CustomerPolicy``."""
        return self._question(channel, purpose, at, action, direction)

    def reserve(
        self,
        customer_id: str,
        channel: Channel,
        purpose: str,
        at: datetime | None = None,
        action: ActionRef | None = None,
        direction: str = "outbound",
    ) -> Reservation:
        """Check and, when allowed, hold the slot atomically until the reservation expires."""
        question = self._question(channel, purpose, at, action, direction)
        return self.hold(self.for_customer(customer_id, question.at), question)

    def hold(self, context: CustomerPolicy, question: Question) -> Reservation:
        """Check ``question`` against the customer's history read again under their lock and,
        when allowed, store the contact as reserved until the hold expires."""
        now = self._now()
        customer_id = context.loaded.customer.customer_id
        minutes = context.loaded.company.reservation_minutes
        draft = Contact(
            new_contact_id(now),
            customer_id,
            question.channel,
            question.purpose,
            question.at,
            action_id=question.action_id,
            action_group=question.action_group,
            category=question.category,
            subject=question.subject,
            direction=question.direction,
            status=ContactStatus.RESERVED,
            # A contact planned for later is held until its own instant, then the hold.
            expires_at=max(now, question.at) + timedelta(minutes=minutes),
        )
        since = question.at - history_horizon(context.loaded.pack, context.loaded.company)

        def judge(contacts: list[Contact]) -> Verdict:
            # Nothing changed since the session loaded the history: its (memoised) answer
            # is the answer. Otherwise judge again on what the lock shows.
            if _unchanged(contacts, context.loaded.contacts, since):
                return context.check(question)
            return check_contact(context.inputs(question, contacts))

        verdict, held = self._store.reserve(draft, since, now, judge)
        return Reservation(verdict, held)

    def legal(
        self,
        country: str,
        channel: Channel,
        purpose: str,
        at: datetime,
        subdivision: str | None = None,
        time_zone: str | None = None,
        consent: ConsentStatus = ConsentStatus.UNKNOWN,
    ) -> Verdict:
        """The bare legal check for a place and time, without a customer; ``consent`` says
        what the person would have told us (unknown by default)."""
        code = country.strip().upper()
        pack = self._packs.pack(code)
        zones = _zones_for(code, subdivision, time_zone, at)
        question = self._question(channel, purpose, at, None, "outbound")
        company = self._company.current()
        recipient = Recipient(code, subdivision, zones, consent, sector=company.sector)
        legal = self._legal(question, recipient, ContactIndex(()), company)
        return check_contact(CheckInputs(legal, pack, company))

    # -- assembling -----------------------------------------------------------
    def _now(self) -> datetime:
        return self._clock.now()

    def _question(
        self,
        channel: Channel,
        purpose: str,
        at: datetime | None,
        action: ActionRef | None,
        direction: str,
    ) -> Question:
        if channel is Channel.ALL:
            raise ValidationError("channel", "all", "a contact is made on one channel")
        act = action or ActionRef()
        return Question(
            channel,
            purpose,
            at or self._now(),
            act.action_id,
            act.action_group,
            act.category,
            act.subject,
            direction,
        )

    def _legal(
        self,
        question: Question,
        recipient: Recipient,
        history: ContactIndex,
        company: CompanyPolicy,
    ) -> LegalContext:
        apply_review = self._apply_review or company.apply_needs_review
        return LegalContext(question, recipient, history, self._holidays, apply_review)

    def _customer(self, customer_id: str) -> Customer:
        customer = self._store.get_customer(customer_id)
        if customer is None:
            raise NotFoundError("customer", customer_id)
        return customer


def _unchanged(now: Sequence[Contact], loaded: Sequence[Contact], since: datetime) -> bool:
    """True when the contacts read under the lock are the loaded ones within the window."""
    before = [
        c
        for c in loaded
        if c.occurred_at >= since or (c.outcome_at is not None and c.outcome_at >= since)
    ]
    return len(before) == len(now) and all(
        a.contact_id == b.contact_id
        and a.status is b.status
        and a.expires_at == b.expires_at
        and a.outcome is b.outcome
        and a.outcome_at == b.outcome_at
        for a, b in zip(before, now, strict=True)
    )


def _zones_for(
    country: str, subdivision: str | None, time_zone: str | None, at: datetime
) -> tuple[ZoneInfo, ...]:
    """The zone given; else the subdivision's one zone; else the country's zones that keep
    the offset written in ``at`` (the local time the asker meant); else all of them."""
    if time_zone:
        return (zone(time_zone),)
    if subdivision:
        single = subdivision_zone(subdivision.upper())
        if single:
            return (zone(single),)
    names = country_zones(country)
    if not names:
        raise ValidationError("country", country, "no time zone known for it; give a time zone")
    zones = tuple(zone(n) for n in names)
    offset = at.utcoffset()
    same = tuple(z for z in zones if at.astimezone(z).utcoffset() == offset)
    return same or zones
