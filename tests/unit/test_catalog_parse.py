"""Catalog documents into catalogs: every field checked, every problem named, nothing guessed."""

from __future__ import annotations

import copy
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cortesia.domain.catalog import (
    Catalog,
    CatalogRejected,
    Category,
    Economics,
    SendWindow,
    Texts,
    action_document,
    catalog_document,
    document_digest,
    parse_action,
    parse_catalog,
)
from cortesia.domain.rules import RuleError, RuleKind
from cortesia.domain.vocabulary import Channel
from cortesia.errors import NotFoundError, ValidationError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "catalog-minimal.toml"


def action(action_id: str = "pack", **fields: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": action_id,
        "name": {"es": "Paquete", "en": "Pack"},
        "text": {"es": "Texto", "en": "Text"},
        "group": "sales/packs",
        "category": "sales",
        "purpose": "marketing",
        "value": 100,
        "channels": {"sms": {"treatment": f"sms_{action_id}", "cost": 0.02}},
    }
    found.update(fields)
    return found


def document(*actions: dict[str, Any], **settings: Any) -> dict[str, Any]:
    return {"catalog": {"name": "test", **settings}, "actions": list(actions) or [action()]}


def refusal(doc: dict[str, Any]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_catalog(doc)
    return caught.value


def only_problem(doc: dict[str, Any]) -> tuple[str, object, str]:
    error = refusal(doc)
    assert len(error.problems) == 1, error.problems
    problem = error.problems[0]
    return problem.field, problem.value, problem.reason


# -- what a good file gives ------------------------------------------------------------


def test_the_example_file_gives_four_actions_with_their_economics() -> None:
    catalog = parse_catalog(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")))
    assert [a.action_id for a in catalog.actions] == [
        "data_pack_5gb",
        "retention_discount",
        "bill_due_notice",
        "free_gb_for_news",
    ]
    assert catalog.name == "Minimal telco catalog"
    assert catalog.economics.time_zone == "America/Bogota"
    assert catalog.economics.eroded_value == {"premium": 900.0, "standard": 300.0}
    assert catalog.economics.baseline == {Category.SALES: 0.002}
    pack = catalog.action("data_pack_5gb")
    assert pack.issue == "sales"
    assert pack.channels[Channel.SMS].window == SendWindow(time(9), time(20))
    assert pack.channels[Channel.SMS].daily_limit == 5000
    assert pack.channels[Channel.IN_APP].cost == 0.0
    assert pack.value.number({"monthly_charges": 50}) == pytest.approx(120.0)
    assert pack.levers.number({}) == 1.2
    assert pack.propensity_prior == (2.0, 48.0)
    ask = catalog.action("free_gb_for_news").consent_ask
    assert ask is not None and (ask.channel, ask.purpose) == (Channel.EMAIL, "product_news")


def test_actions_by_channel_are_computed_once_per_catalog() -> None:
    catalog = parse_catalog(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")))
    sms = catalog.for_channel(Channel.SMS)
    assert [a.action_id for a in sms] == ["data_pack_5gb", "bill_due_notice"]
    assert catalog.for_channel(Channel.SMS) is sms
    assert catalog.for_channel(Channel.WHATSAPP) == ()


def test_the_names_read_are_every_variable_of_every_rule() -> None:
    catalog = parse_catalog(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")))
    assert catalog.names_read() >= {
        "monthly_charges",
        "internet_service",
        "contacts_7d",
        "contract",
        "tenure",
        "bill_due_on",
        "consent.email.product_news",
    }


def test_an_unknown_action_id_is_not_found() -> None:
    catalog = parse_catalog(document())
    with pytest.raises(NotFoundError):
        catalog.action("nope")


def test_defaults_fill_what_a_file_leaves_out() -> None:
    catalog = parse_catalog({"actions": [action()]})
    assert catalog.name == "catalog"
    assert catalog.economics == Economics()
    only = catalog.actions[0]
    assert only.levers.number({}) == 1.0
    assert only.eligibility is None
    assert only.valid_on(date(1999, 1, 1))


def test_texts_are_spanish_for_any_spanish_tag_and_english_otherwise() -> None:
    texts = Texts(es="Hola", en="Hello")
    assert [texts.get(t) for t in ("es", "ES-mx", "en", "pt-BR", None)] == [
        "Hola",
        "Hola",
        "Hello",
        "Hello",
        "Hello",
    ]


def test_validity_dates_are_inclusive_and_read_from_text_or_dates() -> None:
    pack = parse_catalog(
        document(action(valid_from="2026-05-01", valid_until=date(2026, 5, 31)))
    ).actions[0]
    assert not pack.valid_on(date(2026, 4, 30))
    assert pack.valid_on(date(2026, 5, 1)) and pack.valid_on(date(2026, 5, 31))
    assert not pack.valid_on(date(2026, 6, 1))


def test_a_window_may_run_past_midnight() -> None:
    sms = {"sms": {"treatment": "t", "window": "20:00-00:00"}}
    pack = parse_catalog(document(action(channels=sms))).actions[0]
    assert pack.channels[Channel.SMS].window == SendWindow(time(20), time(0))


def test_a_topic_is_a_purpose_and_is_kept_in_lower_case() -> None:
    pack = parse_catalog(document(action(purpose="Music_Video_Offers"))).actions[0]
    assert pack.purpose == "music_video_offers"


def test_expressions_and_numbers_are_rules_of_the_right_kind() -> None:
    pack = parse_catalog(
        document(action(value="0.2 * arpu * 12", levers="1.5 if premium else 1", eligibility="x"))
    ).actions[0]
    assert pack.value.kind is RuleKind.NUMBER and pack.levers.kind is RuleKind.NUMBER
    assert pack.eligibility is not None and pack.eligibility.kind is RuleKind.CONDITION
    assert pack.levers.number({"premium": True}) == 1.5


# -- what a bad file is told -----------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"id": "Data Pack"}, "actions[0].id", "lower-case"),
        ({"name": {"es": "Solo"}}, "actions[0].name.en", "non-empty text"),
        ({"name": "Pack"}, "actions[0].name", "table"),
        ({"group": "sales"}, "actions[0].group", "issue/group"),
        ({"category": "upsell"}, "actions[0].category", "sales, cross_sell"),
        ({"purpose": "all"}, "actions[0].purpose", "one purpose"),
        ({"purpose": "Bad Topic!"}, "actions[0].purpose", "snake_case"),
        ({"value": True}, "actions[0].value", "number or an expression"),
        ({"value": float("nan")}, "actions[0].value", "number"),
        ({"levers": -1}, "actions[0].levers", "at least 0"),
        ({"eligibility": 3}, "actions[0].eligibility", "condition"),
        ({"valid_from": "tomorrow"}, "actions[0].valid_from", "YYYY-MM-DD"),
        ({"valid_from": datetime(2026, 1, 1, 9)}, "actions[0].valid_from", "YYYY-MM-DD"),
        ({"daily_limit": 0}, "actions[0].daily_limit", "at least 1"),
        ({"daily_limit": 2.5}, "actions[0].daily_limit", "whole number"),
        ({"daily_limit": True}, "actions[0].daily_limit", "whole number"),
        ({"daily_budget": 0}, "actions[0].daily_budget", "more than zero"),
        ({"cool_off_days": -3}, "actions[0].cool_off_days", "at least 1"),
        ({"reject_cool_off_days": "30"}, "actions[0].reject_cool_off_days", "whole"),
        ({"propensity_prior": [0, 10]}, "actions[0].propensity_prior", "more than zero"),
        ({"propensity_prior": [1]}, "actions[0].propensity_prior", "pair"),
        ({"channels": {}}, "actions[0].channels", "at least one channel"),
        ({"channels": {"all": {"treatment": "t"}}}, "actions[0].channels.all", "unknown channel"),
        ({"channels": {"fax": {"treatment": "t"}}}, "actions[0].channels.fax", "unknown channel"),
        ({"channels": {"sms": {}}}, "actions[0].channels.sms.treatment", "required"),
        (
            {"channels": {"sms": {"treatment": "t", "cost": -1}}},
            "actions[0].channels.sms.cost",
            "zero or more",
        ),
        (
            {"channels": {"sms": {"treatment": "t", "window": "9-20"}}},
            "actions[0].channels.sms.window",
            "HH:MM-HH:MM",
        ),
        (
            {"channels": {"sms": {"treatment": "t", "window": "25:00-26:00"}}},
            "actions[0].channels.sms.window",
            "HH:MM",
        ),
        (
            {"channels": {"sms": {"treatment": "t", "window": "09:00-09:00"}}},
            "actions[0].channels.sms.window",
            "empty",
        ),
        (
            {"channels": {"sms": {"treatment": "t", "daily_limit": 0}}},
            "actions[0].channels.sms.daily_limit",
            "at least 1",
        ),
    ],
)
def test_a_bad_field_is_named_with_its_value_and_why(
    change: dict[str, Any], field: str, reason: str
) -> None:
    named, _, why = only_problem(document(action(**change)))
    assert named == field
    assert reason in why


def test_a_missing_field_is_required() -> None:
    broken = action()
    del broken["value"]
    assert only_problem(document(broken)) == ("actions[0].value", None, "is required")


@pytest.mark.parametrize(
    ("settings", "field", "reason"),
    [
        ({"time_zone": "Mars/Olympus"}, "catalog.time_zone", "IANA"),
        ({"threshold": "high"}, "catalog.threshold", "number"),
        ({"default_eroded_value": -5}, "catalog.default_eroded_value", "zero or more"),
        ({"eroded_value": {"premium": -1}}, "catalog.eroded_value.premium", "zero or more"),
        ({"accept_prior": [1, 0]}, "catalog.accept_prior", "more than zero"),
        ({"opt_out_prior": "1,999"}, "catalog.opt_out_prior", "pair"),
        ({"baseline": {"upsell": 0.1}}, "catalog.baseline.upsell", "must be one of"),
        ({"baseline": {"sales": 1.5}}, "catalog.baseline.sales", "probability"),
    ],
)
def test_a_bad_setting_is_named_with_its_value_and_why(
    settings: dict[str, Any], field: str, reason: str
) -> None:
    named, _, why = only_problem(document(**settings))
    assert named == field
    assert reason in why


def test_an_unknown_field_is_refused_with_the_nearest_known_one() -> None:
    misspelt = action()
    misspelt["chanels"] = misspelt.pop("channels")
    error = refusal(document(action("ok"), misspelt))
    fields = {p.field: p.reason for p in error.problems}
    assert fields["actions[1].chanels"] == "unknown field; did you mean channels?"
    assert "actions[1].channels" in fields  # and the real one is then missing


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({"catalog": {"name": "x", "treshold": 1}, "actions": []}, "catalog.treshold"),
        ({"catalog": {}, "action": []}, "action"),
        (
            document(action(channels={"sms": {"treatment": "t", "price": 1}})),
            "actions[0].channels.sms.price",
        ),
        (document(action(name={"es": "a", "en": "b", "fr": "c"})), "actions[0].name.fr"),
    ],
)
def test_unknown_keys_are_refused_at_every_level(doc: dict[str, Any], field: str) -> None:
    assert only_problem(doc)[0] == field


def test_repeated_action_ids_are_refused() -> None:
    field, value, reason = only_problem(document(action("pack"), action("tv"), action("pack")))
    assert (field, value) == ("actions[2].id", "pack")
    assert "actions[0]" in reason


def test_a_rule_error_names_the_action_the_rule_and_the_column() -> None:
    error = refusal(document(action("pack", eligibility="tenure >= ")))
    assert isinstance(error, RuleError)
    assert error.where == "action pack eligibility"
    assert error.text == "tenure >="
    assert error.column >= 1
    assert str(error).startswith("action pack eligibility: rule `tenure >=` at column")


def test_a_number_rule_that_compares_is_refused() -> None:
    error = refusal(document(action("pack", value="tenure > 3")))
    assert isinstance(error, RuleError) and error.where == "action pack value"


def test_a_consent_recovery_action_must_ask_for_a_consent() -> None:
    field, _, reason = only_problem(document(action(category="consent_recovery")))
    assert field == "actions[0].consent_ask"
    assert "consent_recovery" in reason


def test_only_consent_recovery_actions_ask_for_consent() -> None:
    ask = {"channel": "email", "purpose": "product_news", "reward": {"es": "1 GB", "en": "1 GB"}}
    field, _, reason = only_problem(document(action(consent_ask=ask)))
    assert field == "actions[0].consent_ask"
    assert "only consent_recovery" in reason
    good = parse_catalog(document(action(category="consent_recovery", consent_ask=ask)))
    assert good.actions[0].consent_ask is not None


def test_a_consent_ask_is_checked_field_by_field() -> None:
    ask = {"channel": "all", "purpose": "product_news", "reward": {"es": "1 GB"}}
    error = refusal(document(action(category="consent_recovery", consent_ask=ask)))
    assert [p.field for p in error.problems] == [
        "actions[0].consent_ask.channel",
        "actions[0].consent_ask.reward.en",
    ]


def test_an_offer_cannot_end_before_it_starts() -> None:
    field, value, reason = only_problem(
        document(action(valid_from="2026-06-01", valid_until="2026-05-31"))
    )
    assert (field, value) == ("actions[0].valid_until", "2026-05-31")
    assert "before valid_from 2026-06-01" in reason


def test_every_problem_of_a_file_is_reported_together() -> None:
    doc = document(
        action("a", channels={"sms": {"treatment": "t", "cost": -1}}),
        action("b", eligibility="tenure >= "),
        action("c", cool_off_days=0),
        time_zone="Nowhere/Land",
    )
    error = refusal(doc)
    assert isinstance(error, CatalogRejected)
    assert [p.field for p in error.problems] == [
        "catalog.time_zone",
        "actions[0].channels.sms.cost",
        "action b eligibility",
        "actions[2].cool_off_days",
    ]
    assert str(error).startswith("catalog rejected: 4 problems; first: catalog.time_zone=")


def test_a_document_that_is_not_a_table_is_refused() -> None:
    with pytest.raises(ValidationError):
        parse_catalog(["not", "a", "table"])  # type: ignore[arg-type]
    assert only_problem({"actions": {"id": "x"}})[0] == "actions"
    assert only_problem({"actions": ["x"]})[0] == "actions[0]"


def test_one_action_is_checked_alone_under_its_own_path() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_action(action(daily_limit=0))
    assert caught.value.problem.field == "action.daily_limit"
    assert parse_action(action("solo")).action_id == "solo"


# -- the normalised document -----------------------------------------------------------


def test_the_normalised_document_parses_back_to_itself() -> None:
    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    normal = catalog_document(raw)
    assert catalog_document(normal) == normal
    assert normal["actions"][1]["valid_from"] == "2026-01-01"
    assert normal["actions"][0]["channels"]["sms"]["window"] == "09:00-20:00"
    assert normal["actions"][0]["value"] == "0.2 * monthly_charges * 12"
    assert normal["actions"][2]["value"] == 5.0


def test_documents_that_say_the_same_have_the_same_digest() -> None:
    terse = document(action(value=100))
    verbose = document(
        action(value="100", levers=1, channels={"sms": {"treatment": "sms_pack", "cost": 0.02}}),
        time_zone="UTC",
        threshold=0,
    )
    assert document_digest(catalog_document(terse)) == document_digest(catalog_document(verbose))
    changed = document(action(value=101))
    assert document_digest(catalog_document(changed)) != document_digest(catalog_document(terse))


def test_the_document_of_an_action_leaves_unset_fields_out() -> None:
    pack = parse_catalog(document(action())).actions[0]
    assert action_document(pack) == {
        "id": "pack",
        "name": {"es": "Paquete", "en": "Pack"},
        "text": {"es": "Texto", "en": "Text"},
        "group": "sales/packs",
        "category": "sales",
        "purpose": "marketing",
        "channels": {"sms": {"treatment": "sms_pack", "cost": 0.02}},
        "value": 100.0,
        "levers": 1.0,
    }


def test_a_catalog_keeps_its_version_and_digest() -> None:
    catalog = parse_catalog(document(), version=7, digest="abc")
    assert isinstance(catalog, Catalog)
    assert (catalog.version, catalog.digest) == (7, "abc")


_numbers = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
_hours = st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(0, 23), st.integers(0, 59))


@settings(max_examples=60, deadline=None)
@given(
    cost=_numbers,
    value=st.one_of(_numbers, st.sampled_from(["arpu * 12", "tenure + 1", "abs(balance)"])),
    hours=_hours.filter(lambda h: h[:2] != h[2:]),
    limit=st.none() | st.integers(1, 10**6),
    prior=st.none() | st.tuples(_numbers.filter(lambda x: x > 0), _numbers.filter(lambda x: x > 0)),
)
def test_any_valid_action_normalises_to_a_fixed_point(
    cost: float,
    value: float | str,
    hours: tuple[int, int, int, int],
    limit: int | None,
    prior: tuple[float, float] | None,
) -> None:
    window = "{:02d}:{:02d}-{:02d}:{:02d}".format(*hours)
    treatment: dict[str, Any] = {"treatment": "t", "cost": cost, "window": window}
    fields: dict[str, Any] = {"value": value, "channels": {"email": treatment}}
    if limit is not None:
        fields["daily_limit"] = limit
    if prior is not None:
        fields["propensity_prior"] = list(prior)
    first = catalog_document(document(action(**fields)))
    again = catalog_document(copy.deepcopy(first))
    assert again == first
    assert document_digest(again) == document_digest(first)
