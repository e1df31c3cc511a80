"""Decisions, outcomes, limits, catalog versions and erasure through a SQL-backed engine.

Every test runs on SQLite and on PostgreSQL, each with a fresh schema, through
``Engine(SqlStore(url), FrozenClock(NOW), registries=…)``: what the memory tests in
``tests/engine`` show, the SQL adapters must keep (stored bodies, holds, consent
ledger, counters). A second engine on the same URL stands for another process.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from tests.engine.decision_support import NOW, action, catalog_doc, reachable
from tests.integration.decision_workers import DAY, sms_cap, sql_decision_engine

from cortesia.adapters.sql.migrate import upgrade
from cortesia.domain.contacts import ContactStatus, Outcome
from cortesia.domain.decisions import Decision
from cortesia.domain.explain import explain
from cortesia.domain.policy.company import CompanyPolicy
from cortesia.domain.vocabulary import Channel, ConsentKind, ConsentStatus
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.decision_ports import DecisionRecord, ResponseCount
from cortesia.engine.hub import Engine
from cortesia.errors import NotFoundError

PACK = ("pack", Channel.SMS, "outbound")
VOICE = {"voice": {"treatment": "script_bill", "cost": 0.5}}


@pytest.fixture
def url(database_url: str) -> str:
    """The test's own SQLite file or PostgreSQL schema, migrated."""
    upgrade(database_url)
    return database_url


@pytest.fixture
def opened() -> Iterator[list[Engine]]:
    """Engines a test opens; closed after it."""
    engines: list[Engine] = []
    yield engines
    for engine in engines:
        engine.close()


def _engine(
    url: str,
    opened: list[Engine],
    *actions: dict[str, Any],
    company: CompanyPolicy | None = None,
) -> Engine:
    """An engine on ``url``; with ``actions``, their catalog is loaded first."""
    engine = sql_decision_engine(url, company=company, refresh_seconds=0.0)
    opened.append(engine)
    if actions:
        engine.catalog.load_document(catalog_doc(*actions), source="test")
    return engine


def _sms(engine: Engine, customer: str) -> Decision:
    return engine.decisions.decide(DecisionRequest(customer, Channel.SMS))


def _offer(engine: Engine, customer: str = "ana") -> Decision:
    decision = _sms(engine, customer)
    assert [a.action_id for a in decision.actions] == ["pack"], decision.reason
    return decision


# -- deciding ---------------------------------------------------------------------
def test_an_outbound_sms_decision_is_chosen_and_recorded_whole_ready_to_explain(
    url: str, opened: list[Engine]
) -> None:
    engine = _engine(url, opened, action("pack"), action("tv", eligibility="tenure > 24"))
    reachable(engine, "ana", tenure=3)
    decision = _offer(engine)
    chosen = decision.actions[0]

    stored = engine.decisions.find(decision.decision_id)
    assert (stored.customer_id, stored.channel, stored.direction) == (
        "ana",
        Channel.SMS,
        "outbound",
    )
    assert (stored.decided_at, stored.silent, stored.catalog_version) == (NOW, False, 1)
    body = stored.body
    assert body["versions"] == decision.versions.as_dict()
    assert body["actions"] == [chosen.as_dict()]
    assert body["names"] == {"pack": "Oferta pack", "tv": "Oferta tv"}
    trace = {row["action"]: row for row in body["trace"]}  # type: ignore[attr-defined]
    assert trace["tv"]["stage"] == "eligibility" and not trace["tv"]["passed"]
    # Stored as a code, said again from catalog version 1.
    assert trace["tv"]["reason"] == "eligibility rule `tenure > 24` is false"
    assert trace["pack"]["stage"] == "chosen" and trace["pack"]["passed"]
    scores = trace["pack"]["scores"]
    assert scores["expected_net_value"] == pytest.approx(chosen.scores.expected_net_value)
    lines = explain(body)
    assert lines[1].startswith("Offered “Oferta pack” (pack) by sms: expected net value")
    assert (
        "Not offered “Oferta tv” (tv): not eligible — eligibility rule `tenure > 24` is false."
        in lines
    )
    assert lines[-1].startswith("Made with catalog version 1")
    assert [r.decision_id for r in engine.decisions.of_customer("ana")] == [decision.decision_id]


def test_the_chosen_action_holds_its_contact_slot_as_reserved(
    url: str, opened: list[Engine]
) -> None:
    engine = _engine(url, opened, action("pack"))
    reachable(engine, "ana")
    chosen = _offer(engine).actions[0]
    contact = engine.store.find_contact(chosen.contact_id or "")
    assert contact is not None and contact.status is ContactStatus.RESERVED
    assert (contact.customer_id, contact.channel, contact.purpose) == (
        "ana",
        Channel.SMS,
        "marketing",
    )
    assert (contact.action_id, contact.action_group) == ("pack", "sales/pack")
    assert contact.expires_at == NOW + timedelta(minutes=15)


def test_an_inbound_voice_decision_reads_its_context_and_keeps_it(
    url: str, opened: list[Engine]
) -> None:
    bill_help = action(
        "bill_help",
        category="service",
        purpose="service",
        group="service/billing",
        channels=VOICE,
        eligibility="context.inbound_reason == 'billing'",
    )
    engine = _engine(url, opened, bill_help)
    reachable(engine, "ana")
    billing = DecisionRequest("ana", Channel.VOICE, "inbound", {"inbound_reason": "billing"})
    decision = engine.decisions.decide(billing)
    assert [a.action_id for a in decision.actions] == ["bill_help"]
    stored = engine.decisions.find(decision.decision_id)
    assert (stored.channel, stored.direction, stored.silent) == (Channel.VOICE, "inbound", False)
    assert stored.body["context"] == {"inbound_reason": "billing"}
    contact = engine.store.find_contact(decision.actions[0].contact_id or "")
    assert contact is not None and contact.status is ContactStatus.RESERVED
    assert (contact.channel, contact.purpose, contact.direction) == (
        Channel.VOICE,
        "service",
        "inbound",
    )

    roaming = DecisionRequest("ana", Channel.VOICE, "inbound", {"inbound_reason": "roaming"})
    silent = engine.decisions.find(engine.decisions.decide(roaming).decision_id)
    assert silent.silent and silent.body["context"] == {"inbound_reason": "roaming"}
    assert silent.body["trace"] == [
        {
            "action": "bill_help",
            "channel": "voice",
            "stage": "eligibility",
            "passed": False,
            "reason": "eligibility rule `context.inbound_reason == 'billing'` is false",
        }
    ]


# -- outcomes ---------------------------------------------------------------------
def test_an_accepted_offer_confirms_the_contact_and_counts_one_trial_and_one_accept(
    url: str, opened: list[Engine]
) -> None:
    engine = _engine(url, opened, action("pack"))
    reachable(engine, "ana")
    reachable(engine, "bea")
    decision = _offer(engine)
    receipt = engine.outcomes.record(decision.decision_id, "pack", "accepted")
    assert not receipt.replayed and receipt.contact_status == "sent"
    contact = engine.store.find_contact(decision.actions[0].contact_id or "")
    assert contact is not None and contact.status is ContactStatus.SENT
    assert (contact.confirmed_at, contact.outcome) == (NOW, Outcome.ACCEPTED)
    assert engine.outcomes.reports(decision.decision_id) == [receipt.event]
    assert engine.store.response_counts() == {PACK: ResponseCount(1, 1, 0)}
    # The scorer learns from the stored counts: Beta(1, 9) and one accept in one trial.
    assert _offer(engine, "bea").actions[0].scores.propensity == pytest.approx(2 / 11)


def test_an_opted_out_outcome_writes_the_ledger_and_silences_the_next_decision_at_policy(
    url: str, opened: list[Engine]
) -> None:
    engine = _engine(url, opened, action("pack"), action("tv", group="sales/tv"))
    reachable(engine, "ana")
    decision = _offer(engine)
    receipt = engine.outcomes.record(decision.decision_id, "pack", "opted_out")
    assert receipt.opt_out_event_id is not None
    last = engine.consent.history("ana")[-1]
    assert last.event_id == receipt.opt_out_event_id
    assert (last.kind, last.channel, last.purpose) == (
        ConsentKind.OPT_OUT,
        Channel.SMS,
        "marketing",
    )
    assert last.occurred_at == NOW
    status = engine.consent.status("ana", Channel.SMS, "marketing").status
    assert status is ConsentStatus.OPTED_OUT
    assert engine.verify_ledger().intact
    assert engine.store.response_counts() == {PACK: ResponseCount(1, 0, 1)}

    again = _sms(engine, "ana")
    assert again.silent
    assert {t.action_id: t.stage.value for t in again.trace} == {"pack": "policy", "tv": "policy"}
    assert all("consent" in t.reason for t in again.trace)


def test_a_failed_send_releases_the_hold_so_the_slot_can_be_taken_again(
    url: str, opened: list[Engine]
) -> None:
    # One marketing SMS a day: the failed send must not keep the only slot.
    engine = _engine(url, opened, action("pack"), company=sms_cap(1))
    reachable(engine, "ana")
    decision = _offer(engine)
    assert _sms(engine, "ana").silent  # the slot is held
    receipt = engine.outcomes.record(decision.decision_id, "pack", "failed")
    assert receipt.contact_status == "released"
    contact = engine.store.find_contact(decision.actions[0].contact_id or "")
    assert contact is not None and contact.status is ContactStatus.RELEASED
    assert engine.store.response_counts() == {}  # a failed send answers nothing
    assert _offer(engine).actions[0].contact_id != decision.actions[0].contact_id


def test_a_replayed_outcome_key_from_another_process_changes_nothing(
    url: str, opened: list[Engine]
) -> None:
    engine = _engine(url, opened, action("pack"))
    reachable(engine, "ana")
    decision = _offer(engine)
    first = engine.outcomes.record(decision.decision_id, "pack", "accepted", key="k-1")
    contact = engine.store.find_contact(first.event.contact_id or "")
    later = NOW + timedelta(minutes=3)
    other = _engine(url, opened)
    again = other.outcomes.record(decision.decision_id, "pack", "accepted", key="k-1", at=later)
    assert again.replayed and not first.replayed
    assert again.event == first.event
    assert other.outcomes.reports(decision.decision_id) == [first.event]
    assert other.store.response_counts() == {PACK: ResponseCount(1, 1, 0)}
    assert other.store.find_contact(first.event.contact_id or "") == contact


def test_a_replayed_opt_out_writes_no_second_consent_event(url: str, opened: list[Engine]) -> None:
    engine = _engine(url, opened, action("pack"))
    reachable(engine, "ana")
    decision = _offer(engine)
    first = engine.outcomes.record(decision.decision_id, "pack", "opted_out")
    events = engine.consent.history("ana")
    again = engine.outcomes.record(decision.decision_id, "pack", "opted_out")
    assert again.replayed and again.opt_out_event_id == first.opt_out_event_id
    assert engine.consent.history("ana") == events
    assert engine.store.response_counts() == {PACK: ResponseCount(1, 0, 1)}


# -- limits, versions, erasure ----------------------------------------------------
def test_a_channel_daily_limit_of_one_lets_one_customer_through_across_engines(
    url: str, opened: list[Engine]
) -> None:
    channels = {"sms": {"treatment": "t", "cost": 0.02, "daily_limit": 1}}
    engine = _engine(url, opened, action("calls", channels=channels))
    other = _engine(url, opened)
    for customer in ("ana", "bea", "cid"):
        reachable(engine, customer)
    first = _sms(engine, "ana")
    assert [a.action_id for a in first.actions] == ["calls"]
    for decision in (_sms(engine, "bea"), _sms(other, "cid")):
        assert decision.silent
        [stop] = decision.trace
        assert (stop.stage.value, stop.reason) == (
            "selection",
            "daily volume limit or budget reached",
        )
    assert engine.store.volume_used(DAY, ["calls|sms"]) == {"calls|sms": (1, 0.02)}
    assert [c.customer_id for c in _holds(engine, ("ana", "bea", "cid"))] == ["ana"]


def test_a_catalog_change_makes_a_new_version_that_the_next_decision_records(
    url: str, opened: list[Engine]
) -> None:
    engine = _engine(url, opened, action("pack"))
    other = _engine(url, opened)  # another process, already running
    for customer in ("ana", "bea", "cid"):
        reachable(engine, customer)
    before = _offer(engine, "ana")
    assert before.versions.catalog == 1
    changed = engine.catalog.upsert_action(action("tv", value=500, group="sales/tv"))
    assert changed.version == 2 and changed.action_count == 2
    assert [v.version for v in engine.catalog.versions()] == [2, 1]

    for decider, customer in ((engine, "bea"), (other, "cid")):
        after = _sms(decider, customer)
        assert [a.action_id for a in after.actions] == ["tv"]
        stored = decider.decisions.find(after.decision_id)
        assert stored.catalog_version == 2 and stored.body["versions"]["catalog"] == 2  # type: ignore[index]
        assert stored.body["names"] == {"pack": "Oferta pack", "tv": "Oferta tv"}
    kept = engine.decisions.find(before.decision_id)
    assert kept.catalog_version == 1 and kept.body["names"] == {"pack": "Oferta pack"}


def test_erasing_a_customer_deletes_their_decisions_and_outcomes_only(
    url: str, opened: list[Engine]
) -> None:
    engine = _engine(url, opened, action("pack"))
    reachable(engine, "ana")
    reachable(engine, "bea")
    answered = _offer(engine, "ana")
    engine.outcomes.record(answered.decision_id, "pack", "accepted")
    second = _offer(engine, "ana")
    kept = _offer(engine, "bea")

    receipt = engine.erase("ana")
    assert receipt.decisions_deleted == 2
    assert receipt.contacts_deleted == 2
    assert engine.store.decisions_of("ana") == []
    for gone in (answered, second):
        assert engine.store.find_decision(gone.decision_id) is None
        with pytest.raises(NotFoundError):
            engine.decisions.find(gone.decision_id)
    assert engine.outcomes.reports(answered.decision_id) == []
    assert engine.decisions.find(kept.decision_id).customer_id == "bea"
    assert engine.verify_ledger().intact


def _holds(engine: Engine, customers: tuple[str, ...]) -> list[Any]:
    since = NOW - timedelta(days=1)
    return [c for customer in customers for c in engine.store.contacts_of(customer, since, NOW)]


def test_a_scan_of_decisions_reads_every_page(
    url: str, opened: list[Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cortesia.adapters.sql import decisions as sql_decisions

    monkeypatch.setattr(sql_decisions, "_PAGE", 2)
    store = _engine(url, opened).store
    ids = [f"D{n}" for n in range(5)]
    for n, decision_id in enumerate(ids):
        # Two decisions share each instant: a page boundary falls inside a tie.
        when = NOW + timedelta(seconds=n // 2)
        store.record_decision(
            DecisionRecord(decision_id, "C1", when, Channel.SMS, "outbound", True, 1, {})
        )
    assert [r.decision_id for r in store.decisions_between(NOW, NOW + timedelta(days=1))] == ids
