"""Adaptive scoring: the learners score every decision and learn from every answered offer.

``AdaptiveScorer`` fills the decision's scoring stage with two online Bayesian learners:

- **propensity** — a ``BayesianLogisticBank``, one model per action × channel × direction
  over the customer's features, all scored at once, and in the same bank one per action
  group × channel × direction (what a new action of the group starts from). With
  ``explore`` (the default) the decision uses a Thompson draw from each model's posterior:
  a new action, uncertain, gets its fair chance; a mature one converges on its mean;
- **P(opt-out)** — ``OptOutRisk`` over the contact history, the channel, the purpose, the
  hour and the action's own propensity.

They learn from the learning log (``LearningLog``): an outcome that answers an offer
appends the features the decision saw, once per offer. Every process reads the log in its
order and applies what it has not seen, at most every ``refresh_seconds``, so every worker
learns from every outcome — none is lost, and all converge on the same models. The model
version a decision records is the position in the log its models had reached.

Beside each propensity model, ``AdaptiveEvidence`` keeps its outcomes binned by predictor,
so the models can be exported as Pega's ADM datamart (``datamart_models``).

The state is saved as a snapshot (``ModelSnapshots``) every ``snapshot_every`` events
learned, so a process starts from the latest snapshot and catches up from there instead
of replaying the whole log. Snapshots are pickles: the workspace database is trusted as
the code is. A snapshot of an older layout is set aside and the log replayed from its
start (the log keeps every event).

One outcome is learned in a single encoding of its features for the action's model and
its group's (``BayesianLogisticBank.learn_rows``), and one for the opt-out risk; each
update also yields the probability the model gave the outcome before learning it, which
the quality figures and the binned evidence count.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

import numpy as np

from cortesia.domain.catalog import Action, Economics
from cortesia.domain.vocabulary import Channel
from cortesia.engine.adaptive_evidence import AdaptiveEvidence, importance
from cortesia.engine.decision_ports import (
    LearningEvent,
    LearningLog,
    ModelSnapshot,
    ModelSnapshots,
)
from cortesia.engine.scoring import Propensities
from cortesia.models.adm_export import ModelEvidence, ModelIdentity
from cortesia.models.bank import BayesianLogisticBank
from cortesia.models.fatigue import OptOutRisk
from cortesia.models.quality import RunningQuality

Candidate = tuple[Action, Channel, str]


def model_features(env: Mapping[str, object]) -> dict[str, object]:
    """The decision variables the learners read: scalars, not dates, not the instant."""
    return {
        name: value
        for name, value in env.items()
        if isinstance(value, str | int | float | bool) and name not in _NOT_FEATURES
    }


_NOT_FEATURES = frozenset({"today", "time_zone"})
PROPENSITY = "offered_propensity"  # the key of the decision's propensity in learning features
GROUP = "offered_group"  # the key of the offered action's group in learning features


OPT_OUT_MODEL = "opt_out"
SNAPSHOT = "adaptive"
# The layout of a snapshot's state; an older one (the group models in a bank of their
# own) is not read: the log is replayed from its start instead.
STATE_LAYOUT = "adaptive-state-2"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _key(action_id: str, channel: Channel, direction: str) -> str:
    return f"{action_id}|{channel.value}|{direction}"


def _group_key(group: str, channel: Channel, direction: str) -> str:
    return f"group:{group}|{channel.value}|{direction}"


class AdaptiveScorer:
    """Scores with the learners; learns from the shared learning log."""

    def __init__(
        self,
        log: LearningLog,
        *,
        snapshots: ModelSnapshots | None = None,
        snapshot_every: int = 10_000,
        cold_start_evidence: float = 50.0,
        explore: bool = True,
        refresh_seconds: float = 1.0,
        seed: int = 0,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self._log = log
        self._now = now or _utc_now
        self._snapshots = snapshots
        self.snapshot_every = snapshot_every
        self._unsaved = 0
        self._restored = snapshots is None
        self.explore = explore
        self.refresh_seconds = refresh_seconds
        self._monotonic = monotonic
        self._rng = np.random.default_rng(seed)
        # Each action's model and, under ``group:`` keys, each action group's: what a new
        # action of the group starts from. One bank, so one encoding serves both.
        self.propensity = BayesianLogisticBank(prior_rate=0.02, seed=seed)
        self.cold_start_evidence = cold_start_evidence
        self.opt_out = OptOutRisk(seed=seed)
        self._cursor = 0
        self._read_at: float | None = None
        self.quality: dict[str, RunningQuality] = {}
        self.opt_out_quality = RunningQuality()
        self.evidence = AdaptiveEvidence()

    @property
    def version(self) -> str:
        self.catch_up()
        return f"adaptive:{self._cursor}"

    def features(self, env: Mapping[str, object]) -> dict[str, object]:
        """What to keep with the decision so its outcome can teach the learners."""
        return model_features(env)

    def score(
        self,
        action: Action,
        channel: Channel,
        direction: str,
        env: Mapping[str, object],
        economics: Economics,
    ) -> Propensities:
        return self.score_many([(action, channel, direction)], env, economics)[0]

    def score_many(
        self,
        candidates: Sequence[Candidate],
        env: Mapping[str, object],
        economics: Economics,
    ) -> list[Propensities]:
        """Every candidate of one decision at once."""
        if not candidates:
            return []
        self.catch_up()
        x = model_features(env)
        keys = [_key(a.action_id, c, d) for a, c, d in candidates]
        rows = keys + [_group_key(a.group, c, d) for a, c, d in candidates]
        if self.explore:
            both = self.propensity.sample_actions(x, rows, self._rng)
        else:
            both = self.propensity.predict_proba_actions(x, rows)
        own, kin = both[: len(keys)], both[len(keys) :]
        # Cold start: an action with little evidence leans on its group's model, and on its
        # own as its evidence grows (weight n / (n + cold_start_evidence)).
        seen = np.array([self._evidence(k) for k in keys], dtype=np.float64)
        trust = seen / (seen + self.cold_start_evidence)
        accept = trust * own + (1.0 - trust) * kin
        offers = [(c.value, a.purpose) for a, c, _ in candidates]
        risk = self.opt_out.predict_proba_offers(x, offers, accept)
        return [Propensities(float(p), float(r)) for p, r in zip(accept, risk, strict=True)]

    def _evidence(self, key: str) -> int:
        found = self.quality.get(key)
        return 0 if found is None else found.n

    def catch_up(self, *, force: bool = False) -> int:
        """Learn what the log holds beyond this process's position; returns how many."""
        now = self._monotonic()
        fresh = self._read_at is not None and now - self._read_at < self.refresh_seconds
        if fresh and not force:
            return 0
        self._read_at = now
        if not self._restored:
            self._restore()
        learned = 0
        while batch := self._log.learning_since(self._cursor):
            for seq, event in batch:
                self._learn(event)
                self._cursor = seq
            learned += len(batch)
        self._unsaved += learned
        if self._snapshots is not None and self._unsaved >= self.snapshot_every:
            self._save(self._snapshots)
        return learned

    def _state(self) -> tuple[object, ...]:
        return (
            STATE_LAYOUT,
            self.propensity,
            self.opt_out,
            self.quality,
            self.opt_out_quality,
            self._cursor,
            self.evidence,
        )

    def _restore(self) -> None:
        self._restored = True
        found = None if self._snapshots is None else self._snapshots.latest_model_snapshot(SNAPSHOT)
        if found is None or found.position <= self._cursor:
            return
        state = pickle.loads(found.state)  # noqa: S301  # our own snapshot, trusted store
        if state[0] != STATE_LAYOUT:
            return  # an older layout: the log, which keeps every event, is replayed instead
        (
            _,
            self.propensity,
            self.opt_out,
            self.quality,
            self.opt_out_quality,
            self._cursor,
            self.evidence,
        ) = state

    def _save(self, snapshots: ModelSnapshots) -> None:
        state = pickle.dumps(self._state(), protocol=pickle.HIGHEST_PROTOCOL)
        snapshots.save_model_snapshot(ModelSnapshot(SNAPSHOT, self._cursor, self._now(), state))
        self._unsaved = 0

    def _learn(self, event: LearningEvent) -> None:
        x = dict(event.features)
        # The propensity the decision weighed travels with the features; it is an input of
        # the opt-out risk, not of the propensity model itself.
        offered = x.pop(PROPENSITY, None)
        group = x.pop(GROUP, None)
        channel = event.channel
        key = _key(event.action_id, channel, event.direction)
        group = group if isinstance(group, str) else None
        rows = [key] if group is None else [key, _group_key(group, channel, event.direction)]
        # Scored before learning: the quality figures are on outcomes the model had not seen.
        before = self.propensity.learn_rows(x, rows, event.accepted)
        quality = self.quality.get(key)
        if quality is None:
            quality = self.quality[key] = RunningQuality()
        quality.add(before, event.accepted, event.occurred_at)
        self.evidence.learn(key, group, x, event.accepted, before)
        row = {**x, "channel": channel.value, "purpose": event.purpose}
        row["propensity"] = offered if isinstance(offered, float | int) else 0.0
        risk = self.opt_out.learn_scored(row, event.opted_out)
        self.opt_out_quality.add(risk, event.opted_out, event.occurred_at)

    def models(self) -> list[dict[str, object]]:
        """Every model with its quality: one propensity model per action × channel ×
        direction that has learned, and the opt-out risk model."""
        self.catch_up()
        found = [self.model(f"propensity:{key}") for key in sorted(self.quality)]
        return [*found, self.model(OPT_OUT_MODEL)]

    def datamart_models(self) -> list[tuple[ModelIdentity, ModelEvidence]]:
        """Every propensity model as Pega's ADM datamart shows one (``adm_export``)."""
        self.catch_up()
        return self.evidence.datamart(self.quality)

    def model(self, model_id: str) -> dict[str, object]:
        """One model's quality and its most important predictors; KeyError when unknown."""
        self.catch_up()  # a process that has not decided yet has not read the log yet
        if model_id == OPT_OUT_MODEL:
            weights = self.opt_out.weights()
            view: dict[str, object] = {"id": model_id, "kind": "opt_out"}
            quality = self.opt_out_quality
        else:
            key = model_id.removeprefix("propensity:")
            quality = self.quality[key]
            action, channel, direction = key.split("|")
            view = {"id": model_id, "kind": "propensity", "action": action}
            view.update(channel=channel, direction=direction)
            weights = self.propensity.weights(key)
        view.update(quality.as_dict())
        view["importance"] = importance(weights)
        view["position"] = self._cursor
        return view
