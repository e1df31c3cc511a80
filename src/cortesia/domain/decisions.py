"""A next-best-action decision: what was weighed, where each candidate stopped, what was chosen.

One decision runs the stages in order (candidates → eligibility → policy → scoring →
arbitration → selection). A candidate that stops is a *value* in the trace, never an
exception: it carries the stage it reached and why it stopped there.

>>> scores = Scores(propensity=0.05, baseline=0.0, value=120.0, p_optout=0.001,
...                 eroded_value=150.0, cost=0.02, levers=1.0)
>>> round(scores.expected_net_value, 4), round(scores.priority, 4)
(5.83, 5.83)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from cortesia.domain.contacts import Outcome
from cortesia.domain.vocabulary import Channel

# What an analyst may put in a decision's context: plain JSON scalars.
ContextValue = str | int | float | bool | None


class Stage(StrEnum):
    """The stages of a decision, in the order a candidate goes through them."""

    CANDIDATES = "candidates"
    ELIGIBILITY = "eligibility"
    POLICY = "policy"
    SCORING = "scoring"
    ARBITRATION = "arbitration"
    SELECTION = "selection"
    CONTROL = "control"  # would have been chosen; held back as a control (not sent)
    CHOSEN = "chosen"


# Outcomes that answer the offer: each counts once as a trial of the action's propensity.
POSITIVE = frozenset({Outcome.ACCEPTED, Outcome.CLICKED, Outcome.CONVERTED})
NEGATIVE = frozenset({Outcome.REJECTED, Outcome.IGNORED})
OPT_OUTS = frozenset({Outcome.OPTED_OUT, Outcome.COMPLAINED})
# What a channel may report about a decision's action (``reached`` belongs to call logs).
DECISION_OUTCOMES = (*sorted(POSITIVE | NEGATIVE | OPT_OUTS), Outcome.DELIVERED, Outcome.FAILED)


# Named tuples rather than frozen dataclasses: one is built for every candidate of every
# decision, and a frozen dataclass costs five times as much to build.
class Scores(NamedTuple):
    """The arbitration's figures for one action on one channel.

    ``expected_net_value`` (ENV) is the value the contact adds net of the value it puts at
    risk: ``(propensity − baseline) · value − p_optout · eroded_value − cost``; the
    ``priority`` ranks actions: ENV times the levers.
    """

    propensity: float
    baseline: float
    value: float
    p_optout: float
    eroded_value: float
    cost: float
    levers: float

    @property
    def expected_net_value(self) -> float:
        lift = self.propensity - self.baseline
        return lift * self.value - self.p_optout * self.eroded_value - self.cost

    @property
    def priority(self) -> float:
        return self.expected_net_value * self.levers

    def as_dict(self) -> dict[str, float]:
        return {
            "propensity": self.propensity,
            "baseline": self.baseline,
            "value": self.value,
            "p_optout": self.p_optout,
            "eroded_value": self.eroded_value,
            "cost": self.cost,
            "levers": self.levers,
            "expected_net_value": self.expected_net_value,
            "priority": self.priority,
        }


class CandidateTrace(NamedTuple):
    """How far one action went, and why it stopped (``passed`` only for the chosen)."""

    action_id: str
    channel: Channel
    stage: Stage
    passed: bool
    reason: str
    scores: Scores | None = None
    code: str | None = None  # a reason the catalog can say again (see decision_record)

    def as_dict(self) -> dict[str, object]:
        """The trace row of a decision's answer (its scores stay in the stored decision)."""
        # str() of a StrEnum member is its value, without the enum property's lookup.
        return {
            "action": self.action_id,
            "stage": str(self.stage),
            "passed": self.passed,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class ChosenAction:
    """An action the decision offers, with the contact that holds its slot."""

    action_id: str
    name: str
    channel: Channel
    purpose: str
    treatment: str
    group: str
    category: str
    scores: Scores
    contact_id: str | None

    def as_dict(self) -> dict[str, object]:
        scores = self.scores
        return {
            "action": self.action_id,
            "name": self.name,
            "channel": self.channel.value,
            "purpose": self.purpose,
            "treatment": self.treatment,
            "group": self.group,
            "category": self.category,
            "propensity": scores.propensity,
            "value": scores.value,
            "p_optout": scores.p_optout,
            "eroded_value": scores.eroded_value,
            "cost": scores.cost,
            "expected_net_value": scores.expected_net_value,
            "priority": scores.priority,
            "contact_id": self.contact_id,
        }


@dataclass(frozen=True, slots=True)
class WithheldAction:
    """An action the decision would have sent, held back because the customer is in a
    control group (``control``: "global" or "action"); logged, not sent."""

    action: ChosenAction
    control: str

    def as_dict(self) -> dict[str, object]:
        return {**self.action.as_dict(), "control": self.control}


@dataclass(frozen=True, slots=True)
class Versions:
    """What the decision was made with."""

    catalog: int
    policy: str
    model: str

    def as_dict(self) -> dict[str, object]:
        return {"catalog": self.catalog, "policy": self.policy, "model": self.model}


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision for one customer on one channel at one instant."""

    decision_id: str
    customer_id: str
    decided_at: datetime
    channel: Channel
    direction: str
    context: Mapping[str, ContextValue]
    actions: tuple[ChosenAction, ...]
    reason: str
    trace: tuple[CandidateTrace, ...]
    versions: Versions
    language: str | None = None
    extra: Mapping[str, object] = field(default_factory=dict)
    withheld: tuple[WithheldAction, ...] = ()

    @property
    def silent(self) -> bool:
        """True when the channel sends nothing (a decision whose actions were all held
        back as controls is silent too)."""
        return not self.actions

    def as_dict(self) -> dict[str, object]:
        """The decision as the CLI and the API show it."""
        found = self.header()
        # CandidateTrace.as_dict for every row, unpacked in place (one row per candidate).
        found["trace"] = [
            {"action": action, "stage": str(stage), "passed": passed, "reason": reason}
            for action, _channel, stage, passed, reason, _scores, _code in self.trace
        ]
        return found

    def header(self) -> dict[str, object]:
        """Everything but the trace."""
        return {
            "decision_id": self.decision_id,
            "customer": self.customer_id,
            "decided_at": self.decided_at.isoformat(),
            "channel": self.channel.value,
            "direction": self.direction,
            "context": dict(self.context),
            "actions": [a.as_dict() for a in self.actions],
            "withheld": [w.as_dict() for w in self.withheld],
            "silent": self.silent,
            "reason": self.reason,
            "versions": self.versions.as_dict(),
            "language": self.language,
            **self.extra,
        }
