"""The records an outcome report builds: what the learners learn from, the contact a lost
hold is recorded again as, and the offered (or held-back) action a report is about."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from cortesia.domain.contacts import Contact, Outcome
from cortesia.domain.decisions import DECISION_OUTCOMES, OPT_OUTS, POSITIVE
from cortesia.domain.vocabulary import Channel
from cortesia.engine.adaptive_scoring import GROUP, PROPENSITY
from cortesia.engine.decision_ports import DecisionRecord, LearningEvent, OutcomeEvent
from cortesia.errors import ValidationError


def lesson(
    record: DecisionRecord,
    event: OutcomeEvent,
    offered: Mapping[str, object],
    features: Mapping[str, object],
    said: Outcome,
) -> LearningEvent:
    """What the learners learn from an offer's first answer (a later one changes nothing)."""
    propensity = offered.get("propensity")
    kept = {**features, PROPENSITY: propensity if isinstance(propensity, float) else 0.0}
    if isinstance(offered.get("group"), str):
        kept[GROUP] = offered["group"]
    return LearningEvent(
        record.decision_id,
        record.customer_id,
        event.action_id,
        event.channel,
        record.direction,
        str(offered["purpose"]),
        event.occurred_at,
        accepted=said in POSITIVE,
        opted_out=said in OPT_OUTS,
        features=kept,
    )


def held_contact(
    contact_id: str, record: DecisionRecord, offered: Mapping[str, object], at: datetime
) -> Contact:
    group, category = offered.get("group"), offered.get("category")
    return Contact(
        contact_id,
        record.customer_id,
        Channel(str(offered["channel"])),
        str(offered["purpose"]),
        record.decided_at,
        action_id=str(offered["action"]),
        action_group=str(group) if group else None,
        category=str(category) if category else None,
        direction=record.direction,
        confirmed_at=at,
    )


def parse_decision_outcome(value: Outcome | str) -> Outcome:
    """An outcome a decision's action may get, or a ValidationError naming the choices."""
    allowed = {o.value: o for o in DECISION_OUTCOMES}
    found = allowed.get(value.value if isinstance(value, Outcome) else str(value).strip())
    if found is None:
        raise ValidationError("outcome", value, "must be one of " + ", ".join(allowed))
    return found


def offered_action(record: DecisionRecord, action_id: str) -> Mapping[str, object]:
    """The action as the decision offered it, or held it back (then it has ``control``)."""
    for part in ("actions", "withheld"):
        actions = record.body.get(part)
        for offered in actions if isinstance(actions, list) else []:
            if isinstance(offered, Mapping) and offered.get("action") == action_id:
                return offered
    raise ValidationError("action", action_id, f"was not offered by decision {record.decision_id}")
