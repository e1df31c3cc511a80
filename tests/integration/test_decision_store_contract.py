"""One contract for the catalog, decision, outcome and counter ports on every store."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from tests.integration.ledger_drafts import T0, draft

from cortesia.domain.customers import Customer
from cortesia.domain.vocabulary import Channel, ConsentKind
from cortesia.engine.decision_ports import DecisionRecord, OutcomeEvent, ResponseCount, VolumeClaim
from cortesia.engine.ports import Store
from cortesia.errors import ConflictError

DAY = date(2026, 3, 2)
DOC = {"catalog": {"name": "Telco", "threshold": 0.0}, "actions": [{"id": "a"}, {"id": "b"}]}


def _decision(decision_id: str, customer: str = "C1", minutes: int = 0) -> DecisionRecord:
    return DecisionRecord(
        decision_id=decision_id,
        customer_id=customer,
        decided_at=T0 + timedelta(minutes=minutes),
        channel=Channel.SMS,
        direction="outbound",
        silent=False,
        catalog_version=3,
        body={"actions": [{"action": "a", "env": 1.25}], "trace": [], "reason": None, "ñ": "sí"},
    )


def _outcome(
    key: str, decision: str = "D1", outcome: str = "accepted", **kw: object
) -> OutcomeEvent:
    fields: dict[str, object] = {
        "key": key,
        "decision_id": decision,
        "action_id": "a",
        "channel": Channel.SMS,
        "outcome": outcome,
        "occurred_at": T0,
        "recorded_at": T0 + timedelta(seconds=1),
    }
    fields.update(kw)
    return OutcomeEvent(**fields)  # type: ignore[arg-type]


def _claim(
    key: str, limit: int | None = None, amount: float = 0.0, budget: float | None = None
) -> VolumeClaim:
    return VolumeClaim(key, DAY, limit, amount, budget)


# -- catalog versions ---------------------------------------------------------
def test_an_empty_store_has_no_catalog(store: Store) -> None:
    assert store.catalog_version() is None
    assert store.latest_catalog_number() is None
    assert store.catalog_versions() == []


def test_catalog_versions_are_numbered_from_one_and_read_back_whole(store: Store) -> None:
    first = store.save_catalog(DOC, "d1", "file.toml", T0)
    assert (first.version, first.digest, first.source, first.action_count) == (
        1,
        "d1",
        "file.toml",
        2,
    )
    assert first.created_at == T0 and first.document == DOC
    second = store.save_catalog({"actions": []}, "d2", "api", T0 + timedelta(hours=1))
    assert second.version == 2 and second.action_count == 0
    assert store.latest_catalog_number() == 2
    assert store.catalog_version() == second
    assert store.catalog_version(1) == first
    assert store.catalog_version(3) is None
    assert [v.version for v in store.catalog_versions()] == [2, 1]


def test_saving_the_latest_digest_again_returns_it_and_writes_nothing(store: Store) -> None:
    first = store.save_catalog(DOC, "d1", "file.toml", T0)
    again = store.save_catalog(DOC, "d1", "other", T0 + timedelta(hours=1))
    assert again == first
    assert store.latest_catalog_number() == 1


def test_an_older_digest_saved_again_is_a_new_version(store: Store) -> None:
    store.save_catalog(DOC, "d1", "f", T0)
    store.save_catalog({"actions": []}, "d2", "f", T0)
    assert store.save_catalog(DOC, "d1", "f", T0).version == 3


def test_concurrent_saves_get_distinct_consecutive_versions(store: Store) -> None:
    def save(worker: int) -> list[int]:
        return [
            store.save_catalog({"actions": []}, f"w{worker}-{n}", "api", T0).version
            for n in range(5)
        ]

    with ThreadPoolExecutor(max_workers=4) as pool:
        versions = [v for saved in pool.map(save, range(4)) for v in saved]
    assert sorted(versions) == list(range(1, 21))
    assert [v.version for v in store.catalog_versions()] == list(range(20, 0, -1))


# -- decisions -----------------------------------------------------------------
def test_a_recorded_decision_reads_back_equal(store: Store) -> None:
    record = _decision("D1")
    store.record_decision(record)
    assert store.find_decision("D1") == record
    assert store.find_decision("D2") is None


def test_a_decision_id_recorded_twice_is_a_conflict(store: Store) -> None:
    store.record_decision(_decision("D1"))
    with pytest.raises(ConflictError):
        store.record_decision(_decision("D1", customer="C2"))
    assert store.decisions_of("C2") == []


def test_decisions_recorded_together_read_back_equal(store: Store) -> None:
    records = [_decision(f"D{n}", minutes=n) for n in range(3)]
    assert store.record_decisions(records) == []
    assert [store.find_decision(f"D{n}") for n in range(3)] == records
    assert [r.decision_id for r in store.decisions_of("C1")] == ["D2", "D1", "D0"]
    assert store.record_decisions([]) == []


def test_a_batch_names_ids_already_stored_or_repeated_and_stores_only_the_rest(
    store: Store,
) -> None:
    store.record_decision(_decision("D1"))
    batch = [
        _decision("D1", customer="C2"),
        _decision("D2", customer="C2"),
        _decision("D2", customer="C3"),
        _decision("D3", customer="C2"),
    ]
    assert store.record_decisions(batch) == ["D1", "D2"]
    assert store.find_decision("D1") == _decision("D1")  # the first stays as it was
    assert store.find_decision("D2") == _decision("D2", customer="C2")
    assert {r.decision_id for r in store.decisions_of("C2")} == {"D2", "D3"}
    assert store.decisions_of("C3") == []


def test_a_customers_decisions_come_newest_first_up_to_the_limit(store: Store) -> None:
    for n in range(5):
        store.record_decision(_decision(f"D{n}", minutes=n))
    store.record_decision(_decision("X", customer="C2"))
    assert [d.decision_id for d in store.decisions_of("C1")] == ["D4", "D3", "D2", "D1", "D0"]
    assert [d.decision_id for d in store.decisions_of("C1", limit=2)] == ["D4", "D3"]
    assert store.decisions_of("nobody") == []


def test_a_silent_decision_keeps_its_flag_and_channel(store: Store) -> None:
    silent = DecisionRecord("S", "C1", T0, Channel.IN_APP, "inbound", True, 1, {})
    store.record_decision(silent)
    assert store.find_decision("S") == silent


# -- outcome events ---------------------------------------------------------------
def test_a_new_outcome_key_is_stored_and_read_by_decision(store: Store) -> None:
    later = _outcome("k2", occurred_at=T0 + timedelta(minutes=5), contact_id="c-1")
    assert store.record_outcome_event(later) == (later, True)
    first = _outcome("k1", outcome="delivered")
    store.record_outcome_event(first)
    store.record_outcome_event(_outcome("k3", decision="D2"))
    assert store.outcomes_of_decision("D1") == [first, later]
    assert store.outcomes_of_decision("none") == []


def test_a_replayed_outcome_key_returns_the_original(store: Store) -> None:
    original = _outcome("k1")
    store.record_outcome_event(original)
    replay = _outcome(
        "k1", occurred_at=T0 + timedelta(hours=1), recorded_at=T0 + timedelta(hours=2)
    )
    assert store.record_outcome_event(replay) == (original, False)
    assert store.outcomes_of_decision("D1") == [original]


@pytest.mark.parametrize(
    "changed", [{"decision": "D9"}, {"action_id": "b"}, {"outcome": "rejected"}]
)
def test_an_outcome_key_reused_for_another_outcome_is_a_conflict(
    store: Store, changed: dict[str, object]
) -> None:
    store.record_outcome_event(_outcome("k1"))
    with pytest.raises(ConflictError):
        store.record_outcome_event(_outcome("k1", **changed))  # type: ignore[arg-type]
    assert store.outcomes_of_decision("D1") == [_outcome("k1")]


# -- response counts ----------------------------------------------------------------
def test_response_counts_add_up_per_action_channel_and_direction(store: Store) -> None:
    assert store.response_counts() == {}
    store.add_responses(
        [
            ("a", Channel.SMS, "outbound", ResponseCount(1, 0, 0)),
            ("a", Channel.SMS, "inbound", ResponseCount(1, 1, 0)),
        ]
    )
    store.add_responses(
        [
            ("a", Channel.SMS, "outbound", ResponseCount(2, 1, 1)),
            ("a", Channel.SMS, "outbound", ResponseCount(1, 0, 0)),
        ]
    )
    assert store.response_counts() == {
        ("a", Channel.SMS, "outbound"): ResponseCount(4, 1, 1),
        ("a", Channel.SMS, "inbound"): ResponseCount(1, 1, 0),
    }
    assert all(type(channel) is Channel for _, channel, _ in store.response_counts())


# -- volume counters -----------------------------------------------------------------
def test_volume_is_taken_until_the_count_limit(store: Store) -> None:
    taken = [store.take_volume([_claim("a|sms", limit=2)]) for _ in range(3)]
    assert taken == [True, True, False]
    assert store.volume_used(DAY, ["a|sms", "b|sms"]) == {"a|sms": (2, 0.0), "b|sms": (0, 0.0)}
    assert store.volume_used(DAY + timedelta(days=1), ["a|sms"]) == {"a|sms": (0, 0.0)}


def test_a_budget_is_never_passed_and_small_costs_add_up_exactly(store: Store) -> None:
    claim = _claim("a|*", amount=0.1, budget=0.3)
    assert [store.take_volume([claim]) for _ in range(4)] == [True, True, True, False]
    assert store.volume_used(DAY, ["a|*"]) == {"a|*": (3, pytest.approx(0.3))}


def test_taking_volume_is_all_or_nothing_across_claims(store: Store) -> None:
    assert store.take_volume([_claim("a|sms", limit=1)])
    assert not store.take_volume([_claim("a|*", limit=5, amount=1.0), _claim("a|sms", limit=1)])
    assert store.volume_used(DAY, ["a|*", "a|sms"]) == {"a|*": (0, 0.0), "a|sms": (1, 0.0)}
    assert store.take_volume([_claim("a|*", limit=5, amount=1.0), _claim("b|sms", limit=1)])
    assert store.volume_used(DAY, ["a|*", "b|sms"]) == {"a|*": (1, 1.0), "b|sms": (1, 0.0)}


def test_unlimited_claims_are_counted(store: Store) -> None:
    assert store.take_volume([_claim("a|sms", amount=2.5)])
    assert store.take_volume([_claim("a|sms", amount=2.5)])
    assert store.volume_used(DAY, ["a|sms"]) == {"a|sms": (2, 5.0)}


def test_volume_given_back_is_free_again_and_never_goes_below_zero(store: Store) -> None:
    claim = _claim("a|sms", limit=1, amount=0.5, budget=10.0)
    assert store.take_volume([claim])
    assert not store.take_volume([claim])
    store.give_back_volume([claim])
    assert store.volume_used(DAY, ["a|sms"]) == {"a|sms": (0, 0.0)}
    store.give_back_volume([claim, _claim("never")])
    assert store.volume_used(DAY, ["a|sms", "never"]) == {"a|sms": (0, 0.0), "never": (0, 0.0)}
    assert store.take_volume([claim])


def test_a_key_claimed_twice_in_one_take_counts_twice(store: Store) -> None:
    assert not store.take_volume([_claim("a|sms", limit=1), _claim("a|sms", limit=1)])
    assert store.take_volume([_claim("a|sms", limit=2), _claim("a|sms", limit=2)])
    assert store.volume_used(DAY, ["a|sms"]) == {"a|sms": (2, 0.0)}


# -- erasure ----------------------------------------------------------------------------
def test_erasure_deletes_the_persons_decisions_and_their_outcomes_only(store: Store) -> None:
    store.upsert_customers(
        [Customer("C1", "ES", "Europe/Madrid"), Customer("C2", "ES", "Europe/Madrid")]
    )
    store.record_decision(_decision("D1"))
    store.record_decision(_decision("D2", minutes=1))
    store.record_decision(_decision("D3", customer="C2"))
    store.record_outcome_event(_outcome("k1", decision="D1"))
    store.record_outcome_event(_outcome("k3", decision="D3"))
    erasure = draft("erase-C1", kind=ConsentKind.ERASURE, channel=Channel.ALL, purpose="all")
    receipt = store.erase_customer("C1", [], erasure, T0 + timedelta(hours=1))
    assert receipt.decisions_deleted == 2
    assert store.decisions_of("C1") == [] and store.find_decision("D1") is None
    assert store.outcomes_of_decision("D1") == []
    assert [d.decision_id for d in store.decisions_of("C2")] == ["D3"]
    assert [e.key for e in store.outcomes_of_decision("D3")] == ["k3"]


def test_decisions_between_come_in_time_order_within_the_half_open_period(store: Store) -> None:
    for n, minutes in enumerate([30, 0, 10, 10, 20, 40]):
        store.record_decision(_decision(f"D{n}", f"C{n % 2}", minutes))
    found = store.decisions_between(T0 + timedelta(minutes=10), T0 + timedelta(minutes=40))
    assert [r.decision_id for r in found] == ["D2", "D3", "D4", "D0"]
    nothing = store.decisions_between(T0 + timedelta(days=1), T0 + timedelta(days=2))
    assert list(nothing) == []


def test_outcomes_between_are_those_of_decisions_made_in_the_period(store: Store) -> None:
    store.record_decision(_decision("D1", minutes=0))
    store.record_decision(_decision("D2", minutes=60))
    store.record_outcome_event(_outcome("k1", "D1"))
    store.record_outcome_event(_outcome("k2", "D2", occurred_at=T0 + timedelta(minutes=5)))
    found = store.outcomes_between(T0, T0 + timedelta(minutes=30))
    assert [e.key for e in found] == ["k1"]
