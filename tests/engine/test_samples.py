"""Installing the telco sample through the engine, on the memory store and registries."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cortesia.adapters.dnc import MemoryRegistries
from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.vocabulary import Channel
from cortesia.engine.company_policy import FileCompanyPolicy
from cortesia.engine.decide import DecisionRequest
from cortesia.engine.hub import Engine
from cortesia.engine.samples import (
    SampleReport,
    install_sample,
    sample_folder,
    sample_names,
    sample_report_view,
)
from cortesia.errors import ValidationError

SAMPLE = Path(str(sample_folder("telco")))
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
DEMO = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 10:00 in Bogotá, a Tuesday
REGISTRIES = sorted(p.stem for p in (SAMPLE / "registries").glob("*.csv"))
# Colombian customers, per the shipped files (checked below): opted in to SMS marketing;
# the first is on no registry, the second on the RNE's SMS list.
OPTED_IN = "6713-OKOMC"
LISTED = "8067-NIOYM"


@dataclass
class World:
    store: MemoryStore
    registries: MemoryRegistries
    folder: Path

    def engine(self) -> Engine:
        """An engine as bootstrap builds it: the workspace's company policy file applied."""
        policy = self.folder / "company-policy.toml"
        return Engine(
            self.store,
            FrozenClock(NOW),
            registries=self.registries,
            dnc=self.registries,
            company=FileCompanyPolicy(policy) if policy.is_file() else None,
        )

    def install(self) -> SampleReport:
        return install_sample(self.engine(), "telco", self.folder)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(MemoryStore(), MemoryRegistries(), tmp_path)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, SampleReport]]:
    """One installed sample shared by the tests that only read it or decide."""
    world = World(MemoryStore(), MemoryRegistries(), tmp_path_factory.mktemp("telco"))
    yield world, world.install()


def _rows(name: str) -> list[dict[str, str]]:
    with (SAMPLE / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_package_ships_the_telco_sample() -> None:
    assert "telco" in sample_names()


def test_an_unknown_sample_is_refused_naming_the_samples(world: World) -> None:
    with pytest.raises(ValidationError, match="samples: telco"):
        install_sample(world.engine(), "bank", world.folder)


def test_installing_loads_customers_catalog_registries_consent_and_policy(
    installed: tuple[World, SampleReport],
) -> None:
    world, report = installed
    assert (report.customers_rows, report.customers_created) == (7043, 7043)
    assert (report.catalog, report.catalog_version) == ("loaded", 1)
    assert [r.registry for r in report.registries] == REGISTRIES
    assert report.registries_imported == len(REGISTRIES)
    assert {r.snapshot_date for r in report.registries} == {date(2026, 11, 24)}
    assert (report.consent_new, report.consent_replayed) == (len(_rows("consent.csv")), 0)
    assert report.policy == "written"
    written = (world.folder / "company-policy.toml").read_bytes()
    assert written == (SAMPLE / "company_policy.toml").read_bytes()
    view = sample_report_view(report)
    assert view["registries_imported"] == len(REGISTRIES)
    assert view["consent_events"] == {"new": report.consent_new, "replayed": 0}


def test_installing_again_changes_nothing(installed: tuple[World, SampleReport]) -> None:
    world, first = installed
    events = world.store.chain_head()
    again = world.install()
    assert (again.customers_created, again.customers_updated) == (0, 7043)
    assert (again.catalog, again.catalog_version) == ("unchanged", first.catalog_version)
    assert again.registries_imported == 0
    assert [r.version for r in again.registries] == [1] * len(REGISTRIES)
    assert (again.consent_new, again.consent_replayed) == (0, first.consent_new)
    assert again.policy == "unchanged"
    assert world.store.chain_head() == events


def test_what_the_workspace_already_has_is_kept(world: World) -> None:
    engine = world.engine()
    own_catalog = (SAMPLE / "catalog.toml").read_text("utf-8").replace("Telco sample", "Ours", 1)
    (world.folder / "catalog.toml").write_text(own_catalog, encoding="utf-8")
    ours = engine.catalog.load_file(world.folder / "catalog.toml")
    rne = world.folder / "rne.csv"
    rne.write_text("number,channel\n+573009999999,voice\n", encoding="utf-8")
    engine.dnc.import_file(rne, "co-rne", as_of=date(2026, 11, 23))
    (world.folder / "company-policy.toml").write_text("# ours\n", encoding="utf-8")
    report = world.install()
    assert (report.catalog, report.catalog_version) == ("kept", ours.version)
    co = next(r for r in report.registries if r.registry == "co-rne")
    assert (co.imported, co.numbers, co.snapshot_date) == (False, 1, date(2026, 11, 23))
    assert report.registries_imported == len(REGISTRIES) - 1
    assert report.policy == "kept"
    assert (world.folder / "company-policy.toml").read_text("utf-8") == "# ours\n"


def test_the_premises_of_the_decision_tests_hold_in_the_shipped_files() -> None:
    people = {row["customer_id"]: row for row in _rows("customers.csv")}
    consent = _rows("consent.csv")
    rne = {row["number"]: row["channel"] for row in _rows("registries/co-rne.csv")}
    for who in (OPTED_IN, LISTED):
        assert people[who]["country"] == "CO"
        kinds = {
            (e["channel"], e["purpose"], e["kind"]) for e in consent if e["customer_id"] == who
        }
        assert ("sms", "marketing", "opt_in") in kinds
        assert all(kind == "opt_in" for _, _, kind in kinds)
    assert people[OPTED_IN]["phone"] not in rne
    assert rne[people[LISTED]["phone"]] in ("sms", "")


def test_an_opted_in_colombian_customer_gets_an_sms_offer_on_the_demo_day(
    installed: tuple[World, SampleReport],
) -> None:
    world, _ = installed
    decision = world.engine().decisions.decide(DecisionRequest(OPTED_IN, Channel.SMS, at=DEMO))
    assert not decision.silent
    assert decision.versions.catalog == 1
    assert all(t.stage.value != "policy" or "CO-9" not in t.reason for t in decision.trace)


def test_a_customer_on_the_colombian_registry_is_held_back_by_it(
    installed: tuple[World, SampleReport],
) -> None:
    world, _ = installed
    decision = world.engine().decisions.decide(DecisionRequest(LISTED, Channel.SMS, at=DEMO))
    held = [t.reason for t in decision.trace if t.stage.value == "policy"]
    assert held and all("CO-9" in r and "co-rne" in r for r in held)
