"""Outcomes of decisions: what the customer or the channel said about an offered action.

A report is idempotent by its key (by default decision, action and outcome): channels
retry, and a replay changes nothing. Its effects, in an order that survives a crash
between any two steps (each step is idempotent on its own):

1. ``opted_out`` (and ``complained``: mail providers treat a spam report as an
   unsubscribe) writes an opt-out of the action's channel and purpose to the consent
   ledger at once, so the next marketing contact is already refused;
2. the contact that holds the action's slot is confirmed as sent, or released on
   ``failed`` (which also gives back the daily volume and budget the decision took);
   the outcome is written on it (contact-history aggregates read it);
3. the report is stored; when it is new, the action's response counts learn from it:
   an offer counts one trial at its first answer (accepted, clicked, converted,
   rejected, ignored, opted out, complained), one acceptance and one opt-out at most.
   Each count is claimed through an idempotent marker, so reports racing in from
   several processes never count an offer twice.

An action the decision held back as a control was not sent: it may still get the answers
that happen without a contact (a conversion through another route, an opt-out), which
measure P(accept | no contact) and the opt-outs that come anyway; it has no contact to
confirm, cannot be delivered or fail, and teaches the propensity nothing (that learns
what a contact does).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from cortesia.domain.consent import NewConsentEvent
from cortesia.domain.contacts import Contact, ContactStatus, Outcome, new_contact_id
from cortesia.domain.decisions import NEGATIVE, OPT_OUTS, POSITIVE
from cortesia.domain.vocabulary import Channel, ConsentKind, Source
from cortesia.engine.catalog import CatalogService
from cortesia.engine.consent import ConsentService
from cortesia.engine.decision_ports import (
    DecisionRecord,
    OutcomeEvent,
    ResponseCount,
)
from cortesia.engine.outcome_records import (
    held_contact,
    lesson,
    offered_action,
    parse_decision_outcome,
)
from cortesia.engine.policy_facts import zone
from cortesia.engine.ports import Clock, Store
from cortesia.engine.selection import volume_claims
from cortesia.errors import ConflictError, NotFoundError, ValidationError

_ANSWERS = POSITIVE | NEGATIVE | OPT_OUTS
_MARKER = "counted:"  # outcome of the marker events that claim each count once


@dataclass(frozen=True, slots=True)
class OutcomeReceipt:
    """What a report did: the stored event, whether it was a replay, and its effects."""

    event: OutcomeEvent
    replayed: bool
    contact_status: str | None
    opt_out_event_id: str | None

    def as_dict(self) -> dict[str, object]:
        event = self.event
        return {
            "key": event.key,
            "decision_id": event.decision_id,
            "action": event.action_id,
            "channel": event.channel.value,
            "outcome": event.outcome,
            "occurred_at": event.occurred_at.isoformat(),
            "replayed": self.replayed,
            "contact_id": event.contact_id,
            "contact_status": self.contact_status,
            "opt_out_event_id": self.opt_out_event_id,
        }


class OutcomeService:
    """Record outcomes and apply their effects."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        consent: ConsentService,
        *,
        learned: Callable[[], None] | None = None,
        catalog: CatalogService | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._consent = consent
        self._learned = learned
        self._catalog = catalog

    def record(
        self,
        decision_id: str,
        action_id: str,
        outcome: Outcome | str,
        *,
        key: str | None = None,
        at: datetime | None = None,
    ) -> OutcomeReceipt:
        """Record one outcome of an action a decision offered."""
        said = parse_decision_outcome(outcome)
        record = self._store.find_decision(decision_id)
        if record is None:
            raise NotFoundError("decision", decision_id)
        offered = offered_action(record, action_id)
        if "control" in offered and said in (Outcome.DELIVERED, Outcome.FAILED):
            reason = f"action {action_id} was held back as a control by decision {decision_id}: "
            raise ValidationError("outcome", said.value, reason + "it was not sent")
        when = at or self._clock.now()
        if when.utcoffset() is None:
            raise ValidationError("at", when.isoformat(), "instant needs a UTC offset")
        key = key or f"{decision_id}:{action_id}:{said.value}"
        channel = Channel(str(offered["channel"]))
        opt_out = self._opt_out(record, offered, said, key, when)
        contact_id = offered.get("contact_id")
        status = None
        if contact_id:
            status = self._contact(str(contact_id), said, when, record, offered)
        event = OutcomeEvent(
            key,
            decision_id,
            action_id,
            channel,
            said.value,
            when,
            self._clock.now(),
            str(contact_id) if contact_id else None,
        )
        stored, created = self._store.record_outcome_event(event)
        if created and "control" not in offered:
            self._learn(record, stored, offered)
        if said is Outcome.FAILED and status == "released":
            self._give_back(record, offered, stored)
        return OutcomeReceipt(stored, not created, status, opt_out)

    def _opt_out(
        self,
        record: DecisionRecord,
        offered: Mapping[str, object],
        said: Outcome,
        key: str,
        at: datetime,
    ) -> str | None:
        if said not in OPT_OUTS:
            return None
        draft = NewConsentEvent(
            customer_id=record.customer_id,
            channel=Channel(str(offered["channel"])),
            purpose=str(offered["purpose"]),
            kind=ConsentKind.OPT_OUT,
            occurred_at=at,
            source=Source.API,
            idempotency_key=f"outcome:{key}",
            evidence={
                "text": f"{said.value} reported for decision {record.decision_id}, "
                f"action {offered['action']}"
            },
        )
        return self._consent.append([draft])[0].event.event_id

    def _contact(
        self,
        contact_id: str,
        said: Outcome,
        at: datetime,
        record: DecisionRecord,
        offered: Mapping[str, object],
    ) -> str | None:
        found = self._store.find_contact(contact_id)
        if found is None:
            if said is Outcome.FAILED:
                return None
            # The decision is kept but its hold is not (holds commit without waiting for
            # the disk): the channel says the contact was made, so it counts again.
            found = held_contact(contact_id, record, offered, at)
            self._store.record_contacts([found])
        if said is Outcome.FAILED:
            if found.status is ContactStatus.RESERVED:
                return self._store.release(contact_id, at).status.value
            return found.status.value
        contact = self._sent(found, at)
        if said is not Outcome.DELIVERED and contact.status is ContactStatus.SENT:
            contact = self._store.record_outcome(contact.contact_id, said, at)
        return contact.status.value

    def _sent(self, found: Contact, at: datetime) -> Contact:
        """The contact as sent: confirmed now, or, when its hold lapsed before the report
        came, recorded again as made (it was: the channel says so)."""
        if found.status is ContactStatus.SENT:
            return found
        try:
            return self._store.confirm(found.contact_id, at)
        except ConflictError:
            again = Contact(
                new_contact_id(found.occurred_at, f"lapsed:{found.contact_id}".encode()),
                found.customer_id,
                found.channel,
                found.purpose,
                found.occurred_at,
                action_id=found.action_id,
                action_group=found.action_group,
                category=found.category,
                subject=found.subject,
                direction=found.direction,
                confirmed_at=at,
            )
            self._store.record_contacts([again])
            return again

    def reports(self, decision_id: str) -> list[OutcomeEvent]:
        """The outcomes reported for a decision, by when they happened (without the
        markers that make each count once)."""
        found = self._store.outcomes_of_decision(decision_id)
        return [e for e in found if not e.outcome.startswith(_MARKER)]

    def _learn(
        self, record: DecisionRecord, event: OutcomeEvent, offered: Mapping[str, object]
    ) -> None:
        said = Outcome(event.outcome)
        if said not in _ANSWERS:
            return
        wanted = ["trial"]
        wanted += ["accept"] if said in POSITIVE else []
        wanted += ["opt_out"] if said in OPT_OUTS else []
        # Each count is claimed once per offer through an idempotent marker: of two
        # reports racing (clicked and accepted at once), only one adds each count.
        got = {kind for kind in wanted if self._claim(event, f"{_MARKER}{kind}")}
        delta = ResponseCount(int("trial" in got), int("accept" in got), int("opt_out" in got))
        if delta != ResponseCount(0, 0, 0):
            entry = (event.action_id, event.channel, record.direction, delta)
            self._store.add_responses([entry])
            if self._learned is not None:
                self._learned()
        features = record.body.get("features")
        if "trial" in got and isinstance(features, Mapping):
            self._store.append_learning([lesson(record, event, offered, features, said)])

    def _give_back(
        self, record: DecisionRecord, offered: Mapping[str, object], event: OutcomeEvent
    ) -> None:
        """A failed send gives back the daily volume and budget its selection took, once."""
        if self._catalog is None or not self._claim(event, f"{_MARKER}give_back"):
            return
        try:
            action = self._catalog.at_version(record.catalog_version).action(event.action_id)
        except NotFoundError:
            return
        treatment = action.channels.get(event.channel)
        if treatment is None:
            return
        day = record.decided_at.astimezone(zone(self._catalog_zone(record))).date()
        claims = volume_claims(action, treatment, day)
        if claims:
            self._store.give_back_volume(claims)

    def _catalog_zone(self, record: DecisionRecord) -> str:
        if self._catalog is None:
            return "UTC"
        return self._catalog.at_version(record.catalog_version).economics.time_zone

    def _claim(self, event: OutcomeEvent, what: str) -> bool:
        marker = replace(event, key=f"{event.decision_id}:{event.action_id}:{what}", outcome=what)
        return self._store.record_outcome_event(marker)[1]
