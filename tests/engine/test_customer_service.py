"""Customers through the engine: upsert, read, time zones, attribute types, suppression."""

from __future__ import annotations

from datetime import date

import pytest

from cortesia.domain.customers import AttributeType
from cortesia.engine.customers import customer_view
from cortesia.engine.hub import Engine
from cortesia.errors import BatchValidationError, NotFoundError, ValidationError


def test_upsert_of_one_customer_normalises_every_field(memory_engine: Engine) -> None:
    counts = memory_engine.customers.upsert(
        [
            {
                "customer_id": " c1 ",
                "country": "us",
                "subdivision": "FL",
                "language": "en-us",
                "phone": "(305) 555-0123",
                "emails": ["Ana@Example.COM", "ana@example.com"],
                "push_ids": ["fcm:abc"],
                "attributes": {"plan": "gold", "arpu": 12, "vip": True, "since": "2024-01-31"},
            }
        ]
    )
    assert (counts.created, counts.updated) == (1, 0)
    view = customer_view(memory_engine.customers.get("c1"))
    assert view == {
        "customer_id": "c1",
        "country": "US",
        "subdivision": "US-FL",
        "time_zone": "America/New_York",
        "time_zone_candidates": ["America/New_York"],
        "language": "en-US",
        "phones": ["+13055550123"],
        "emails": ["Ana@example.com", "ana@example.com"],
        "push_ids": ["fcm:abc"],
        "attributes": {"arpu": 12, "plan": "gold", "since": "2024-01-31", "vip": True},
        "suppressed": [],
    }
    assert memory_engine.store.attribute_types()["since"] is AttributeType.STRING


def test_a_batch_upsert_creates_and_replaces(memory_engine: Engine) -> None:
    service = memory_engine.customers
    service.upsert([{"customer_id": "a", "country": "ES"}])
    counts = service.upsert(
        [
            {"customer_id": "a", "country": "ES", "language": "ca"},
            {"customer_id": "b", "country": "CO"},
        ]
    )
    assert (counts.created, counts.updated) == (1, 1)
    assert service.get("a").language == "ca"
    assert [c.customer_id for c in service.list(limit=1, after="a")] == ["b"]


def test_a_bad_batch_reports_every_row_and_writes_nothing(memory_engine: Engine) -> None:
    with pytest.raises(BatchValidationError) as caught:
        memory_engine.customers.upsert(
            [
                {"customer_id": "ok", "country": "ES"},
                {"customer_id": "x", "country": "ZZ", "email": "not-an-email"},
                {"customer_id": "", "country": "ES", "favourite": 1},
            ]
        )
    found = [(p.row, p.field) for p in caught.value.problems]
    assert found == [(1, "country"), (1, "email"), (2, "favourite")]
    assert memory_engine.store.count_customers() == 0


def test_an_ambiguous_phone_keeps_every_candidate_zone(memory_engine: Engine) -> None:
    memory_engine.customers.upsert([{"customer_id": "ak", "country": "US", "phone": "9072345678"}])
    customer = memory_engine.customers.get("ak")
    assert customer.time_zone_candidates == ("America/Adak", "America/Anchorage")
    assert customer.time_zone == "America/Anchorage"


def test_without_phone_or_zone_the_country_gives_the_zone(memory_engine: Engine) -> None:
    memory_engine.customers.upsert(
        [
            {"customer_id": "m", "country": "MX"},
            {"customer_id": "p", "country": "PE", "time_zone": "UTC"},
        ]
    )
    mexican = memory_engine.customers.get("m")
    assert mexican.time_zone == "America/Mexico_City"
    assert len(mexican.time_zone_candidates) > 1
    assert memory_engine.customers.get("p").time_zone == "UTC"


def test_an_attribute_keeps_the_type_it_was_first_given(memory_engine: Engine) -> None:
    service = memory_engine.customers
    service.upsert([{"customer_id": "a", "country": "ES", "attributes": {"tenure": 3}}])
    with pytest.raises(BatchValidationError) as caught:
        service.upsert([{"customer_id": "b", "country": "ES", "attributes": {"tenure": "long"}}])
    [problem] = caught.value.problems
    assert problem.field == "attributes.tenure"
    assert "holds number values" in problem.reason


def test_a_registered_date_attribute_reads_iso_text(memory_engine: Engine) -> None:
    memory_engine.store.register_attribute_types({"since": AttributeType.DATE})
    memory_engine.customers.upsert(
        [{"customer_id": "a", "country": "ES", "attributes": {"since": "2023-05-06"}}]
    )
    assert memory_engine.customers.get("a").attributes["since"] == date(2023, 5, 6)


def test_erased_people_stay_suppressed_when_imported_again(memory_engine: Engine) -> None:
    row = {"customer_id": "e1", "country": "ES", "phone": "612 345 678", "email": "e@x.es"}
    memory_engine.customers.upsert([row])
    memory_engine.erase("e1")
    memory_engine.customers.upsert([{**row, "customer_id": "e2"}])
    again = memory_engine.customers.get("e2")
    assert memory_engine.customers.suppressed_points(again) == ["+34612345678", "e@x.es"]
    assert customer_view(again, ["+34612345678"])["suppressed"] == ["+34612345678"]


def test_a_missing_customer_and_a_bad_limit_are_errors(memory_engine: Engine) -> None:
    with pytest.raises(NotFoundError):
        memory_engine.customers.get("nobody")
    with pytest.raises(ValidationError):
        memory_engine.customers.list(limit=0)


def test_a_subdivision_with_one_clock_names_the_primary_zone(memory_engine: Engine) -> None:
    memory_engine.customers.upsert(
        [
            {
                "customer_id": "canary",
                "country": "ES",
                "subdivision": "ES-CN",
                "phone": "612345678",
            },
            {"customer_id": "azores", "country": "PT", "subdivision": "PT-20"},
            {"customer_id": "moved", "country": "US", "subdivision": "CA", "phone": "3055550123"},
            {"customer_id": "florida", "country": "US", "subdivision": "FL"},
        ]
    )
    canary = memory_engine.customers.get("canary")
    assert canary.time_zone == "Atlantic/Canary"
    assert set(canary.time_zone_candidates) == {"Atlantic/Canary", "Europe/Madrid"}
    assert memory_engine.customers.get("azores").time_zone == "Atlantic/Azores"
    moved = memory_engine.customers.get("moved")  # a Miami number, living in California
    assert (moved.time_zone, moved.time_zone_candidates) == (
        "America/Los_Angeles",
        ("America/New_York", "America/Los_Angeles"),
    )
    florida = memory_engine.customers.get("florida")  # two clocks: the country's rule
    assert florida.time_zone == "America/New_York"
    assert "America/Chicago" in florida.time_zone_candidates


def test_customer_ids_are_at_most_128_characters(memory_engine: Engine) -> None:
    memory_engine.customers.upsert([{"customer_id": "x" * 128, "country": "ES"}])
    with pytest.raises(BatchValidationError) as caught:
        memory_engine.customers.upsert([{"customer_id": "y" * 129, "country": "ES"}])
    assert caught.value.problems[0].reason == "is 129 characters long; at most 128"
    assert memory_engine.store.count_customers() == 1


def test_a_batch_naming_one_customer_twice_is_refused_naming_both_rows(
    memory_engine: Engine,
) -> None:
    with pytest.raises(BatchValidationError) as caught:
        memory_engine.customers.upsert(
            [
                {"customer_id": "a", "country": "ES"},
                {"customer_id": "b", "country": "ES"},
                {"customer_id": " a ", "country": "CO"},
            ]
        )
    [problem] = caught.value.problems
    assert (problem.row, problem.field, problem.value) == (2, "customer_id", "a")
    assert problem.reason == "repeats the customer of row 0"
    assert memory_engine.store.count_customers() == 0


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("customer_id", "C\x001", "U+0000"),
        ("customer_id", "C\t1", "U+0009"),
        ("language", "es\x00", "U+0000"),
        ("push_ids", ["fcm:a\nb"], "U+000A"),
        ("phone", "+34612345678\x00", "U+0000"),
    ],
)
def test_control_characters_in_ids_and_codes_are_refused(
    memory_engine: Engine, field: str, value: object, code: str
) -> None:
    row = {"customer_id": "ok", "country": "ES", field: value}
    with pytest.raises(BatchValidationError) as caught:
        memory_engine.customers.upsert([row])
    [problem] = caught.value.problems
    assert problem.reason == f"contains the control character {code}; remove it"
    assert memory_engine.store.count_customers() == 0


def test_attribute_text_keeps_tabs_and_line_breaks_but_refuses_nul(
    memory_engine: Engine,
) -> None:
    memory_engine.customers.upsert(
        [{"customer_id": "n", "country": "ES", "attributes": {"note": "a\tb\nc"}}]
    )
    assert memory_engine.customers.get("n").attributes["note"] == "a\tb\nc"
    for attributes in ({"note": "a\x00b"}, {"bad\x00name": "x"}):
        with pytest.raises(BatchValidationError) as caught:
            memory_engine.customers.upsert(
                [{"customer_id": "m", "country": "ES", "attributes": attributes}]
            )
        assert "U+0000" in caught.value.problems[0].reason
