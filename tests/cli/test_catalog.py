"""``cortesia catalog``: load a file, list the actions, show one, see the versions."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import EXAMPLES, Cli, one_line

CATALOG = EXAMPLES / "catalog-minimal.toml"


def test_loading_the_example_saves_version_one(cli: Cli) -> None:
    loaded = cli.json("catalog", "load", str(CATALOG))
    assert (loaded["version"], loaded["actions"], loaded["unchanged"]) == (1, 4, False)
    assert loaded["source"] == str(CATALOG)


def test_loading_says_the_version_and_the_number_of_actions(cli: Cli) -> None:
    assert "Catalog version 1 loaded: 4 actions" in cli.ok("catalog", "load", str(CATALOG)).stdout


def test_loading_the_same_file_twice_keeps_the_version(cli: Cli) -> None:
    cli.ok("catalog", "load", str(CATALOG))
    again = cli.ok("catalog", "load", str(CATALOG)).stdout
    assert "unchanged: still version 1" in again
    assert cli.json("catalog", "load", str(CATALOG))["unchanged"] is True
    assert [v["version"] for v in cli.json("catalog", "versions")["versions"]] == [1]


def test_the_list_shows_every_action_with_its_channels(cli: Cli) -> None:
    cli.ok("catalog", "load", str(CATALOG))
    listed = cli.json("catalog", "list")
    assert listed["version"] == 1
    rows = {row["id"]: row for row in listed["actions"]}
    assert rows["data_pack_5gb"]["channels"] == ["in_app", "sms"]
    assert rows["retention_discount"]["valid_until"] == "2026-12-31"
    assert rows["free_gb_for_news"]["category"] == "consent_recovery"
    table = cli.ok("catalog", "list").stdout
    assert "data_pack_5gb" in table and "sales/data_packs" in table and "in_app, sms" in table


def test_show_gives_every_field_of_one_action(cli: Cli) -> None:
    cli.ok("catalog", "load", str(CATALOG))
    shown = cli.json("catalog", "show", "data_pack_5gb")
    assert shown["catalog_version"] == 1
    assert shown["channels"]["sms"] == {
        "treatment": "sms_data_pack_5gb",
        "cost": 0.02,
        "window": "09:00-20:00",
        "daily_limit": 5000,
    }
    assert shown["value"] == "0.2 * monthly_charges * 12"
    assert "monthly_charges" in shown["reads"]
    text = cli.ok("catalog", "show", "data_pack_5gb").stdout
    assert "5 GB data pack" in text and "sms_data_pack_5gb" in text


def test_an_unknown_action_is_one_error_line(cli: Cli) -> None:
    cli.ok("catalog", "load", str(CATALOG))
    result = cli("catalog", "show", "nope")
    assert result.exit_code != 0
    assert "nope" in one_line(result.stderr)


def test_listing_before_any_load_says_how_to_load(cli: Cli) -> None:
    result = cli("catalog", "list")
    assert result.exit_code == 1
    assert "cortesia catalog load FILE" in one_line(result.stderr)
    assert cli.json("catalog", "versions") == {"versions": []}


def test_a_file_with_one_mistake_is_one_line_naming_the_field(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        CATALOG.read_text(encoding="utf-8").replace("cost = 0.02\nwindow", "cost = -1\nwindow"),
        encoding="utf-8",
    )
    result = cli("catalog", "load", str(bad))
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert "actions[0].channels.sms.cost=-1" in line and "zero or more" in line
    assert cli.json("catalog", "versions") == {"versions": []}


def test_a_file_with_several_mistakes_lists_them_all(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "catalog: {name: x, time_zone: Nowhere/Land}\nactions:\n  - {id: a, chanels: {}}\n",
        encoding="utf-8",
    )
    result = cli("catalog", "load", str(bad))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert any("catalog.time_zone='Nowhere/Land'" in line for line in lines)
    assert any("actions[0].chanels" in line and "did you mean channels" in line for line in lines)
    assert lines[-1].startswith("error: catalog rejected:")


def test_a_rule_mistake_names_the_action_the_text_and_the_column(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        CATALOG.read_text(encoding="utf-8").replace(
            'eligibility = "days_until(bill_due_on) <= 3"', 'eligibility = "days_until("'
        ),
        encoding="utf-8",
    )
    line = one_line(cli("catalog", "load", str(bad)).stderr)
    assert "action bill_due_notice eligibility" in line and "days_until(" in line
    assert "column" in line


def test_a_file_of_another_kind_or_missing_is_refused(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "catalog.json"
    other.write_text("{}", encoding="utf-8")
    result = cli("catalog", "load", str(other))
    assert result.exit_code == 2 and ".toml, .yaml or .yml" in one_line(result.stderr)
    missing = cli("catalog", "load", str(tmp_path / "nowhere.toml"))
    assert missing.exit_code == 2 and "nowhere.toml" in one_line(missing.stderr)


def test_versions_lists_newest_first(cli: Cli, tmp_path: Path) -> None:
    cli.ok("catalog", "load", str(CATALOG))
    changed = tmp_path / "changed.toml"
    changed.write_text(
        CATALOG.read_text(encoding="utf-8").replace("levers = 1.2", "levers = 1.3"),
        encoding="utf-8",
    )
    assert cli.json("catalog", "load", str(changed))["version"] == 2
    listed = cli.json("catalog", "versions")["versions"]
    assert [(v["version"], v["source"]) for v in listed] == [(2, str(changed)), (1, str(CATALOG))]
    assert "changed.toml" in cli.ok("catalog", "versions").stdout
