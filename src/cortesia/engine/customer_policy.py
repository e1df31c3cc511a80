"""One customer's contact-policy context: loaded once, asked about many contacts.

A decision weighs many actions on several channels for one customer at one instant.
Loading the customer, their consent events, their contact history and their registry
listings once, and memoising each rule's selection of past contacts, makes every further
question cheap; each answer still evaluates every layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cortesia.domain.consent import ConsentEvent
from cortesia.domain.contacts import Contact
from cortesia.domain.customers import Customer
from cortesia.domain.policy.check import CheckInputs, registry_rules
from cortesia.domain.policy.company import CompanyPolicy
from cortesia.domain.policy.company_layer import OptOut
from cortesia.domain.policy.consent_layer import ConsentFacts
from cortesia.domain.policy.context import ContactIndex, PastContact, Question, Recipient
from cortesia.domain.policy.legal import LegalContext
from cortesia.domain.policy.memo import CheckMemo
from cortesia.domain.policy.pack import Pack
from cortesia.domain.policy.registry_layer import FindingLike
from cortesia.domain.verdict import Verdict
from cortesia.domain.vocabulary import Channel
from cortesia.engine.holiday_calendar import HolidayBook
from cortesia.engine.policy_facts import RegistryLookup, consent_facts, zones_of
from cortesia.engine.ports import Store


@dataclass(frozen=True, slots=True)
class Loaded:
    """What was read about the customer for instant ``at``."""

    customer: Customer
    at: datetime
    company: CompanyPolicy
    pack: Pack | None
    events: Sequence[ConsentEvent]
    opt_outs: Sequence[OptOut]
    history: ContactIndex
    apply_review: bool
    contacts: Sequence[Contact] = ()  # the same history as contacts, in time order


class CustomerPolicy:
    """Ask about many contacts of one customer at one instant."""

    def __init__(
        self,
        store: Store,
        registries: RegistryLookup,
        holidays: HolidayBook,
        loaded: Loaded,
    ) -> None:
        self._store = store
        self._registries = registries
        self._holidays = holidays
        self.loaded = loaded
        self._facts: dict[tuple[Channel, str], ConsentFacts] = {}
        self._recipients: dict[tuple[Channel, str], Recipient] = {}
        self._memo = CheckMemo()
        self._findings: dict[tuple[Channel, str, datetime], dict[str, list[FindingLike]]] = {}

    def check(self, question: Question) -> Verdict:
        """Every reason for and against this contact, from the loaded history."""
        base = (question.channel, question.purpose, question.at, question.direction)
        prefix = self._memo.prefix(base)
        if prefix is None:
            return self._memo.check(self.inputs(question))
        # Consent, registry and legal reasons are the same for every action here: only the
        # company's rules are asked again.
        got = self.loaded
        company = self._memo.company(
            got.company, question, prefix.recipient, got.history, got.opt_outs, base
        )
        if prefix.fixed is not None:  # no legal rule reads the action
            if not company and prefix.verdict is not None:
                return prefix.verdict  # the same answer for every such action: built once
            allowed = prefix.fixed_allowed and all(r.allowed for r in company)
            return Verdict(allowed, prefix.fixed + tuple(company))
        reasons = list(prefix.reasons)
        if prefix.product_registries is not None:
            reasons += self._memo.product_registry(
                prefix, question, base, lambda: self.inputs(question)
            )
        if got.pack is not None:
            reasons += self._memo.resolve(
                prefix.legal, question, base, got.pack, lambda: self.inputs(question).legal
            )
        return Verdict.of(reasons + company)

    def inputs(
        self, question: Question, history: Sequence[PastContact] | None = None
    ) -> CheckInputs:
        """The check's inputs; ``history`` replaces the loaded one (inside a reservation)."""
        got = self.loaded
        facts = self._consent(question)
        recipient = self._recipient(question, facts)
        index = got.history if history is None else ContactIndex(history)
        legal = LegalContext(question, recipient, index, self._holidays, got.apply_review)
        findings = self._registry(question, legal)
        return CheckInputs(legal, got.pack, got.company, facts, findings, got.opt_outs)

    def _recipient(self, question: Question, facts: ConsentFacts) -> Recipient:
        key = (question.channel, question.purpose)
        found = self._recipients.get(key)
        if found is None:
            customer = self.loaded.customer
            found = Recipient(
                customer.country,
                customer.subdivision,
                zones_of(customer),
                facts.entry.status,
                facts.entry.since,
                customer.attributes,
                self.loaded.company.sector,
            )
            self._recipients[key] = found
        return found

    def _consent(self, question: Question) -> ConsentFacts:
        key = (question.channel, question.purpose)
        found = self._facts.get(key)
        if found is None:
            got = self.loaded
            unknown = None if got.pack is not None else got.company.unknown_consent_allowed
            found = consent_facts(
                self._store,
                got.customer,
                got.events,
                question.channel,
                question.purpose,
                question.at,
                unknown,
            )
            self._facts[key] = found
        return found

    def _registry(self, question: Question, legal: LegalContext) -> dict[str, list[FindingLike]]:
        key = (question.channel, question.purpose, question.at)
        found = self._findings.get(key)
        if found is None:
            wanted = tuple(rule.registry for rule in registry_rules(self.loaded.pack, legal))
            phones = self.loaded.customer.phones
            found = {
                registry: [
                    self._registries.find(registry, phone, question.channel, question.at)
                    for phone in phones
                ]
                for registry in dict.fromkeys(wanted)
            }
            self._findings[key] = found
        return found
