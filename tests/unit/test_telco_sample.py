"""The telco sample shipped in the package: catalog, policy, customers, registries, consent.

These are the files ``cortesia init --sample telco`` loads, so they are held to the real
parsers and importer, and the customers to the generator that made them.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import sys
import tomllib
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib.resources import files
from pathlib import Path
from types import ModuleType

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType

from cortesia.batch.customer_mapping import CANONICAL_FIELDS
from cortesia.domain.catalog import Catalog, Category, parse_catalog
from cortesia.domain.customers import AttributeType
from cortesia.domain.policy.pack import RegistryRule
from cortesia.domain.policy.rules import Confidence
from cortesia.domain.vocabulary import Channel, parse_purpose
from cortesia.engine.company_policy import read_company_policy
from cortesia.engine.consent_input import parse_consent_batch
from cortesia.engine.decision_env import BUILT_IN_NAMES
from cortesia.engine.hub import Engine
from cortesia.engine.jurisdictions import PackLibrary

SAMPLE = Path(str(files("cortesia.engine").joinpath("data/samples/telco")))
ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "bench/make_telco_sample.py"
TELCO = ROOT.parent / "shared/data/telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv"
HEADER = ["customer_id", "country", "subdivision", "time_zone", "language", "phone", "email"]

# What the decision puts in every rule's environment besides attributes.
DECISION_NAMES = BUILT_IN_NAMES
COSTS = {"sms": 0.02, "email": 0.001, "voice": 1.5, "push": 0.0, "in_app": 0.0, "whatsapp": 0.03}


@cache
def document() -> dict[str, object]:
    return tomllib.loads((SAMPLE / "catalog.toml").read_text(encoding="utf-8"))


@cache
def catalog() -> Catalog:
    return parse_catalog(document())


@cache
def customers() -> tuple[list[str], list[dict[str, str]]]:
    with (SAMPLE / "customers.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or ()), list(reader)


def attribute_columns() -> set[str]:
    columns, _ = customers()
    return {c for c in columns if c not in CANONICAL_FIELDS}


def known_variable(name: str) -> bool:
    """An attribute of customers.csv or a variable the decision provides."""
    if name in attribute_columns() or name in DECISION_NAMES or name.startswith("context."):
        return True
    parts = name.split(".")
    if len(parts) != 3 or parts[0] != "consent":
        return False
    channels = {c.value for c in Channel if c is not Channel.ALL}
    return parts[1] in channels and parse_purpose(parts[2]) == parts[2]


def test_the_catalog_parses_with_at_least_30_actions_in_every_category() -> None:
    actions = catalog().actions
    assert len(actions) >= 30
    assert {a.category for a in actions} == set(Category)
    assert catalog().name == "Telco sample"


def test_every_action_has_spanish_and_english_names_and_texts() -> None:
    for action in catalog().actions:
        for texts in (action.name, action.text):
            assert texts.es.strip(), action.action_id
            assert texts.en.strip(), action.action_id
            assert texts.es != texts.en, action.action_id


def test_every_rule_reads_only_customer_attributes_and_decision_variables() -> None:
    unknown = sorted(n for n in catalog().names_read() if not known_variable(n))
    assert unknown == []


def test_the_rules_use_the_attributes_contact_history_consent_and_context() -> None:
    names = catalog().names_read()
    for expected in (
        "arpu",
        "contacts_7d",
        "days_since_last_contact",
        "rejects_30d",
        "consent.email.product_news",
        "context.inbound_reason",
        "channel",
        "direction",
    ):
        assert expected in names


def test_actions_use_marketing_service_and_marketing_topics() -> None:
    purposes = {a.purpose for a in catalog().actions}
    assert purposes == {
        "marketing",
        "service",
        "product_news",
        "streaming_offers",
        "roaming_offers",
    }


def test_consent_recovery_asks_for_email_product_news_and_sms_with_a_reward() -> None:
    asks = {
        (a.consent_ask.channel.value, a.consent_ask.purpose): a.consent_ask.reward
        for a in catalog().actions
        if a.consent_ask is not None
    }
    assert asks[("email", "product_news")].en == "1 GB free"
    assert any(channel == "sms" for channel, _ in asks)
    assert all(reward.es and reward.en for reward in asks.values())


def test_channel_costs_are_the_sample_rates_and_the_call_centre_makes_5000_calls() -> None:
    treatments = [t for a in catalog().actions for t in a.channels.values()]
    assert {t.channel.value for t in treatments} == set(COSTS)
    for treatment in treatments:
        assert treatment.cost == COSTS[treatment.channel.value], treatment.treatment
    assert any(t.channel is Channel.VOICE and t.daily_limit == 5000 for t in treatments)


def test_values_are_positive_for_a_typical_customer() -> None:
    env: dict[str, object] = {"arpu": 64.76, "segment": "standard", "today": date(2026, 12, 1)}
    for action in catalog().actions:
        value = action.value.number(env)
        assert value is not None and value > 0, action.action_id
        assert (action.levers.number(env) or 0) > 0, action.action_id


def test_the_economics_erode_more_value_from_premium_customers() -> None:
    economics = catalog().economics
    eroded = economics.eroded_value
    assert eroded["premium"] > eroded["standard"] > eroded["value"]
    assert economics.threshold == 0.0
    assert economics.eroded_value_attribute in attribute_columns()


def test_the_company_policy_loads_with_the_real_parser() -> None:
    policy = read_company_policy(SAMPLE / "company_policy.toml")
    caps = {cap.rule_id: cap for cap in policy.caps}
    assert caps["marketing-week"].spec.limit == 4
    assert caps["retention-month"].spec.categories == {"retention"}
    assert any(cap.spec.per_channel for cap in caps.values())
    assert any(c.channels == {Channel.VOICE} for c in policy.cool_offs)
    assert any(w.channels == {Channel.VOICE} for w in policy.windows)
    for cap in caps.values():
        assert cap.when is None or cap.when.attribute in attribute_columns()
    groups = {a.group for a in catalog().actions}
    categories = {a.category.value for a in catalog().actions}
    scopes = [(c.spec.action_groups, c.spec.categories) for c in caps.values()]
    scopes += [(w.action_groups, w.categories) for w in policy.windows]
    for scope_groups, scope_categories in scopes:
        assert scope_groups <= groups
        assert scope_categories <= categories
    assert policy.digest is not None


def test_the_customers_file_has_the_canonical_header_then_the_attributes() -> None:
    columns, rows = customers()
    assert columns[: len(HEADER)] == HEADER
    assert len(rows) == 7043
    assert all(row["time_zone"] == "" for row in rows)
    assert len({row["customer_id"] for row in rows}) == len(rows)


def test_the_customers_import_cleanly_through_the_real_importer(memory_engine: Engine) -> None:
    report = memory_engine.customers.import_file(SAMPLE / "customers.csv")
    assert (report.rows, report.created) == (7043, 7043)
    types = memory_engine.store.attribute_types()
    assert types["tenure"] is AttributeType.NUMBER
    assert types["senior_citizen"] is AttributeType.BOOL
    assert types["churn"] is AttributeType.BOOL
    assert types["birthday"] is AttributeType.DATE
    assert types["bill_due_on"] is AttributeType.DATE
    assert types["contract"] is AttributeType.STRING
    first = memory_engine.customers.get("7590-VHVEG")
    assert first.attributes["arpu"] == first.attributes["monthly_charges"] == 29.85
    assert first.time_zone


def test_countries_are_spread_as_intended() -> None:
    _, rows = customers()
    share = {k: v / len(rows) for k, v in Counter(row["country"] for row in rows).items()}
    assert set(share) == {"CO", "MX", "ES", "US", "AR", "BR", "CL", "PE", "GB"}
    assert all(0.15 <= share[c] <= 0.25 for c in ("CO", "MX", "ES", "US"))
    assert all(0.02 <= share[c] <= 0.08 for c in ("AR", "BR", "CL", "PE", "GB"))
    us = {row["subdivision"] for row in rows if row["country"] == "US"}
    assert us == {"US-FL", "US-TX", "US-CA", "US-NY"}
    languages = {(row["country"], row["language"]) for row in rows}
    assert {lang for country, lang in languages if country == "BR"} == {"pt"}
    assert {lang for country, lang in languages if country in ("US", "GB")} == {"en"}
    assert {lang for country, lang in languages if country not in ("BR", "US", "GB")} == {"es"}


def test_phones_are_unique_valid_mobile_numbers_of_the_customers_country() -> None:
    _, rows = customers()
    assert len({row["phone"] for row in rows}) == len(rows)
    mobile = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
    for row in rows:
        number = phonenumbers.parse(row["phone"])
        assert phonenumbers.is_valid_number(number), row["phone"]
        assert phonenumbers.region_code_for_number(number) == row["country"], row["phone"]
        assert phonenumbers.number_type(number) in mobile, row["phone"]


def test_emails_are_unique_and_only_at_example_domains() -> None:
    _, rows = customers()
    emails = [row["email"] for row in rows if row["email"]]
    assert len(set(emails)) == len(emails) > 0.8 * len(rows)
    assert {e.rsplit("@", 1)[1] for e in emails} == {"example.com", "example.org"}


def test_birthdays_fall_on_every_day_of_the_year() -> None:
    """So birthday actions fire whatever day a demo runs (29 February aside)."""
    _, rows = customers()
    days = {row["birthday"][5:] for row in rows}
    year = {(date(2025, 1, 1) + timedelta(days=n)).isoformat()[5:] for n in range(365)}
    assert days == year


def test_the_data_gives_every_kind_of_action_someone_to_fire_for() -> None:
    _, rows = customers()

    def numbers(column: str) -> list[float]:
        return [float(row[column]) for row in rows if row[column]]

    assert sum(balance < 2 for balance in numbers("balance")) >= 100  # low-balance notices
    assert sum(used >= 90 for used in numbers("data_used_pct")) >= 100  # usage alerts, packs
    assert sum(age >= 24 for age in numbers("device_age_months")) >= 100  # handset upgrades
    assert sum(trips >= 2 for trips in numbers("roaming_trips_12m")) >= 100  # roaming passes
    assert sum(row["plan"] == "prepaid" for row in rows) >= 1000
    assert sum(row["last_payment_failed"] == "true" for row in rows) >= 100
    assert sum(row["push_id"] != "" for row in rows) >= 2000  # push and in-app
    assert {row["segment"] for row in rows} == {"premium", "standard", "value"}


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_telco_sample", GENERATOR)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generator  # its dataclasses look it up
    try:
        spec.loader.exec_module(generator)
    finally:
        del sys.modules[spec.name]
    return generator


@pytest.mark.skipif(
    not TELCO.exists() and not os.environ.get("CI"),
    reason="shared/data telco_churn is not present (in CI its absence fails the test)",
)
def test_the_generator_reproduces_the_shipped_customers_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "customers.csv"
    assert _generator().write(TELCO, out) == 7043
    assert out.read_bytes() == (SAMPLE / "customers.csv").read_bytes()


def _shipped_extras() -> list[Path]:
    return sorted(
        [SAMPLE / "consent.csv", *(SAMPLE / "registries").iterdir()], key=lambda p: p.name
    )


def test_the_generator_reproduces_the_registries_and_consent_byte_for_byte(
    tmp_path: Path,
) -> None:
    """Made from the shipped customers alone, so this runs without the IBM file."""
    _generator().write_extras(SAMPLE / "customers.csv", tmp_path)
    made = [tmp_path / "consent.csv", *(tmp_path / "registries").iterdir()]
    assert sorted(p.name for p in made) == [p.name for p in _shipped_extras()]
    for path in _shipped_extras():
        twin = tmp_path / path.relative_to(SAMPLE)
        assert twin.read_bytes() == path.read_bytes(), path.name


# --- registries ---------------------------------------------------------------------------

SNAPSHOT = tomllib.loads((SAMPLE / "registries/snapshot.toml").read_text("utf-8"))
AS_OF = date(2026, 12, 1)  # the day the sample describes


def registry_rows(registry: str) -> list[dict[str, str]]:
    with (SAMPLE / f"registries/{registry}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sample_registry_rules() -> list[RegistryRule]:
    _, rows = customers()
    library = PackLibrary()
    packs = [library.pack(c) for c in sorted({row["country"] for row in rows})]
    return [r for p in packs if p for r in p.rules if isinstance(r, RegistryRule)]


def test_every_registry_the_sample_countries_consult_has_a_snapshot_file() -> None:
    shipped = {p.stem for p in (SAMPLE / "registries").glob("*.csv")}
    assert {rule.registry for rule in sample_registry_rules()} == shipped


def test_every_snapshot_is_fresh_enough_on_the_day_the_sample_describes() -> None:
    """Colombia's RNE wants a snapshot at most 7 days old: 20 November would be too old."""
    snapshot = SNAPSHOT["snapshot_date"]
    assert isinstance(snapshot, date) and snapshot <= AS_OF
    for rule in sample_registry_rules():
        if rule.meta.confidence is Confidence.HIGH:  # applied without counsel's review
            assert (AS_OF - snapshot).days <= rule.max_snapshot_age_days, rule.meta.rule_id


def test_registries_list_a_few_percent_of_their_countrys_numbers_and_some_strangers() -> None:
    _, rows = customers()
    phones = {row["phone"]: row for row in rows}
    for registry in {rule.registry for rule in sample_registry_rules()}:
        listed = registry_rows(registry)
        numbers = [row["number"] for row in listed]
        assert len(set(numbers)) == len(numbers), registry
        ours = [phones[n] for n in numbers if n in phones]
        strangers = [n for n in numbers if n not in phones]
        assert len(strangers) == 4, registry
        country = ours[0]["country"]
        assert {row["country"] for row in ours} == {country}, registry
        where = "subdivision" if registry == "br-sp-nao-me-ligue" else "country"  # São Paulo
        share = len(ours) / sum(row[where] == ours[0][where] for row in rows)
        assert 0.025 <= share <= 0.055, (registry, share)
        for row in listed:
            assert phonenumbers.region_code_for_number(phonenumbers.parse(row["number"])) == (
                country
            ), row
            assert date.fromisoformat(row["added"]) <= SNAPSHOT["snapshot_date"], row
    assert {row["subdivision"] for row in rows if row["phone"] in {
        r["number"] for r in registry_rows("br-sp-nao-me-ligue")
    }} == {"BR-SP"}  # fmt: skip


def test_per_channel_registries_keep_lists_per_channel() -> None:
    channels = {row["channel"] for row in registry_rows("co-rne")}
    assert {"", "sms", "voice", "email"} <= channels
    assert {row["channel"] for row in registry_rows("us-dnc")} == {""}


# --- consent ------------------------------------------------------------------------------


@cache
def consent_events() -> list[dict[str, str]]:
    with (SAMPLE / "consent.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_consent_event_is_valid_for_the_ledger_and_happened_before_the_snapshot() -> None:
    now = datetime(2026, 11, 20, tzinfo=UTC)
    rows = [{k: v for k, v in row.items() if v} for row in consent_events()]
    drafts = [d for n in range(0, len(rows), 5000) for d in parse_consent_batch(
        rows[n : n + 5000], now=now
    )]  # fmt: skip
    assert all(d.occurred_at < now for d in drafts)
    assert all(d.occurred_at >= datetime(2025, 1, 1, tzinfo=UTC) for d in drafts)
    assert {d.source.value for d in drafts} == {"web", "app", "call_centre", "pos"}
    keys = [(d.customer_id, d.idempotency_key) for d in drafts]
    assert len(set(keys)) == len(keys)
    _, people = customers()
    assert {d.customer_id for d in drafts} <= {row["customer_id"] for row in people}


def test_consent_is_a_realistic_mix_of_opt_ins_unknowns_opt_outs_and_snoozes() -> None:
    _, people = customers()
    events = consent_events()
    total = len(people)
    opted_in_sms = {e["customer_id"] for e in events if e["channel"] == "sms"
                    and e["purpose"] == "marketing" and e["kind"] == "opt_in"}  # fmt: skip
    silent = total - len({e["customer_id"] for e in events})
    assert 0.60 <= len(opted_in_sms) / total <= 0.70
    assert 0.17 <= silent / total <= 0.23
    kinds = Counter((e["kind"], e["purpose"]) for e in events)
    assert kinds["opt_out", "marketing"] >= 0.08 * total
    assert kinds["snooze", "marketing"] >= 50
    for topic in ("product_news", "streaming_offers", "roaming_offers"):
        assert kinds["opt_in", topic] >= 300, topic
    snoozes = [e for e in events if e["kind"] == "snooze"]
    ends = {e["until"] < "2026-12-01" for e in snoozes}
    assert ends == {True, False}  # some pauses are over by the demo day, some are not
