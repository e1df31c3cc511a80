"""Selection: the best actions by priority, one per group, within volume limits and budgets.

Candidates that passed arbitration are taken in priority order (ties by action id). Each
one still has to find room: the decision's limit, a group not yet served, its daily
volume and budget (taken atomically across processes), and a contact slot held under
the customer's lock (a concurrent decision may have taken the last one).

A candidate that finds room but whose customer is in a control group for it (the global
holdout, or the action's own control) is held back: it takes its place in the decision
as "would have been sent" but no volume, budget or contact slot, and is not sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from cortesia.domain.catalog import Action, ChannelTreatment
from cortesia.domain.controls import ControlDesign
from cortesia.domain.decisions import CandidateTrace, ChosenAction, Scores, Stage, WithheldAction
from cortesia.domain.policy.context import Question
from cortesia.engine.candidates import policy_stop
from cortesia.engine.customer_policy import CustomerPolicy
from cortesia.engine.decision_ports import VolumeClaim, VolumeCounters
from cortesia.engine.policy import PolicyService


class Weighed(NamedTuple):
    """A candidate that passed arbitration, with its scores and its policy question."""

    action: Action
    treatment: ChannelTreatment
    scores: Scores
    question: Question


@dataclass(frozen=True, slots=True)
class Room:
    """Where the chosen actions must fit."""

    limit: int
    day: date
    language: str | None
    customer_id: str = ""
    controls: ControlDesign | None = None


def volume_claims(action: Action, treatment: ChannelTreatment, day: date) -> list[VolumeClaim]:
    """The daily counters this contact takes: its channel's, and the action's own."""
    claims = []
    if treatment.daily_limit is not None:
        key = f"{action.action_id}|{treatment.channel.value}"
        claims.append(VolumeClaim(key, day, treatment.daily_limit, treatment.cost, None))
    if action.daily_limit is not None or action.daily_budget is not None:
        key = f"{action.action_id}|*"
        claims.append(
            VolumeClaim(key, day, action.daily_limit, treatment.cost, action.daily_budget)
        )
    return claims


def select(
    weighed: Sequence[Weighed],
    room: Room,
    session: CustomerPolicy,
    policy: PolicyService,
    volumes: VolumeCounters,
) -> tuple[list[ChosenAction], list[WithheldAction], list[CandidateTrace]]:
    """Choose in priority order; every candidate not chosen says why."""
    chosen: list[ChosenAction] = []
    withheld: list[WithheldAction] = []
    trace: list[CandidateTrace] = []
    groups: dict[str, str] = {}
    ranked = sorted(weighed, key=lambda w: (-w.scores.priority, w.action.action_id))
    for rank, item in enumerate(ranked, start=1):
        why = _no_room(item, rank, room, len(chosen) + len(withheld), groups)
        control = _control(item, room) if why is None else None
        if control is not None:
            withheld.append(WithheldAction(_chosen(item, None, room.language), control))
            groups[item.action.group] = item.action.action_id
            trace.append(_trace(item, Stage.CONTROL, False, _held_back(control, rank)))
            continue
        if why is None:
            why, contact_id = _take(item, room, session, policy, volumes)
            if why is None:
                chosen.append(_chosen(item, contact_id, room.language))
                groups[item.action.group] = item.action.action_id
                trace.append(_trace(item, Stage.CHOSEN, True, f"chosen (rank {rank})"))
                continue
        trace.append(_trace(item, Stage.SELECTION, False, why))
    return chosen, withheld, trace


def _control(item: Weighed, room: Room) -> str | None:
    if room.controls is None:
        return None
    action = item.action
    found = room.controls.control_of(
        room.customer_id, action.action_id, action.purpose, action.control_share
    )
    return None if found is None else found.value


def _held_back(control: str, rank: int) -> str:
    group = "the global holdout" if control == "global" else "this action's control group"
    return f"would have been sent (rank {rank}); held back: the customer is in {group}"


def _no_room(
    item: Weighed, rank: int, room: Room, taken: int, groups: dict[str, str]
) -> str | None:
    if taken >= room.limit:
        return f"rank {rank}: below the top {room.limit} on this channel"
    holder = groups.get(item.action.group)
    if holder is not None:
        return f"one action per group: {holder} already chosen for {item.action.group}"
    return None


def _take(
    item: Weighed,
    room: Room,
    session: CustomerPolicy,
    policy: PolicyService,
    volumes: VolumeCounters,
) -> tuple[str | None, str | None]:
    claims = volume_claims(item.action, item.treatment, room.day)
    if claims and not volumes.take_volume(claims):
        return "daily volume limit or budget reached", None
    held = policy.hold(session, item.question)
    if held.contact is None:
        if claims:
            volumes.give_back_volume(claims)
        refused = policy_stop(held.verdict) or "the contact policy refused the slot"
        return f"slot taken meanwhile: {refused}", None
    return None, held.contact.contact_id


def _chosen(item: Weighed, contact_id: str | None, language: str | None) -> ChosenAction:
    action = item.action
    return ChosenAction(
        action.action_id,
        action.name.get(language),
        item.treatment.channel,
        action.purpose,
        item.treatment.treatment,
        action.group,
        action.category.value,
        item.scores,
        contact_id,
    )


def _trace(item: Weighed, stage: Stage, passed: bool, reason: str) -> CandidateTrace:
    channel = item.treatment.channel
    return CandidateTrace(item.action.action_id, channel, stage, passed, reason, item.scores)
