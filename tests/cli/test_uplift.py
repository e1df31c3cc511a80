"""``cortesia uplift``: fit, predict and evaluate on a slice of Hillstrom's e-mail test."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import polars as pl
import pytest
from tests.cli.conftest import Cli
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
HILLSTROM = ROOT.parent / "shared/data/hillstrom/hillstrom_womens_vs_control.csv"
SHA256 = "1002802b14e60ec5"  # shared/data/README.md
SLICE_ROWS = 6000
COLUMNS = [
    "--treatment-col", "segment",
    "--treatment-value", "Womens E-Mail",
    "--control-value", "No E-Mail",
]  # fmt: skip

pytestmark = pytest.mark.skipif(
    not HILLSTROM.exists() and not os.environ.get("CI"),
    reason="shared/data/hillstrom is not present (in CI its absence fails the test)",
)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The command line in a temporary folder; uplift needs no workspace."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COLUMNS", raising=False)
    return Cli(CliRunner(), tmp_path / "unused.db")


@pytest.fixture(scope="module")
def hillstrom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first rows of the Womens E-Mail vs No E-Mail file."""
    content = HILLSTROM.read_bytes()
    assert hashlib.sha256(content).hexdigest()[:16] == SHA256
    path = tmp_path_factory.mktemp("hillstrom") / "hillstrom.csv"
    path.write_bytes(b"\n".join(content.split(b"\n")[: SLICE_ROWS + 1]) + b"\n")
    return path


def test_fit_predict_and_evaluate_a_model_of_visits(cli: Cli, hillstrom: Path) -> None:
    fitted = cli.json(
        "uplift", "fit", "--data", str(hillstrom), *COLUMNS, "--target", "visit",
        "--exclude", "conversion,spend", "--method", "t", "--out", "visit.upl",
    )  # fmt: skip
    assert fitted["features"] == [
        "recency", "history_segment", "history", "mens", "womens", "zip_code", "newbie", "channel",
    ]  # fmt: skip
    assert fitted["categorical"] == ["history_segment", "zip_code", "channel"]
    assert fitted["holdout"]["rows"] == pytest.approx(0.3 * SLICE_ROWS, abs=3)

    scored = cli.json("uplift", "predict", "--model", "visit.upl", "--data", str(hillstrom),
                      "--out", "scored.csv")  # fmt: skip
    assert scored["rows"] == SLICE_ROWS and sum(scored["quadrants"].values()) == SLICE_ROWS
    frame = pl.read_csv("scored.csv")
    assert frame.columns[-4:] == ["uplift", "p_treated", "p_control", "quadrant"]
    assert frame["uplift"].is_between(-1, 1).all()
    assert set(frame["quadrant"]) <= {"persuadable", "sure_thing", "lost_cause", "sleeping_dog"}

    # Column options default to the model's own; the figures are on every row of the file.
    scores = cli.json("uplift", "evaluate", "--model", "visit.upl", "--data", str(hillstrom))
    assert set(scores) == {"qini_auc", "auuc", "uplift_at_30", "rows"}
    assert scores["rows"] == SLICE_ROWS and scores["qini_auc"] > 0
    again = cli.json("uplift", "evaluate", "--model", "visit.upl", "--data", str(hillstrom),
                     *COLUMNS, "--target", "visit")  # fmt: skip
    assert again == scores
    human = cli.ok("uplift", "evaluate", "--model", "visit.upl", "--data", str(hillstrom))
    assert "qini_auc" in human.stdout and "uplift_at_30" in human.stdout


def test_rows_of_other_arms_are_dropped_and_counted(
    cli: Cli, hillstrom: Path, tmp_path: Path
) -> None:
    frame = pl.read_csv(hillstrom, infer_schema_length=None)
    three_arms = tmp_path / "three.csv"
    mens = frame.head(500).with_columns(pl.lit("Mens E-Mail").alias("segment"))
    pl.concat([frame, mens]).write_csv(three_arms)
    fitted = cli.json(
        "uplift", "fit", "--data", str(three_arms), *COLUMNS, "--target", "conversion",
        "--exclude", "visit,spend", "--method", "class", "--holdout", "0", "--out", "c.upl",
    )  # fmt: skip
    assert fitted["dropped_rows"] == 500 and fitted["train_rows"] == SLICE_ROWS
    assert fitted["holdout"] is None


def test_unknown_column_names_are_named_in_one_error(cli: Cli, hillstrom: Path) -> None:
    result = cli(
        "uplift", "fit", "--data", str(hillstrom), "--treatment-col", "segmnt",
        "--treatment-value", "Womens E-Mail", "--control-value", "No E-Mail",
        "--target", "vist", "--exclude", "spend,nope", "--out", "m.upl",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--treatment-col segmnt" in result.stderr and "--target vist" in result.stderr
    assert "--exclude nope" in result.stderr and "--exclude spend" not in result.stderr
    assert "Traceback" not in result.output
    assert not Path("m.upl").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--treatment-value", "Mens E-Mail", "--target", "visit"], "no row has it"),
        (["--treatment-value", "Womens E-Mail", "--target", "spend"], "must be 0/1"),
        (["--treatment-value", "Womens E-Mail", "--target", "segment"], "treatment column"),
        (["--treatment-value", "Womens E-Mail"], "target"),
        (["--treatment-value", "Womens E-Mail", "--target", "visit", "--method", "forest"],
         "use one of"),
    ],
)  # fmt: skip
def test_bad_options_give_a_message_and_a_non_zero_exit(
    cli: Cli, hillstrom: Path, options: list[str], message: str
) -> None:
    result = cli("uplift", "fit", "--data", str(hillstrom), "--treatment-col", "segment",
                 "--control-value", "No E-Mail", *options, "--out", "m.upl")  # fmt: skip
    assert result.exit_code != 0 and message in result.stderr
    assert "Traceback" not in result.output


def test_a_damaged_model_file_is_refused(cli: Cli, hillstrom: Path) -> None:
    Path("bad.upl").write_bytes(b"CORTESIA-UPLIFT-MODEL 1\n{}\n")
    result = cli("uplift", "predict", "--model", "bad.upl", "--data", str(hillstrom),
                 "--out", "out.csv")  # fmt: skip
    assert result.exit_code != 0 and "checksum" in result.stderr
    missing = cli("uplift", "evaluate", "--model", "bad.upl", "--data", "nowhere.csv")
    assert missing.exit_code != 0


def test_scoring_a_file_without_a_models_feature_names_it(
    cli: Cli, hillstrom: Path, tmp_path: Path
) -> None:
    cli.ok("uplift", "fit", "--data", str(hillstrom), *COLUMNS, "--target", "visit",
           "--exclude", "conversion,spend", "--holdout", "0", "--out", "v.upl")  # fmt: skip
    partial = tmp_path / "partial.csv"
    pl.read_csv(hillstrom, infer_schema_length=None).drop("zip_code").write_csv(partial)
    result = cli("uplift", "predict", "--model", "v.upl", "--data", str(partial), "--out", "o.csv")
    assert result.exit_code == 2 and "zip_code" in result.stderr
    summary = json.loads(cli.ok("uplift", "predict", "--model", "v.upl", "--data", str(hillstrom),
                                "--out", "o.csv", "--json").stdout)  # fmt: skip
    assert summary["file"] == "o.csv"
