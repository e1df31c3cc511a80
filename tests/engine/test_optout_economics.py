"""The opt-out economics on generated outcomes: a campaign that destroys more than it adds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.engine.decision_support import NOW, action, catalog_doc, decision_engine, reachable
from tests.engine.policy_support import FakeRegistries, policy_engine

from cortesia.domain.registry import RegistryFinding
from cortesia.domain.vocabulary import Channel
from cortesia.engine.hub import Engine
from cortesia.engine.outcome_simulation import parse_truth, simulate
from cortesia.errors import ValidationError

START = NOW - timedelta(days=12)
TRUTH = {
    "default": {"accept_organic": 0.02, "opt_out_organic": 0.0, "fatigue": 0.0},
    "actions": {
        # Barely better than no contact, and customers hate it.
        "blast": {"accept_contacted": 0.03, "accept_organic": 0.025, "opt_out": 0.05},
        # Clearly better than no contact, and rarely resented.
        "pack": {"accept_contacted": 0.30, "accept_organic": 0.03, "opt_out": 0.002},
    },
}


class DailyRegistries(FakeRegistries):
    """Colombia's do-not-call list scrubbed every day, with nobody on it."""

    def find(
        self, registry_id: str, number: str, channel: Channel | None, at: datetime
    ) -> RegistryFinding:
        self.snapshot(registry_id, at.astimezone(UTC).date())
        return super().find(registry_id, number, channel, at)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return simulated()


def simulated() -> Engine:
    """300 customers answering ten days of SMS decisions from ``TRUTH``."""
    blast = action("blast", value=20, group="sales/blast", eligibility="segment == 'mass'")
    pack = action("pack", value=60, group="sales/pack", eligibility="segment == 'premium'")
    found = policy_engine(NOW, DailyRegistries())
    document = catalog_doc(blast, pack, action_control=0.3, control_salt="economics")
    found.catalog.load_document(document, source="test")
    customers = [f"m{n}" for n in range(150)] + [f"p{n}" for n in range(150)]
    for customer in customers:
        reachable(found, customer, segment="mass" if customer[0] == "m" else "premium")
    simulate(found, customers, Channel.SMS, START, 10, parse_truth(TRUTH), seed=11)
    return found


def _by_campaign(engine: Engine) -> dict[str, dict[str, object]]:
    period = engine.reports.period(START, NOW)
    return {str(r["campaign"]): r for r in engine.reports.optout(period, "campaign")["rows"]}


def test_the_blast_campaign_erodes_more_value_than_it_adds(engine: Engine) -> None:
    rows = _by_campaign(engine)
    blast, pack = rows["sales/blast"], rows["sales/pack"]
    assert blast["eroded_exceeds_incremental"] is True
    assert float(blast["value_eroded"]) > float(blast["incremental_value"] or 0.0)  # type: ignore[arg-type]
    assert float(blast["net_value"]) < 0  # type: ignore[arg-type]
    assert pack["eroded_exceeds_incremental"] is False
    assert float(pack["net_value"]) > 0  # type: ignore[arg-type]


def test_treated_and_control_sizes_follow_the_control_share(engine: Engine) -> None:
    for row in _by_campaign(engine).values():
        contacts, control = int(row["contacts"]), int(row["control_size"])  # type: ignore[call-overload]
        share = control / (contacts + control)
        # 30 % held back; a few hundred offers per campaign keep the share within 0.2–0.4.
        assert 0.2 < share < 0.4, row


def test_the_pack_campaigns_incremental_responses_match_the_truth(engine: Engine) -> None:
    pack = _by_campaign(engine)["sales/pack"]
    contacts = int(pack["contacts"])  # type: ignore[call-overload]
    truth = contacts * (0.30 - 0.03)
    low, high = pack["incremental_responses_low"], pack["incremental_responses_high"]
    assert float(low) <= truth <= float(high)  # type: ignore[arg-type]


def test_the_fatigue_curve_and_recovered_optins_are_reported(engine: Engine) -> None:
    period = engine.reports.period(START, NOW)
    curve = engine.reports.fatigue(period)
    assert curve["period"]["from"] == START.isoformat()
    optins = engine.reports.optins(period)
    assert optins["rows"] == []  # nobody opted back in


def test_bad_report_requests_name_the_field() -> None:
    engine = decision_engine(action("pack"))
    with pytest.raises(ValidationError, match="by"):
        engine.reports.optout(engine.reports.period(START, NOW), "planet")
    with pytest.raises(ValidationError, match="to"):
        engine.reports.period(NOW, START)
    with pytest.raises(ValidationError, match="rule"):
        engine.reports.period(START, NOW, rule="first")


def test_a_truth_with_an_unknown_rate_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"actions\.blast\.acept"):
        parse_truth({"actions": {"blast": {"acept": 0.1}}})
    with pytest.raises(ValidationError, match=r"default\.opt_out"):
        parse_truth({"default": {"opt_out": 1.5}})
