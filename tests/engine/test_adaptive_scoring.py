"""Adaptive scoring: decisions keep their features, outcomes teach the learners, and every
engine on the store learns from every outcome."""

from __future__ import annotations

from typing import Any

from tests.engine.decision_support import NOW, action, catalog_doc, reachable
from tests.engine.policy_support import FakeRegistries

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.vocabulary import Channel
from cortesia.engine.adaptive_scoring import AdaptiveScorer
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.hub import Engine
from cortesia.engine.options import EngineOptions

ADAPTIVE = EngineOptions(scoring="adaptive", shared_state_refresh_seconds=0.0)


def _engine(store: MemoryStore, *actions: dict[str, Any]) -> Engine:
    registries = FakeRegistries()
    registries.snapshot("co-rne", NOW.date())
    engine = Engine(store, FrozenClock(NOW), ADAPTIVE, registries=registries)
    if actions:
        engine.catalog.load_document(catalog_doc(*actions), source="test")
    scorer = engine.decisions.scorer
    assert isinstance(scorer, AdaptiveScorer)
    scorer.explore = False  # the posterior means: comparable numbers
    return engine


def _scores(engine: Engine, customer: str) -> dict[str, float]:
    decision = engine.decisions.decide(DecisionRequest(customer, Channel.SMS, limit=2))
    return {t.action_id: t.scores.propensity for t in decision.trace if t.scores is not None}


def _teach(engine: Engine, customers: list[str], answers: dict[str, str]) -> None:
    """Each customer gets one decision offering every action; each action gets its answer."""
    for customer in customers:
        decision = engine.decisions.decide(DecisionRequest(customer, Channel.SMS, limit=2))
        for chosen in decision.actions:
            engine.outcomes.record(
                decision.decision_id, chosen.action_id, answers[chosen.action_id]
            )


def test_a_decision_keeps_the_features_its_outcome_will_teach() -> None:
    engine = _engine(MemoryStore(), action("pack", group="sales/a"), action("tv", group="sales/b"))
    reachable(engine, "ana", segment="premium")
    decision = engine.decisions.decide(DecisionRequest("ana", Channel.SMS))
    stored = engine.decisions.find(decision.decision_id).body
    features = stored["features"]
    assert isinstance(features, dict)
    assert features["segment"] == "premium" and features["contacts_7d"] == 0
    assert "today" not in features
    assert decision.versions.model == "adaptive:0"


def test_accepted_and_rejected_offers_move_the_propensities_apart() -> None:
    engine = _engine(MemoryStore(), action("pack", group="sales/a"), action("tv", group="sales/b"))
    customers = [f"c{n}" for n in range(60)]
    for customer in [*customers, "zoe"]:
        reachable(engine, customer)
    before = _scores(engine, "zoe")
    _teach(engine, customers[:40], {"pack": "accepted", "tv": "rejected"})
    after = _scores(engine, "zoe")
    assert after["pack"] > before["pack"] and after["tv"] < before["tv"]
    assert engine.decisions.scorer.version == "adaptive:80"


def test_every_engine_on_the_store_learns_from_every_outcome() -> None:
    store = MemoryStore()
    first = _engine(store, action("pack", group="sales/a"), action("tv", group="sales/b"))
    second = _engine(store)  # another process on the same workspace
    for customer in [*(f"c{n}" for n in range(20)), "zoe"]:
        reachable(first, customer)
    _teach(first, [f"c{n}" for n in range(20)], {"pack": "accepted", "tv": "rejected"})
    assert _scores(second, "zoe") == _scores(first, "zoe")
    assert second.decisions.scorer.version == first.decisions.scorer.version == "adaptive:40"


def test_an_opt_out_raises_the_opt_out_risk_of_the_channel() -> None:
    engine = _engine(MemoryStore(), action("pack", group="sales/a"))
    customers = [f"c{n}" for n in range(30)]
    for customer in [*customers, "zoe"]:
        reachable(engine, customer)
    risk = engine.decisions.decide(DecisionRequest("zoe", Channel.SMS)).trace[0].scores
    assert risk is not None
    _teach(engine, customers, {"pack": "opted_out"})
    later = engine.decisions.decide(DecisionRequest("zoe", Channel.SMS)).trace[0].scores
    assert later is not None and later.p_optout > risk.p_optout


def test_the_decision_path_scores_opt_out_risk_as_a_single_row_would() -> None:
    engine = _engine(MemoryStore(), action("pack", group="sales/a"), action("tv", group="sales/b"))
    customers = [f"c{n}" for n in range(15)]
    for customer in [*customers, "zoe"]:
        reachable(engine, customer)
    _teach(engine, customers, {"pack": "opted_out", "tv": "accepted"})
    scorer = engine.decisions.scorer
    assert isinstance(scorer, AdaptiveScorer)
    decision = engine.decisions.decide(DecisionRequest("zoe", Channel.SMS, limit=2))
    stored = engine.decisions.find(decision.decision_id).body["features"]
    assert isinstance(stored, dict)
    for step in decision.trace:
        assert step.scores is not None
        row = {**stored, "channel": "sms", "purpose": "marketing"}
        row["propensity"] = step.scores.propensity
        assert abs(scorer.opt_out.predict_proba_one(row) - step.scores.p_optout) < 1e-9


def test_each_model_reports_its_quality_and_predictors() -> None:
    engine = _engine(MemoryStore(), action("pack", group="sales/a"), action("tv", group="sales/b"))
    customers = [f"c{n}" for n in range(40)]
    for n, customer in enumerate(customers):
        reachable(engine, customer, segment="premium" if n % 2 else "value")
    # Premium customers accept the pack, the others turn it down: a learnable pattern.
    for n, customer in enumerate(customers):
        decision = engine.decisions.decide(DecisionRequest(customer, Channel.SMS, limit=2))
        for chosen in decision.actions:
            accepted = chosen.action_id == "pack" and n % 2 == 1
            said = "accepted" if accepted else "rejected"
            engine.outcomes.record(decision.decision_id, chosen.action_id, said)
    scorer = engine.decisions.scorer
    assert isinstance(scorer, AdaptiveScorer)
    ids = [m["id"] for m in scorer.models()]
    assert ids == ["propensity:pack|sms|outbound", "propensity:tv|sms|outbound", "opt_out"]
    pack = scorer.model("propensity:pack|sms|outbound")
    assert pack["evidence"] == 40 and pack["positives"] == 20
    assert isinstance(pack["auc"], float) and pack["auc"] > 0.7
    top = pack["importance"][0]
    assert isinstance(top, dict) and "segment" in str(top["predictor"])


class _CountingLog:
    """The store's learning log, counting the events read through it."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.read = 0

    def learning_since(self, after: int, limit: int = 10_000) -> list[Any]:
        found = self.store.learning_since(after, limit)
        self.read += len(found)
        return found

    def append_learning(self, events: Any) -> None:
        self.store.append_learning(events)


def test_a_new_process_starts_from_the_latest_snapshot() -> None:
    store = MemoryStore()
    first = _engine(store, action("pack", group="sales/a"), action("tv", group="sales/b"))
    taught = first.decisions.scorer
    assert isinstance(taught, AdaptiveScorer)
    taught.snapshot_every = 10
    customers = [f"c{n}" for n in range(15)]
    for customer in [*customers, "zoe"]:
        reachable(first, customer)
    _teach(first, customers, {"pack": "accepted", "tv": "rejected"})
    taught.catch_up(force=True)
    saved = store.latest_model_snapshot("adaptive")
    assert saved is not None and saved.position == 30
    log = _CountingLog(store)
    fresh = AdaptiveScorer(log, snapshots=store, explore=False, refresh_seconds=0.0)
    assert fresh.version == "adaptive:30"
    assert log.read == 0  # nothing replayed: the snapshot holds it all
    x = {"segment": "standard", "contacts_7d": 0}
    keys = ["pack|sms|outbound", "tv|sms|outbound"]
    assert list(fresh.propensity.predict_proba_actions(x, keys)) == list(
        taught.propensity.predict_proba_actions(x, keys)
    )


def test_a_new_action_starts_from_its_groups_model() -> None:
    store = MemoryStore()
    engine = _engine(
        store,
        action("data_5gb", group="sales/data_packs"),
        action("tv_basic", group="sales/tv"),
    )
    customers = [f"c{n}" for n in range(40)]
    for customer in [*customers, "zoe"]:
        reachable(engine, customer)
    _teach(engine, customers, {"data_5gb": "accepted", "tv_basic": "rejected"})
    # Two actions nobody has answered yet: one in each group.
    engine.catalog.load_document(
        catalog_doc(
            action("data_5gb", group="sales/data_packs"),
            action("tv_basic", group="sales/tv"),
            action("data_10gb", group="sales/data_packs"),
            action("tv_plus", group="sales/tv"),
        ),
        source="test",
    )
    scores = _scores(engine, "zoe")
    assert scores["data_10gb"] > 3 * scores["tv_plus"]
