"""Scoring: the probabilities the arbitration weighs, behind one interface.

``ActionScorer`` is the model interface the adaptive learners fill. Until they do, the
engine scores with ``BetaPropensity``: for each action × channel × direction,

    P(accept | contact)  = (α + accepts)  / (α + β + trials)
    P(opt-out | contact) = (α' + opt-outs) / (α' + β' + trials)

the means of Beta priors updated by the outcomes reported so far. The priors come from
the catalog (``accept_prior`` and ``opt_out_prior``, or an action's own
``propensity_prior``): a new action starts at its prior mean and moves towards its
observed rate as outcomes arrive. Counts are shared through the store, so every process
learns from every outcome; each process re-reads them at most every ``refresh_seconds``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from cortesia.domain.catalog import Action, Economics
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decision_ports import ResponseCount, ResponseCounts

_NONE = ResponseCount(0, 0, 0)


@dataclass(frozen=True, slots=True)
class Propensities:
    """What a model says of one contact: P(accept | contact) and P(opt-out | contact)."""

    accept: float
    opt_out: float


class ActionScorer(Protocol):
    """Scores actions for one customer; ``version`` names the model state used."""

    @property
    def version(self) -> str: ...

    def score(
        self,
        action: Action,
        channel: Channel,
        direction: str,
        env: Mapping[str, object],
        economics: Economics,
    ) -> Propensities: ...

    def score_many(
        self,
        candidates: Sequence[tuple[Action, Channel, str]],
        env: Mapping[str, object],
        economics: Economics,
    ) -> list[Propensities]:
        """``score`` for every candidate of one decision (a learner does it at once)."""
        ...

    def features(self, env: Mapping[str, object]) -> Mapping[str, object] | None:
        """What the decision must keep so its outcome can teach the scorer (None: nothing)."""
        ...

    def models(self) -> list[dict[str, object]]:
        """Every model the scorer keeps, with its evidence and quality."""
        ...

    def model(self, model_id: str) -> dict[str, object]:
        """One model; KeyError when there is none of that id."""
        ...


class BetaPropensity:
    """Beta-prior propensity per action × channel × direction, updated from outcomes."""

    def __init__(
        self,
        counts: ResponseCounts,
        *,
        refresh_seconds: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._counts = counts
        self.refresh_seconds = refresh_seconds
        self._monotonic = monotonic
        self._table: dict[tuple[str, Channel, str], ResponseCount] = {}
        self._read_at: float | None = None
        self._version = "beta-prior:0"

    @property
    def version(self) -> str:
        self._refresh()
        return self._version

    def score(
        self,
        action: Action,
        channel: Channel,
        direction: str,
        env: Mapping[str, object],
        economics: Economics,
    ) -> Propensities:
        self._refresh()
        seen = self._table.get((action.action_id, channel, direction), _NONE)
        alpha, beta = action.propensity_prior or economics.accept_prior
        alpha_o, beta_o = economics.opt_out_prior
        return Propensities(
            (alpha + seen.accepts) / (alpha + beta + seen.trials),
            (alpha_o + seen.opt_outs) / (alpha_o + beta_o + seen.trials),
        )

    def score_many(
        self,
        candidates: Sequence[tuple[Action, Channel, str]],
        env: Mapping[str, object],
        economics: Economics,
    ) -> list[Propensities]:
        return [self.score(a, c, d, env, economics) for a, c, d in candidates]

    def features(self, env: Mapping[str, object]) -> Mapping[str, object] | None:
        return None  # it learns from the response counts, not from features

    def models(self) -> list[dict[str, object]]:
        """One Beta model per action × channel × direction that has seen an answer."""
        self._refresh()
        return [self._view(key, seen) for key, seen in sorted(self._table.items())]

    def model(self, model_id: str) -> dict[str, object]:
        self._refresh()
        for key, seen in self._table.items():
            if _beta_id(key) == model_id:
                return self._view(key, seen)
        raise KeyError(model_id)

    def _view(self, key: tuple[str, Channel, str], seen: ResponseCount) -> dict[str, object]:
        action, channel, direction = key
        return {
            "id": _beta_id(key),
            "kind": "beta propensity",
            "action": action,
            "channel": channel.value,
            "direction": direction,
            "evidence": seen.trials,
            "positives": seen.accepts,
            "opt_outs": seen.opt_outs,
            "auc": None,  # a prior per action scores every customer alike: no ranking
        }

    def forget_cache(self) -> None:
        """Read the counts again at the next score (after this process wrote some)."""
        self._read_at = None

    def _refresh(self) -> None:
        now = self._monotonic()
        if self._read_at is not None and now - self._read_at < self.refresh_seconds:
            return
        self._table = self._counts.response_counts()
        self._read_at = now
        trials = sum(c.trials for c in self._table.values())
        self._version = f"beta-prior:{trials}"


def _beta_id(key: tuple[str, Channel, str]) -> str:
    action, channel, direction = key
    return f"beta:{action}|{channel.value}|{direction}"


class ErodedValue(Protocol):
    """L: the value lost if this customer opts out of this channel and purpose."""

    def customer_env(self, customer_id: str) -> Mapping[str, object]:
        """Variables of the customer this estimate reads (added to the decision's
        variables, so rules may read them too); read once per decision."""
        ...

    def eroded_value(
        self, env: Mapping[str, object], channel: Channel, purpose: str, economics: Economics
    ) -> float: ...


class SegmentErodedValue:
    """L by segment, from the catalog's economics, until lifetime-value models fill it.

    The customer's ``economics.eroded_value_attribute`` (``segment`` by default) picks the
    estimate in ``economics.eroded_value``; a customer without one, or with a value not
    listed, gets ``economics.default_eroded_value``.
    """

    def customer_env(self, customer_id: str) -> Mapping[str, object]:
        return {}

    def eroded_value(
        self, env: Mapping[str, object], channel: Channel, purpose: str, economics: Economics
    ) -> float:
        key = env.get(economics.eroded_value_attribute)
        if isinstance(key, str) and key in economics.eroded_value:
            return economics.eroded_value[key]
        return economics.default_eroded_value
