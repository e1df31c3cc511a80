"""Generated outcomes: decisions run day after day, answered from a known truth.

For demonstrations and tests of the reports until a full simulator exists: each day every
customer asked about gets a decision on the channel; each action sent is answered from
the truth (accept with ``accept_contacted``, opt out with ``opt_out`` times a fatigue
factor that grows with the contacts of the previous 7 days, else ignored); each action
held back as a control is answered from what happens without a contact
(``accept_organic``, ``opt_out_organic``). Draws come from one seeded generator, so a run
is repeatable.

Truth (a TOML table or mapping)::

    [default]
    accept_contacted = 0.02
    accept_organic = 0.01
    opt_out = 0.002
    opt_out_organic = 0.0002
    fatigue = 0.5          # opt-out × (1 + fatigue · contacts in the previous 7 days)

    [actions.spam_promo]   # any of the keys above, per action
    accept_contacted = 0.011
    opt_out = 0.03
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta

from cortesia.domain.decisions import Decision
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.hub import Engine
from cortesia.errors import ValidationError

ANSWER_DELAY = timedelta(hours=2)  # when the customer answers, after the decision


@dataclass(frozen=True, slots=True)
class ActionTruth:
    """How customers really answer one action (unknown to the decision)."""

    accept_contacted: float = 0.02
    accept_organic: float = 0.01
    opt_out: float = 0.002
    opt_out_organic: float = 0.0002
    fatigue: float = 0.5


@dataclass(frozen=True, slots=True)
class Truth:
    default: ActionTruth
    actions: Mapping[str, ActionTruth]

    def of(self, action_id: str) -> ActionTruth:
        return self.actions.get(action_id, self.default)


@dataclass(frozen=True, slots=True)
class SimulationSummary:
    decisions: int
    sent: int
    withheld: int
    accepted: int
    opted_out: int

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def parse_truth(document: Mapping[str, object]) -> Truth:
    """The truth from a mapping; unknown keys and rates outside [0, 1] are refused."""
    default = _action_truth(document.get("default", {}), "default", ActionTruth())
    listed = document.get("actions", {})
    if not isinstance(listed, Mapping):
        raise ValidationError("actions", listed, "must be a table of actions")
    actions = {str(k): _action_truth(v, f"actions.{k}", default) for k, v in listed.items()}
    unknown = set(document) - {"default", "actions"}
    if unknown:
        raise ValidationError(sorted(unknown)[0], None, "unknown key; use default or actions")
    return Truth(default, actions)


def _action_truth(value: object, path: str, base: ActionTruth) -> ActionTruth:
    if not isinstance(value, Mapping):
        raise ValidationError(path, value, "must be a table of rates")
    known = {f.name for f in fields(ActionTruth)}
    changes: dict[str, float] = {}
    for key, rate in value.items():
        if key not in known:
            raise ValidationError(f"{path}.{key}", rate, f"unknown; one of {sorted(known)}")
        if isinstance(rate, bool) or not isinstance(rate, int | float):
            raise ValidationError(f"{path}.{key}", rate, "must be a number")
        upper = float("inf") if key == "fatigue" else 1.0
        if not 0.0 <= rate <= upper:
            raise ValidationError(f"{path}.{key}", rate, "must be a rate from 0 to 1")
        changes[str(key)] = float(rate)
    return replace(base, **changes)


def simulate(
    engine: Engine,
    customers: Sequence[str],
    channel: Channel,
    start: datetime,
    days: int,
    truth: Truth,
    *,
    seed: int = 7,
    context: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    clock_to: Callable[[datetime], None] | None = None,
) -> SimulationSummary:
    """Decide for every customer each day from ``start`` and answer from ``truth``.

    ``clock_to`` moves the engine's clock (a ``FrozenClock``) along with the simulated
    days, so that answers are never recorded ahead of the clock."""
    if days < 1:
        raise ValidationError("days", days, "must be at least 1")
    draw = random.Random(seed)  # noqa: S311 - a simulation, not a secret
    counts = {"decisions": 0, "sent": 0, "withheld": 0, "accepted": 0, "opted_out": 0}
    recent: dict[str, list[datetime]] = {}
    total = days * len(customers)
    for day in range(days):
        at = start + timedelta(days=day)
        if clock_to is not None:
            clock_to(at + ANSWER_DELAY)
        for n, customer in enumerate(customers):
            request = DecisionRequest(customer, channel, context=dict(context or {}), at=at)
            decision = engine.decisions.decide(request)
            counts["decisions"] += 1
            _answer(engine, decision, truth, draw, recent.setdefault(customer, []), counts)
            if progress is not None:
                progress(day * len(customers) + n + 1, total)
    return SimulationSummary(**counts)


def _answer(
    engine: Engine,
    decision: Decision,
    truth: Truth,
    draw: random.Random,
    recent: list[datetime],
    counts: dict[str, int],
) -> None:
    at = decision.decided_at
    week = sum(1 for t in recent if at - timedelta(days=7) <= t < at)
    for chosen in decision.actions:
        rates = truth.of(chosen.action_id)
        counts["sent"] += 1
        recent.append(at)
        opt_out = min(1.0, rates.opt_out * (1.0 + rates.fatigue * week))
        outcome = _outcome(draw, opt_out, rates.accept_contacted, "ignored")
        _record(engine, decision, chosen.action_id, outcome, counts)
    for held in decision.withheld:
        rates = truth.of(held.action.action_id)
        counts["withheld"] += 1
        outcome = _outcome(draw, rates.opt_out_organic, rates.accept_organic, None)
        _record(engine, decision, held.action.action_id, outcome, counts)


def _outcome(draw: random.Random, opt_out: float, accept: float, other: str | None) -> str | None:
    roll = draw.random()
    if roll < opt_out:
        return "opted_out"
    if roll < opt_out + accept:
        return "converted"
    return other


def _record(
    engine: Engine, decision: Decision, action_id: str, outcome: str | None, counts: dict[str, int]
) -> None:
    if outcome is None:
        return
    at = decision.decided_at + ANSWER_DELAY
    engine.outcomes.record(decision.decision_id, action_id, outcome, at=at)
    if outcome == "converted":
        counts["accepted"] += 1
    elif outcome == "opted_out":
        counts["opted_out"] += 1
