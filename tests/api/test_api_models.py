"""The scoring models over HTTP: every model with its evidence and quality, one in detail."""

from __future__ import annotations

import pytest
from tests.api.api_support import TestClient, bearer
from tests.engine.decision_support import NOW, action, catalog_doc, reachable
from tests.engine.policy_support import FakeRegistries

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.hub import Engine
from cortesia.engine.options import EngineOptions


@pytest.fixture
def memory_engine() -> Engine:
    """An adaptive engine with one SMS offer, taught by twenty answered offers."""
    registries = FakeRegistries()
    registries.snapshot("co-rne", NOW.date())
    options = EngineOptions(scoring="adaptive", shared_state_refresh_seconds=0.0)
    engine = Engine(MemoryStore(), FrozenClock(NOW), options, registries=registries)
    engine.catalog.load_document(catalog_doc(action("pack", value=1000)), source="test")
    engine.decisions.scorer.explore = False  # type: ignore[attr-defined]  # posterior means
    for n in range(20):
        reachable(engine, f"c{n}")
        made = engine.decisions.decide(DecisionRequest(f"c{n}", Channel.SMS))
        said = "accepted" if n % 4 == 0 else "ignored"
        engine.outcomes.record(made.decision_id, "pack", said)
    return engine


def test_the_models_are_listed_with_their_evidence(
    client: TestClient, memory_engine: Engine
) -> None:
    headers = bearer(memory_engine.access.create(["decide"], "ops").secret)
    listed = client.get("/v1/models", headers=headers)
    assert listed.status_code == 200, listed.text
    view = listed.json()
    assert view["version"] == "adaptive:20"
    pack = next(m for m in view["models"] if m["id"] == "propensity:pack|sms|outbound")
    assert (pack["evidence"], pack["positives"]) == (20, 5)
    one = client.get("/v1/models/opt_out", headers=headers).json()
    assert one["kind"] == "opt_out" and one["evidence"] == 20
    missing = client.get("/v1/models/nope", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
