"""``cortesia simulate`` and ``cortesia report``: the opt-out economics of the telco sample."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.cli.conftest import Cli
from typer.testing import CliRunner

PERIOD = ("--from", "2026-11-24", "--to", "2026-12-01")


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Cli, dict[str, int]]]:
    """The telco sample with 300 customers answering a week of SMS decisions."""
    folder = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setenv("CORTESIA_DATABASE_URL", f"sqlite:///{folder / 'ws' / 'cortesia.db'}")
        patch.setenv("CORTESIA_WORKSPACE_DIR", str(folder / "ws"))
        patch.delenv("CORTESIA_COMPANY_POLICY_FILE", raising=False)
        patch.delenv("COLUMNS", raising=False)
        cli = Cli(CliRunner(), folder / "ws" / "cortesia.db")
        cli.ok("init", "--sample", "telco")
        summary = cli.json("simulate", "--customers", "300", "--seed", "3")
        yield cli, summary


def test_a_simulation_sends_holds_back_and_answers(simulated: tuple[Cli, dict[str, int]]) -> None:
    _, summary = simulated
    assert summary["decisions"] == 300 * 7
    assert summary["sent"] > 0 and summary["withheld"] > 0 and summary["accepted"] > 0


def test_a_period_already_simulated_is_refused_or_skipped(
    simulated: tuple[Cli, dict[str, int]],
) -> None:
    cli, _ = simulated
    refused = cli("simulate", "--customers", "5")
    assert refused.exit_code != 0
    assert "already holds decisions" in refused.output and "--again" in refused.output
    skipped = cli.ok("simulate", "--customers", "5", "--once")
    assert "already simulated" in skipped.output


def test_the_report_in_json_has_every_column_and_the_flag(
    simulated: tuple[Cli, dict[str, int]],
) -> None:
    cli, _ = simulated
    found = cli.json("report", "optout", *PERIOD, "--by", "campaign")
    assert found["by"] == "campaign" and found["period"]["attribution"] == "last"
    rows = {r["campaign"]: r for r in found["rows"]}
    marketing = [r for r in rows.values() if r["control_size"]]
    assert marketing, rows
    for row in marketing:
        assert row["incremental_responses"] is not None
        assert isinstance(row["eroded_exceeds_incremental"], bool)
        assert row["opt_out_rate_low"] <= row["opt_out_rate"] <= row["opt_out_rate_high"]
    # Service messages are never held back: they have no control group.
    assert all(r["control_size"] == 0 for c, r in rows.items() if c.startswith("service/"))


def test_the_report_as_csv_and_as_a_table(simulated: tuple[Cli, dict[str, int]]) -> None:
    cli, _ = simulated
    text = cli.ok("report", "optout", *PERIOD, "--by", "channel", "--csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["channel"] for r in rows] == ["sms"]
    shown = cli.ok("report", "optout", *PERIOD, "--by", "segment").stdout
    assert "Opt-out economics by segment" in shown and "premium" in shown


def test_fatigue_and_recovered_optins(
    simulated: tuple[Cli, dict[str, int]], tmp_path: Path
) -> None:
    cli, _ = simulated
    out = tmp_path / "fatigue.json"
    cli.ok("report", "fatigue", *PERIOD, "--out", str(out))
    curve = json.loads(out.read_text())
    assert curve["period"]["window_days"] == 7.0
    optins = cli.json("report", "optins", *PERIOD)
    assert isinstance(optins["rows"], list)


def test_bad_report_options_name_the_field(simulated: tuple[Cli, dict[str, int]]) -> None:
    cli, _ = simulated
    for args, field in (
        (("--by", "planet"), "by"),
        (("--from", "2026-13-01"), "from"),
        (("--attribution", "first"), "rule"),
        (("--from", "2026-12-01", "--to", "2026-11-01"), "to"),
    ):
        result = cli("report", "optout", *args)
        assert result.exit_code != 0 and field in result.output, result.output
        assert "Traceback" not in result.output


def test_the_interaction_history_export_loads_in_pdstools(
    simulated: tuple[Cli, dict[str, int]], tmp_path: Path
) -> None:
    from pdstools import IH

    cli, summary = simulated
    out = tmp_path / "ih.zip"
    written = cli.json("report", "ih", *PERIOD, "--out", str(out))
    assert written["rows"] >= summary["sent"]  # an impression per sent offer, then outcomes
    history = IH.from_ds_export(str(out))
    frame = history.data.collect()
    assert frame.height == written["rows"]
    assert set(frame["Channel"].unique().to_list()) == {"SMS"}


def test_uplift_training_on_the_workspace_says_what_it_skipped(
    simulated: tuple[Cli, dict[str, int]],
) -> None:
    cli, _ = simulated
    found = cli.json("uplift", "train", "--at", "2026-12-01T14:00:00Z")
    assert found["period"]["to"] == "2026-12-01T14:00:00+00:00"
    # 300 customers for a week leave no action with 100 offers held back.
    assert found["trained"] == [] and found["skipped"]
    assert all("held back" in s["reason"] or "positive" in s["reason"] for s in found["skipped"])
