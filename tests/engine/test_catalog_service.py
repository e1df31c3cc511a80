"""The catalog service: versions on every change, nothing stored when wrong, one compile per
version, and other processes' loads seen within the refresh delay."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.catalog import CatalogRejected
from cortesia.domain.vocabulary import Channel
from cortesia.engine.catalog import CatalogService, read_catalog_file
from cortesia.errors import NotFoundError, ValidationError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "catalog-minimal.toml"
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

YAML_CATALOG = """\
catalog:
  name: YAML catalog
  time_zone: Europe/Madrid
actions:
  - id: roaming_pack
    name: {es: Bono de roaming, en: Roaming pack}
    text: {es: Viaja tranquilo, en: Travel easy}
    group: sales/roaming
    category: sales
    purpose: roaming_offers
    value: 0.1 * arpu * 12
    eligibility: context.location_country != country
    valid_from: 2026-06-01
    valid_until: 2026-09-30
    channels:
      sms: {treatment: sms_roaming, cost: 0.03, window: "08:00-22:00"}
"""


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def service(store: MemoryStore | None = None, **options: Any) -> CatalogService:
    return CatalogService(store or MemoryStore(), FrozenClock(AT), **options)


def action(action_id: str, **fields: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": action_id,
        "name": {"es": f"Oferta {action_id}", "en": f"Offer {action_id}"},
        "text": {"es": "Texto", "en": "Text"},
        "group": f"sales/{action_id}",
        "category": "sales",
        "purpose": "marketing",
        "value": 10,
        "channels": {"email": {"treatment": f"email_{action_id}"}},
    }
    found.update(fields)
    return found


def example() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_loading_a_file_saves_version_one_with_its_source() -> None:
    catalogs = service()
    saved = catalogs.load_file(EXAMPLE)
    assert (saved.version, saved.action_count, saved.source) == (1, 4, str(EXAMPLE))
    assert saved.created_at == AT
    assert len(saved.digest) == 64
    current = catalogs.current()
    assert (current.version, current.digest) == (1, saved.digest)


def test_loading_the_same_catalog_again_keeps_its_version() -> None:
    catalogs = service()
    first = catalogs.load_file(EXAMPLE)
    again = catalogs.load_document(example(), source="again")
    assert again.version == first.version
    assert len(catalogs.versions()) == 1


def test_a_yaml_file_with_the_same_content_as_a_toml_file_is_the_same_version(
    tmp_path: Path,
) -> None:
    as_yaml = tmp_path / "catalog.yaml"
    as_yaml.write_text(yaml.safe_dump(example(), allow_unicode=True), encoding="utf-8")
    catalogs = service()
    assert catalogs.load_file(EXAMPLE).version == 1
    assert catalogs.load_file(as_yaml).version == 1


def test_a_hand_written_yaml_file_is_read_with_its_dates(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yml"
    path.write_text(YAML_CATALOG, encoding="utf-8")
    catalogs = service()
    catalogs.load_file(path)
    roaming = catalogs.current().action("roaming_pack")
    assert roaming.valid_from is not None and roaming.valid_from.isoformat() == "2026-06-01"
    assert roaming.purpose == "roaming_offers"
    assert catalogs.current().economics.time_zone == "Europe/Madrid"


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("catalog.json", "{}", "must end in .toml, .yaml or .yml"),
        ("catalog.toml", "[catalog\nname = 1", "not valid TOML"),
        ("catalog.yaml", "actions: [\n", "not valid YAML"),
        ("catalog.yaml", "- just\n- a list\n", "[catalog] table"),
        ("catalog.yaml", "catalog: {name: a}\ncatalog: {name: b}\n", "written twice"),
    ],
)
def test_a_file_that_cannot_be_read_as_a_catalog_is_refused_by_name(
    tmp_path: Path, name: str, text: str, reason: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    catalogs = service()
    with pytest.raises(ValidationError) as caught:
        catalogs.load_file(path)
    assert caught.value.problem.field == "file"
    assert reason in caught.value.problem.reason
    assert catalogs.versions() == []


def test_a_yaml_error_gives_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("catalog:\n  name: [a\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="line 3"):
        read_catalog_file(path)


def test_a_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        service().load_file(tmp_path / "nowhere.toml")


def test_nothing_is_stored_when_anything_is_wrong() -> None:
    store = MemoryStore()
    catalogs = service(store)
    broken = example()
    broken["actions"][3]["consent_ask"]["channel"] = "fax"
    broken["actions"][0]["cool_off_days"] = 0
    with pytest.raises(CatalogRejected) as caught:
        catalogs.load_document(broken, source="broken")
    assert len(caught.value.problems) == 2
    assert store.latest_catalog_number() is None
    with pytest.raises(NotFoundError):
        catalogs.current()


def test_a_changed_catalog_is_a_new_version_and_old_ones_stay_readable() -> None:
    catalogs = service()
    catalogs.load_file(EXAMPLE)
    changed = example()
    changed["actions"][0]["value"] = 99
    assert catalogs.load_document(changed, source="edit").version == 2
    assert catalogs.current().action("data_pack_5gb").value.number({}) == 99.0
    old = catalogs.at_version(1)
    assert old.version == 1
    assert old.action("data_pack_5gb").value.number({"monthly_charges": 10}) == pytest.approx(24)
    assert [v.version for v in catalogs.versions()] == [2, 1]
    with pytest.raises(NotFoundError):
        catalogs.at_version(3)


def test_upserting_an_action_adds_it_then_replaces_it_in_place() -> None:
    catalogs = service()
    catalogs.load_file(EXAMPLE)
    added = catalogs.upsert_action(action("tv_bundle"))
    assert (added.version, added.action_count, added.source) == (2, 5, "action tv_bundle added")
    assert catalogs.current().actions[-1].action_id == "tv_bundle"
    updated = catalogs.upsert_action(action("data_pack_5gb", value=7))
    assert (updated.version, updated.source) == (3, "action data_pack_5gb updated")
    ids = [a.action_id for a in catalogs.current().actions]
    assert ids[0] == "data_pack_5gb" and len(ids) == 5
    assert catalogs.current().economics.time_zone == "America/Bogota"  # settings kept
    assert catalogs.upsert_action(action("data_pack_5gb", value=7)).version == 3


def test_upserting_into_no_catalog_starts_one_with_default_settings() -> None:
    catalogs = service()
    assert catalogs.upsert_action(action("first")).version == 1
    assert catalogs.current().economics.time_zone == "UTC"


def test_a_bad_upsert_names_the_field_of_the_action_and_stores_nothing() -> None:
    catalogs = service()
    catalogs.load_file(EXAMPLE)
    with pytest.raises(ValidationError) as caught:
        catalogs.upsert_action(action("x", channels={"sms": {"treatment": "t", "cost": -2}}))
    assert caught.value.problem.field == "action.channels.sms.cost"
    assert catalogs.latest_number() == 1


def test_removing_an_action_is_a_new_version() -> None:
    catalogs = service()
    catalogs.load_file(EXAMPLE)
    removed = catalogs.remove_action("bill_due_notice")
    assert (removed.version, removed.action_count) == (2, 3)
    assert [a.action_id for a in catalogs.current().for_channel(Channel.SMS)] == ["data_pack_5gb"]
    with pytest.raises(NotFoundError):
        catalogs.remove_action("bill_due_notice")


def test_the_current_catalog_is_compiled_once_per_version() -> None:
    store = MemoryStore()
    catalogs = service(store)
    catalogs.load_file(EXAMPLE)
    assert catalogs.current() is catalogs.current()
    reader = service(store)  # a fresh process compiles from the stored document
    assert reader.current() is reader.current()
    assert reader.current().digest == catalogs.current().digest


def test_another_process_load_is_seen_after_the_refresh_delay() -> None:
    store, ticks = MemoryStore(), Ticks()
    writer = service(store)
    reader = service(store, refresh_seconds=1.0, monotonic=ticks)
    writer.load_file(EXAMPLE)
    assert reader.current().version == 1
    writer.upsert_action(action("tv_bundle"))
    ticks.now = 0.5
    assert reader.current().version == 1
    ticks.now = 1.0
    assert reader.current().version == 2


def test_a_zero_refresh_reads_the_latest_version_on_every_call() -> None:
    store = MemoryStore()
    writer, reader = service(store), service(store, refresh_seconds=0)
    writer.load_file(EXAMPLE)
    assert reader.current().version == 1
    writer.remove_action("bill_due_notice")
    assert reader.current().version == 2


def test_the_stored_version_carries_the_normalised_document() -> None:
    catalogs = service()
    catalogs.load_file(EXAMPLE)
    stored = catalogs.version()
    assert stored.document["catalog"]["name"] == "Minimal telco catalog"  # type: ignore[index]
    with pytest.raises(NotFoundError):
        catalogs.version(5)


def test_the_time_of_a_version_is_the_clock_time() -> None:
    clock = FrozenClock(AT)
    catalogs = CatalogService(MemoryStore(), clock)
    catalogs.load_file(EXAMPLE)
    clock.advance(timedelta(hours=1))
    assert catalogs.upsert_action(action("later")).created_at == AT + timedelta(hours=1)


def test_versions_survive_a_restart_on_sql(database_url: str) -> None:
    from cortesia.adapters.sql.migrate import upgrade
    from cortesia.adapters.sql.store import SqlStore

    upgrade(database_url)
    store = SqlStore(database_url)
    try:
        first = CatalogService(store, FrozenClock(AT))
        assert first.load_file(EXAMPLE).version == 1
        assert first.load_file(EXAMPLE).version == 1
        assert first.upsert_action(action("tv_bundle")).version == 2
    finally:
        store.close()
    reopened = SqlStore(database_url)
    try:
        again = CatalogService(reopened, FrozenClock(AT))
        assert again.current().version == 2
        assert again.current().action("tv_bundle").channels[Channel.EMAIL].treatment == (
            "email_tv_bundle"
        )
        assert again.at_version(1).digest == again.versions()[1].digest
        assert again.load_document(example(), source="back").version == 3
    finally:
        reopened.close()


def test_the_toml_and_yaml_examples_of_the_guide_are_the_same_catalog(tmp_path: Path) -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "catalog.md").read_text("utf-8")
    toml_text = guide.split("```toml\n", 1)[1].split("```", 1)[0]
    yaml_text = guide.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "guide.toml").write_text(toml_text, encoding="utf-8")
    (tmp_path / "guide.yaml").write_text(yaml_text, encoding="utf-8")
    catalogs = service()
    first = catalogs.load_file(tmp_path / "guide.toml")
    assert catalogs.load_file(tmp_path / "guide.yaml").version == first.version == 1
