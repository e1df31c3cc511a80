"""Scoring and arbitration: what each candidate that passed the contact policy is worth.

The scorer sees all of a decision's candidates at once (a learner scores them in one
vectorised step); each then gets its expected net value, and one not above the catalog's
threshold stops at arbitration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from cortesia.domain.catalog import Action, ChannelTreatment, Economics
from cortesia.domain.decisions import CandidateTrace, Scores, Stage
from cortesia.domain.policy.context import Question
from cortesia.domain.vocabulary import Channel
from cortesia.engine.scoring import ActionScorer, ErodedValue
from cortesia.engine.selection import Weighed
from cortesia.engine.uplift_book import UpliftBook


class Passed(NamedTuple):
    """A candidate the contact policy allows, with the question it was asked (a named
    tuple: one is built for every such candidate of every decision)."""

    action: Action
    treatment: ChannelTreatment
    question: Question


@dataclass(frozen=True, slots=True)
class Pricing:
    """What the arbitration needs besides the candidates.

    ``uplift``: trained uplift models; where one passes the catalog's Qini bar, its
    uplift replaces ``propensity − baseline`` (response) or ``p_optout`` (opt-out), and
    ``used`` records it for the decision.
    """

    channel: Channel
    direction: str
    env: Mapping[str, object]
    economics: Economics
    scorer: ActionScorer
    eroded: ErodedValue
    uplift: UpliftBook | None = None
    used: dict[str, dict[str, object]] = field(default_factory=dict)


def arbitrate(
    passed: Sequence[Passed], pricing: Pricing
) -> tuple[list[Weighed], list[CandidateTrace]]:
    """The candidates worth offering, and a trace row for each one that is not."""
    env, economics = pricing.env, pricing.economics
    trace: list[CandidateTrace] = []
    valued: list[tuple[Passed, float, float]] = []
    for item in passed:
        value, levers = item.action.value.number(env), item.action.levers.number(env)
        if value is None or levers is None:
            rule = item.action.value if value is None else item.action.levers
            why = f"`{rule.text}` could not be computed (a value it reads is missing)"
            trace.append(_stop(item, pricing.channel, Stage.SCORING, why))
        else:
            valued.append((item, value, levers))
    asked = [(item.action, pricing.channel, pricing.direction) for item, _, _ in valued]
    odds = pricing.scorer.score_many(asked, env, economics)
    weighed: list[Weighed] = []
    eroded: dict[str, float] = {}  # L depends on the purpose, not on the action: once each
    for (item, value, levers), said in zip(valued, odds, strict=True):
        baseline = economics.baseline.get(item.action.category, 0.0)
        p_optout = said.opt_out
        if pricing.uplift is not None:
            baseline, p_optout = _uplifted(pricing, item.action, said.accept, baseline, p_optout)
        purpose = item.action.purpose
        lost = eroded.get(purpose)
        if lost is None:
            lost = eroded[purpose] = pricing.eroded.eroded_value(
                env, pricing.channel, purpose, economics
            )
        scores = Scores(said.accept, baseline, value, p_optout, lost, item.treatment.cost, levers)
        if scores.expected_net_value <= economics.threshold:
            why = (
                f"expected net value {scores.expected_net_value:.2f} is not above "
                f"the threshold {economics.threshold:.2f}"
            )
            trace.append(_stop(item, pricing.channel, Stage.ARBITRATION, why, scores))
        else:
            weighed.append(Weighed(item.action, item.treatment, scores, item.question))
    return weighed, trace


def _uplifted(
    pricing: Pricing, action: Action, propensity: float, baseline: float, p_optout: float
) -> tuple[float, float]:
    """The baseline and P(opt-out) with the action's (or its group's) uplift models where
    they qualify: the response uplift sets the baseline to ``propensity − uplift`` (so the
    lift is the uplift); the opt-out uplift (never below 0) is the opt-outs a contact
    causes."""
    book, env, bar = pricing.uplift, pricing.env, pricing.economics.uplift_min_qini
    assert book is not None
    action_id, group = action.action_id, action.group
    response = book.lift(action_id, "response", env, bar, group)
    if response is not None:
        baseline = propensity - response.uplift
        pricing.used.setdefault(action_id, {})["response"] = response.as_dict()
    opt_out = book.lift(action_id, "opt_out", env, bar, group)
    if opt_out is not None:
        p_optout = max(0.0, opt_out.uplift)
        pricing.used.setdefault(action_id, {})["opt_out"] = opt_out.as_dict()
    return baseline, p_optout


def _stop(
    item: Passed, channel: Channel, stage: Stage, reason: str, scores: Scores | None = None
) -> CandidateTrace:
    return CandidateTrace(item.action.action_id, channel, stage, False, reason, scores)
