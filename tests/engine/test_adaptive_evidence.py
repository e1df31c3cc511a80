"""The adaptive propensity models keep binned evidence, as Pega's ADM shows its models: per
model, per predictor, bins with positives and negatives, kept through snapshots."""

from __future__ import annotations

import pickle

from tests.engine.decision_support import NOW, action, reachable
from tests.engine.test_adaptive_scoring import _engine

from cortesia.adapters.memory import MemoryStore
from cortesia.domain.vocabulary import Channel
from cortesia.engine.adaptive_evidence import CONFIGURATION, TECHNIQUE, AdaptiveEvidence
from cortesia.engine.adaptive_scoring import SNAPSHOT, AdaptiveScorer
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.decision_ports import ModelSnapshot
from cortesia.engine.hub import Engine
from cortesia.engine.model_views import datamart_models
from cortesia.models.adm import PredictorReport
from cortesia.models.adm_export import ModelEvidence, ModelIdentity
from cortesia.models.quality import RunningQuality


def _taught(store: MemoryStore, customers: int = 40) -> Engine:
    """Forty customers; the first ``customers`` answer: the premium ones accept the pack, the
    others turn it down, nobody takes the tv."""
    engine = _engine(store, action("pack", group="sales/data"), action("tv", group="sales/tv"))
    for n in range(40):
        reachable(engine, f"c{n}", segment="premium" if n % 2 else "value")
    _answer(engine, range(customers))
    return engine


def _answer(engine: Engine, numbers: range) -> None:
    for n in numbers:
        decision = engine.decisions.decide(DecisionRequest(f"c{n}", Channel.SMS, limit=2))
        for chosen in decision.actions:
            accepted = chosen.action_id == "pack" and n % 2 == 1
            said = "accepted" if accepted else "rejected"
            engine.outcomes.record(decision.decision_id, chosen.action_id, said)


def _scorer(engine: Engine) -> AdaptiveScorer:
    scorer = engine.decisions.scorer
    assert isinstance(scorer, AdaptiveScorer)
    return scorer


def _predictor(evidence: ModelEvidence, name: str) -> PredictorReport:
    return next(p for p in evidence.predictors if p.name == name)


def test_every_propensity_model_is_placed_and_counted_as_the_datamart_shows_it() -> None:
    scorer = _scorer(_taught(MemoryStore()))
    models = datamart_models(scorer)
    assert [ident for ident, _ in models] == [
        ModelIdentity("sales", "data", "pack", "sms", "outbound", CONFIGURATION),
        ModelIdentity("sales", "tv", "tv", "sms", "outbound", CONFIGURATION),
    ]
    pack, tv = (evidence for _, evidence in models)
    assert (pack.technique, pack.responses, pack.positives) == (TECHNIQUE, 40, 20)
    assert (tv.responses, tv.positives) == (scorer.quality["tv|sms|outbound"].n, 0)
    assert tv.responses > 0
    quality = scorer.model("propensity:pack|sms|outbound")
    assert round(pack.performance, 4) == quality["auc"] and pack.performance > 0.7
    assert sum(b.positives + b.negatives for b in pack.score_bins) == 40


def test_a_predictors_bins_hold_the_outcomes_of_its_values() -> None:
    [(_, pack), _] = datamart_models(_scorer(_taught(MemoryStore())))
    segment = _predictor(pack, "segment")
    counts = [(b.label, b.positives, b.negatives) for b in segment.bins]
    assert counts == [("Residual", 0, 0), ("premium", 20, 0), ("value", 0, 20), ("MISSING", 0, 0)]
    assert segment.kind == "symbolic" and segment.auc == 1.0
    contacts = _predictor(pack, "contacts_7d")
    assert contacts.kind == "numeric"
    assert sum(b.positives + b.negatives for b in contacts.bins) == 40
    names = {p.name for p in pack.predictors}
    assert "channel" not in names and "direction" not in names  # the model's own context
    assert all(p.active for p in pack.predictors)  # the logistic model reads every one


def test_the_evidence_survives_the_snapshot_and_a_restored_process_keeps_learning() -> None:
    store = MemoryStore()
    first = _taught(store, customers=30)
    taught = _scorer(first)
    taught.snapshot_every = 10
    taught.catch_up(force=True)
    saved = store.latest_model_snapshot(SNAPSHOT)
    assert saved is not None and taught.version == f"adaptive:{saved.position}"
    fresh = AdaptiveScorer(store, snapshots=store, explore=False, refresh_seconds=0.0)
    assert fresh.datamart_models() == taught.datamart_models()
    _answer(first, range(30, 40))  # ten more customers answer, through the first process
    assert fresh.datamart_models() == taught.datamart_models()
    [(_, pack), _] = fresh.datamart_models()
    assert (pack.responses, sum(b.positives for b in _predictor(pack, "segment").bins)) == (40, 20)


def test_a_snapshot_of_an_older_layout_is_set_aside_and_the_log_replayed() -> None:
    store = MemoryStore()
    taught = _scorer(_taught(store, customers=20))
    taught.catch_up(force=True)
    state = taught._state()
    position = state[5]
    assert isinstance(position, int) and taught.version == f"adaptive:{position}"
    # The older layout: the group models in a bank of their own, no layout mark.
    older = pickle.dumps((taught.propensity, taught.propensity, *state[2:6]))
    store.save_model_snapshot(ModelSnapshot(SNAPSHOT, position, NOW, older))
    fresh = AdaptiveScorer(store, snapshots=store, explore=False, refresh_seconds=0.0)
    assert fresh.version == taught.version
    assert datamart_models(fresh) == datamart_models(taught)  # every bin counted again
    x = {"segment": "premium"}
    keys = ["pack|sms|outbound", "group:sales/data|sms|outbound"]
    assert list(fresh.propensity.predict_proba_actions(x, keys)) == list(
        taught.propensity.predict_proba_actions(x, keys)
    )


def test_queued_outcomes_are_counted_before_the_evidence_is_saved_or_read() -> None:
    kept = AdaptiveEvidence()
    quality = RunningQuality()
    for n in range(30):
        kept.learn("pack|sms|outbound", "sales/data", {"segment": "premium"}, n % 3 == 0, 0.2)
        quality.add(0.2, n % 3 == 0)
    saved = pickle.loads(pickle.dumps(kept))  # our own bytes
    for evidence in (saved, kept):
        [(_, found)] = evidence.datamart({"pack|sms|outbound": quality})
        [segment] = found.predictors
        assert sum(b.positives for b in segment.bins) == 10
        assert sum(b.negatives for b in segment.bins) == 20
