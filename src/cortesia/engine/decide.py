"""The real-time next-best-action decision.

candidates → eligibility → contact policy and consent (hard) → scoring → arbitration →
selection → record. Each candidate is an action of the catalog that offers the asked
channel; one that stops is kept in the trace with the stage it reached and why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from cortesia.domain.catalog import Action, Catalog, ChannelTreatment
from cortesia.domain.contacts import DIRECTIONS, new_contact_id
from cortesia.domain.decision_record import (
    RULE_FALSE,
    RULE_UNKNOWN,
    compact_body,
    expand_body,
    rule_reason,
)
from cortesia.domain.decisions import (
    CandidateTrace,
    ContextValue,
    Decision,
    Scores,
    Stage,
    Versions,
)
from cortesia.domain.explain import decision_reason
from cortesia.domain.policy.context import Question
from cortesia.domain.rules import Rule
from cortesia.domain.verdict import Verdict
from cortesia.domain.vocabulary import Channel
from cortesia.engine.arbitration import Passed, Pricing, arbitrate
from cortesia.engine.candidates import policy_stop, timing_stop
from cortesia.engine.catalog import CatalogService
from cortesia.engine.catalog_facts import CatalogFacts, catalog_facts
from cortesia.engine.customer_policy import CustomerPolicy
from cortesia.engine.decision_env import decision_env
from cortesia.engine.decision_ports import DecisionRecord
from cortesia.engine.policy import PolicyService
from cortesia.engine.policy_facts import zone, zones_of
from cortesia.engine.ports import Clock, Store
from cortesia.engine.scoring import ActionScorer, ErodedValue, SegmentErodedValue
from cortesia.engine.selection import Room, select
from cortesia.engine.uplift_book import UpliftBook
from cortesia.engine.value_ports import LIFETIME_DAYS, LIFETIME_VALUE
from cortesia.errors import ConflictError, NotFoundError, ValidationError

MAX_LIMIT = 20


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """What the channel asks: the best actions for this customer on this channel now."""

    customer_id: str
    channel: Channel
    direction: str = "outbound"
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    at: datetime | None = None
    limit: int = 1

    def __post_init__(self) -> None:
        if self.channel is Channel.ALL:
            raise ValidationError("channel", "all", "a decision is made for one channel")
        if self.direction not in DIRECTIONS:
            raise ValidationError("direction", self.direction, "must be inbound or outbound")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValidationError("limit", self.limit, f"must be between 1 and {MAX_LIMIT}")
        if self.at is not None and self.at.utcoffset() is None:
            raise ValidationError("at", self.at.isoformat(), "instant needs a UTC offset")


@dataclass(slots=True)
class _Round:
    """One decision in the making: what was loaded, and the trace so far."""

    request: DecisionRequest
    at: datetime
    local: datetime
    catalog: Catalog
    facts: CatalogFacts
    session: CustomerPolicy
    env: dict[str, object]
    trace: list[CandidateTrace] = field(default_factory=list)
    refusals: dict[int, tuple[Verdict, str]] = field(default_factory=dict)

    def refusal(self, verdict: Verdict) -> str:
        """Why the contact policy refused: said once per verdict, since most refused
        candidates of a channel share one verdict object (a consent stop, say)."""
        found = self.refusals.get(id(verdict))
        if found is None or found[0] is not verdict:  # the verdict kept: its id stays its
            found = self.refusals[id(verdict)] = (verdict, policy_stop(verdict) or "refused")
        return found[1]


class DecisionService:
    """Decide, and keep every decision to explain it later."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        catalog: CatalogService,
        policy: PolicyService,
        scorer: ActionScorer,
        eroded: ErodedValue | None = None,
        uplift: UpliftBook | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._catalog = catalog
        self._policy = policy
        self.scorer = scorer
        self.eroded = eroded or SegmentErodedValue()
        self.uplift = uplift
        self._facts: tuple[Catalog, CatalogFacts] | None = None

    def decide(
        self, request: DecisionRequest, keep: Callable[[DecisionRecord], None] | None = None
    ) -> Decision:
        """Run every stage for the customer and record the decision; ``keep`` takes the
        record instead, for a caller that stores several at once (``record_many``) and
        answers none of them before they are stored."""
        current = self._start(request)
        candidates = current.facts.offers[request.channel]
        passed = [p for offer in candidates if (p := self._weigh(current, *offer))]
        pricing = Pricing(
            request.channel,
            request.direction,
            current.env,
            current.catalog.economics,
            self.scorer,
            self.eroded,
            None if self.uplift is None or self.uplift.empty else self.uplift,
        )
        weighed, stops = arbitrate(passed, pricing)
        current.trace.extend(stops)
        customer = current.session.loaded.customer
        room = Room(
            request.limit,
            _counter_day(current),
            customer.language,
            customer.customer_id,
            current.catalog.economics.controls,
        )
        chosen, withheld, picked = select(weighed, room, current.session, self._policy, self._store)
        decision = Decision(
            new_contact_id(self._clock.now()),
            customer.customer_id,
            current.at,
            request.channel,
            request.direction,
            dict(request.context),
            tuple(chosen),
            decision_reason(chosen, current.trace, len(candidates), current.catalog.version),
            (*current.trace, *picked),
            Versions(current.catalog.version, _policy_version(current), self.scorer.version),
            customer.language,
            {**_lifetime(current.env), **({"uplift": pricing.used} if pricing.used else {})},
            withheld=tuple(withheld),
        )
        record = DecisionRecord(
            decision.decision_id,
            decision.customer_id,
            decision.decided_at,
            decision.channel,
            decision.direction,
            decision.silent,
            current.catalog.version,
            compact_body(decision, self.scorer.features(current.env)),
        )
        if keep is None:
            self._store.record_decision(record)
        else:
            keep(record)
        return decision

    def record_many(self, records: Sequence[DecisionRecord]) -> list[ConflictError | None]:
        """Store decisions made with ``keep`` in one transaction; for each, None or the
        ConflictError of an id already stored. A store error fails the whole batch."""
        taken = set(self._store.record_decisions(records))
        return [
            ConflictError("decision_id", r.decision_id, "is already recorded")
            if r.decision_id in taken
            else None
            for r in records
        ]

    def find(self, decision_id: str) -> DecisionRecord:
        """A stored decision, whole again; NotFoundError when there is none."""
        found = self._store.find_decision(decision_id)
        if found is None:
            raise NotFoundError("decision", decision_id)
        return self._expanded(found)

    def of_customer(self, customer_id: str, limit: int = 50) -> list[DecisionRecord]:
        """The customer's latest decisions, newest first."""
        return [self._expanded(r) for r in self._store.decisions_of(customer_id, limit)]

    def _expanded(self, record: DecisionRecord) -> DecisionRecord:
        """The stored body with its reasons and names said again from its catalog."""
        try:
            catalog = self._catalog.at_version(record.catalog_version)
        except NotFoundError:  # a catalog version no longer kept: reasons stay coded
            return replace(record, body=expand_body(record.body, {}, {}))
        language = record.body.get("language")
        speaks = language if isinstance(language, str) else None
        rules = {a.action_id: a.eligibility.text for a in catalog.actions if a.eligibility}
        names = {a.action_id: a.name.get(speaks) for a in catalog.actions}
        return replace(record, body=expand_body(record.body, rules, names))

    # -- stages ---------------------------------------------------------------
    def _start(self, request: DecisionRequest) -> _Round:
        at = request.at or self._clock.now()
        catalog = self._catalog.current()
        facts = self._catalog_facts(catalog)
        session = self._policy.for_customer(request.customer_id, at, min_horizon=facts.horizon)
        loaded = session.loaded
        env = decision_env(
            loaded.customer,
            request.channel,
            request.direction,
            request.context,
            at,
            loaded.contacts,
            loaded.events,
            facts.consent_names,
        )
        local = at.astimezone(zones_of(loaded.customer)[0])
        found: dict[str, object] = dict(env)
        found.update(self.eroded.customer_env(loaded.customer.customer_id))
        return _Round(request, at, local, catalog, facts, session, found)

    def _catalog_facts(self, catalog: Catalog) -> CatalogFacts:
        """What every decision on this catalog version needs of it, derived once."""
        if self._facts is None or self._facts[0] is not catalog:
            self._facts = (catalog, catalog_facts(catalog))
        return self._facts[1]

    def _weigh(
        self, current: _Round, action: Action, treatment: ChannelTreatment, plain: bool
    ) -> Passed | None:
        request = current.request
        stop = None if plain else self._timing_stop(current, action, treatment)
        if stop is None and action.eligibility is not None:
            stop = self._rule_stop(current, action, action.eligibility)
        if stop is not None:
            current.trace.append(stop)
            return None
        # Built directly (the request was checked once): this runs for every candidate.
        question = Question(
            request.channel,
            action.purpose,
            current.at,
            action.action_id,
            action.group,
            action.category,
            None,
            request.direction,
        )
        verdict = current.session.check(question)
        if not verdict.allowed:
            refused = current.refusal(verdict)
            current.trace.append(_stopped(action, request.channel, Stage.POLICY, refused))
            return None
        return Passed(action, treatment, question)

    def _timing_stop(
        self, current: _Round, action: Action, treatment: ChannelTreatment
    ) -> CandidateTrace | None:
        request, history = current.request, current.session.loaded.contacts
        found = timing_stop(
            action, treatment, request.direction, current.local, history, current.at
        )
        return None if found is None else _stopped(action, request.channel, *found)

    def _rule_stop(self, current: _Round, action: Action, rule: Rule) -> CandidateTrace | None:
        """The eligibility rule, unless true (eligibility rules are conditions: True, False
        or None); its words are made once per catalog version, rule and answer."""
        held = rule.evaluate(current.env)
        if held is True:
            return None
        code = RULE_FALSE if held is False else RULE_UNKNOWN
        known = current.facts.rule_stops
        why = known.get((code, rule.text))
        if why is None:
            why = known[(code, rule.text)] = rule_reason(code, rule.text)
        stage, channel = Stage.ELIGIBILITY, current.request.channel
        return CandidateTrace(action.action_id, channel, stage, False, why, None, code)


def _policy_version(current: _Round) -> str:
    """The company policy the decision applied (the one its customer context loaded)."""
    company = current.session.loaded.company
    digest = f"@{company.digest[:12]}" if company.digest else ""
    return f"{company.version}{digest}"


def _stopped(
    action: Action, channel: Channel, stage: Stage, reason: str, scores: Scores | None = None
) -> CandidateTrace:
    return CandidateTrace(action.action_id, channel, stage, False, reason, scores)


def _lifetime(env: Mapping[str, object]) -> dict[str, object]:
    """The customer's lifetime value the decision's L was derived from, when known."""
    if LIFETIME_VALUE not in env:
        return {}
    value = {"residual_value": env[LIFETIME_VALUE], "expected_days": env.get(LIFETIME_DAYS)}
    return {"lifetime_value": value}


def _counter_day(current: _Round) -> date:
    """The day of daily limits and budgets: the catalog's business day."""
    return current.at.astimezone(zone(current.catalog.economics.time_zone)).date()
