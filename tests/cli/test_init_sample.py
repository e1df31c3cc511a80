"""``cortesia init --sample telco``: a workspace that gives real decisions on the demo day."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.cli.conftest import Cli, one_line
from typer.testing import CliRunner

DEMO = "2026-12-01T15:00:00Z"  # 10:00 in Bogotá, a Tuesday
OPTED_IN = "6713-OKOMC"  # Colombian, opted in to SMS marketing, on no registry
LISTED = "8067-NIOYM"  # Colombian, opted in to SMS marketing, on the RNE's SMS list
# (tests/engine/test_samples.py checks both against the shipped files)


@dataclass
class Installed:
    cli: Cli
    first: dict[str, Any]
    second: dict[str, Any]
    workspace: Path


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """One SQLite workspace with the sample installed twice, shared by this module."""
    folder = tmp_path_factory.mktemp("sample")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setenv("CORTESIA_DATABASE_URL", f"sqlite:///{folder / 'ws' / 'cortesia.db'}")
        patch.setenv("CORTESIA_WORKSPACE_DIR", str(folder / "ws"))
        patch.delenv("CORTESIA_COMPANY_POLICY_FILE", raising=False)
        patch.delenv("COLUMNS", raising=False)
        cli = Cli(CliRunner(), folder / "ws" / "cortesia.db")
        first = cli.json("init", "--sample", "telco")
        second = cli.json("init", "--sample", "telco")
        yield Installed(cli, first, second, folder / "ws")


def test_init_with_the_sample_reports_what_it_installed(installed: Installed) -> None:
    report = installed.first["sample"]
    assert installed.first["revision"]
    assert report["customers"] == {"rows": 7043, "created": 7043, "updated": 0}
    assert report["catalog"] == {"status": "loaded", "version": 1}
    assert report["registries_imported"] == len(report["registries"]) >= 9
    assert {r["snapshot_date"] for r in report["registries"]} == {"2026-11-24"}
    assert report["consent_events"]["new"] > 15_000
    assert report["consent_events"]["replayed"] == 0
    assert report["policy"] == {
        "status": "written",
        "file": str(installed.workspace / "company-policy.toml"),
    }
    assert installed.cli.sql("SELECT COUNT(*) FROM customers") == [(7043,)]


def test_running_it_again_changes_nothing(installed: Installed) -> None:
    first, again = installed.first["sample"], installed.second["sample"]
    assert again["customers"] == {"rows": 7043, "created": 0, "updated": 7043}
    assert again["catalog"] == {"status": "unchanged", "version": first["catalog"]["version"]}
    assert again["registries_imported"] == 0
    assert again["consent_events"] == {"new": 0, "replayed": first["consent_events"]["new"]}
    assert again["policy"]["status"] == "unchanged"
    assert len(installed.cli.json("catalog", "versions")) == 1


def test_an_opted_in_colombian_customer_gets_a_real_decision(installed: Installed) -> None:
    decision = installed.cli.json("decide", OPTED_IN, "--channel", "sms", "--at", DEMO)
    assert decision["silent"] is False
    assert decision["actions"][0]["channel"] == "sms"
    assert not any("CO-9" in step["reason"] for step in decision["trace"])


def test_a_customer_on_the_registry_is_held_back_and_the_trace_says_why(
    installed: Installed,
) -> None:
    decision = installed.cli.json("decide", LISTED, "--channel", "sms", "--at", DEMO)
    held = [step["reason"] for step in decision["trace"] if step["stage"] == "policy"]
    assert held
    assert all("CO-9" in reason and "co-rne" in reason for reason in held)


def test_the_human_report_says_what_happened_and_how_to_decide(installed: Installed) -> None:
    shown = installed.cli.ok("init", "--sample", "telco").stdout
    assert "Sample telco: 7,043 customers (0 new, 7,043 updated)" in shown
    assert "registries: 0 imported" in shown
    assert "company policy already in" in shown
    assert f"--at {DEMO}" in shown


def test_an_unknown_sample_is_one_line_listing_the_samples(cli: Cli) -> None:
    result = cli("init", "--sample", "bank")
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert "bank" in line and "samples: telco" in line


def test_init_without_a_sample_installs_nothing(cli: Cli) -> None:
    shown = cli.json("init")
    assert set(shown) == {"database_url", "revision"}
    assert cli.sql("SELECT COUNT(*) FROM customers") == [(0,)]
