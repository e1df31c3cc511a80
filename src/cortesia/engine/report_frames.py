"""The decision log, its outcomes and the consent ledger as frames for the reports.

``offers``: one row per action a decision sent (treated) or held back as a control, with
what the decision knew of it (value V, L, cost) and what came of it; ``consent``: the
opt-outs and opt-ins of the period; ``answers``: one row per outcome reported for an
offer (for the interaction-history export). Column contracts are those of
``cortesia.batch.optout_report`` and ``cortesia.batch.ih_export``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from cortesia.domain.chain_check import UnreadableEvent
from cortesia.domain.consent import ConsentEvent
from cortesia.domain.decisions import POSITIVE
from cortesia.domain.vocabulary import ConsentKind
from cortesia.engine.decision_ports import DecisionRecord, OutcomeEvent
from cortesia.engine.ports import Store

HISTORY = timedelta(days=30)  # contacts counted before each offer (the fatigue features)
_POSITIVE = frozenset(o.value for o in POSITIVE)
_KINDS = {
    ConsentKind.OPT_OUT: "withdrawn",
    ConsentKind.OPT_IN: "granted",
    ConsentKind.DOUBLE_OPT_IN_CONFIRMED: "granted",
}

OFFER_SCHEMA: dict[str, pl.DataType] = {
    "decision_id": pl.String(),
    "customer_id": pl.String(),
    "decided_at": pl.Datetime("us", "UTC"),
    "action_id": pl.String(),
    "campaign": pl.String(),
    "channel": pl.String(),
    "purpose": pl.String(),
    "segment": pl.String(),
    "control": pl.String(),
    "value": pl.Float64(),
    "eroded_value": pl.Float64(),
    "cost": pl.Float64(),
    "propensity": pl.Float64(),
    "responded": pl.Boolean(),
    "contacts_30d": pl.Int64(),
    "days_since_last": pl.Float64(),
    "group": pl.String(),  # the action's group (issue/group) in the catalog
}
CONSENT_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String(),
    "channel": pl.String(),
    "purpose": pl.String(),
    "occurred_at": pl.Datetime("us", "UTC"),
    "kind": pl.String(),
    "source": pl.String(),
    "value": pl.Float64(),
}


@dataclass(frozen=True, slots=True)
class ReportFrames:
    """What the reports read, for decisions made in ``[start, end)``."""

    offers: pl.DataFrame
    consent: pl.DataFrame
    # One row per (offer, outcome), an offer without any once with nulls: the offer
    # columns, outcome, outcome_at, direction, treatment (the IH export's input).
    answers: pl.DataFrame


def report_frames(
    store: Store, start: datetime, end: datetime, window: timedelta, segment_attribute: str
) -> ReportFrames:
    """Read the period (and the 30 days before it, for the fatigue features)."""
    records = list(store.decisions_between(start - HISTORY, end))
    outcomes = _by_offer(store.outcomes_between(start - HISTORY, end))
    segments = _segments(store, {r.customer_id for r in records}, segment_attribute)
    rows, answers = _offer_rows(records, outcomes, segments, start)
    offers = pl.DataFrame(rows, schema=OFFER_SCHEMA, orient="row")
    latest = (  # rows are in time order: the last L known of each customer and channel
        offers.drop_nulls("eroded_value")
        .group_by("customer_id", "channel")
        .agg(pl.col("eroded_value").last())
    )
    latest_l = {(c, ch): v for c, ch, v in latest.iter_rows()}
    consent = _consent_rows(store.iter_events(), start, end + window, latest_l)
    answer_schema = {
        **OFFER_SCHEMA,
        "outcome": pl.String(),
        "outcome_at": OFFER_SCHEMA["decided_at"],
        "direction": pl.String(),
        "treatment": pl.String(),
    }
    return ReportFrames(
        offers,
        pl.DataFrame(consent, schema=CONSENT_SCHEMA, orient="row"),
        pl.DataFrame(answers, schema=answer_schema, orient="row"),
    )


def _by_offer(events: Iterable[OutcomeEvent]) -> dict[tuple[str, str], list[OutcomeEvent]]:
    found: dict[tuple[str, str], list[OutcomeEvent]] = defaultdict(list)
    for event in events:
        if not event.outcome.startswith("counted:"):  # the count markers are not answers
            found[(event.decision_id, event.action_id)].append(event)
    return found


def _segments(store: Store, customers: set[str], attribute: str) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for customer_id in customers:
        customer = store.get_customer(customer_id)
        value = None if customer is None else customer.attributes.get(attribute)
        found[customer_id] = None if value is None else str(value)
    return found


def _offer_rows(
    records: list[DecisionRecord],
    outcomes: Mapping[tuple[str, str], list[OutcomeEvent]],
    segments: Mapping[str, str | None],
    start: datetime,
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    sent: dict[tuple[str, str], list[datetime]] = defaultdict(list)  # (customer, channel)
    rows: list[tuple[object, ...]] = []
    answers: list[tuple[object, ...]] = []
    for record in records:  # in time order: each offer sees the contacts before it
        for item, control in _items(record.body):
            channel = str(item.get("channel", record.channel.value))
            before = sent[(record.customer_id, channel)]
            if control is None:
                before.append(record.decided_at)
            if record.decided_at < start:
                continue
            told = outcomes.get((record.decision_id, str(item.get("action"))), [])
            row = _offer_row(record, item, control, segments, told, before)
            rows.append(row)
            said: list[tuple[str | None, datetime | None]] = [
                (e.outcome, e.occurred_at) for e in told
            ] or [(None, None)]
            extra = (record.direction, item.get("treatment"))
            answers.extend((*row, outcome, when, *extra) for outcome, when in said)
    return rows, answers


def _items(body: Mapping[str, object]) -> Iterable[tuple[Mapping[str, object], str | None]]:
    for part in ("actions", "withheld"):
        listed = body.get(part)
        for item in listed if isinstance(listed, list) else []:
            if isinstance(item, Mapping):
                control = item.get("control")
                yield item, str(control) if control is not None else None


def _offer_row(
    record: DecisionRecord,
    item: Mapping[str, object],
    control: str | None,
    segments: Mapping[str, str | None],
    told: list[OutcomeEvent],
    before: list[datetime],
) -> tuple[object, ...]:
    at = record.decided_at
    earlier = [t for t in before if at - HISTORY <= t < at]
    context = record.body.get("context")
    campaign = context.get("campaign") if isinstance(context, Mapping) else None
    last = max(earlier, default=None)
    return (
        record.decision_id,
        record.customer_id,
        at,
        str(item.get("action")),
        str(campaign) if campaign else str(item.get("group") or item.get("action")),
        str(item.get("channel", record.channel.value)),
        str(item.get("purpose")),
        segments.get(record.customer_id),
        control,
        _number(item.get("value")),
        _number(item.get("eroded_value")),
        _number(item.get("cost")),
        _number(item.get("propensity")),
        any(e.outcome in _POSITIVE for e in told),
        len(earlier),
        None if last is None else (at - last).total_seconds() / 86_400,
        str(item["group"]) if item.get("group") else None,
    )


def _consent_rows(
    events: Iterable[ConsentEvent | UnreadableEvent],
    start: datetime,
    end: datetime,
    latest_l: Mapping[tuple[str, str], float],
) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for event in events:
        if isinstance(event, UnreadableEvent) or event.kind not in _KINDS:
            continue
        if not start <= event.occurred_at < end:
            continue
        channel = event.channel.value
        from_outcome = event.idempotency_key.startswith("outcome:")
        rows.append(
            (
                event.customer_id,
                channel,
                event.purpose,
                event.occurred_at,
                _KINDS[event.kind],
                "outcome" if from_outcome else event.source.value,
                latest_l.get((event.customer_id, channel)),
            )
        )
    return rows


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
