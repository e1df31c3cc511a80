"""``cortesia models export --adm``: the adaptive models as Pega's ADM datamart, loaded by
pdstools (Pega's own tool) after days of answered decisions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from pdstools import ADMDatamart  # in the dev extras: the export is checked by Pega's tool
from tests.cli.conftest import Cli
from typer.testing import CliRunner

from cortesia.batch.adm_files import FORMATS


@pytest.fixture(scope="module")
def adaptive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """The telco sample under adaptive scoring, after four days of answered SMS decisions."""
    folder = tmp_path_factory.mktemp("adaptive")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setenv("CORTESIA_DATABASE_URL", f"sqlite:///{folder / 'ws' / 'cortesia.db'}")
        patch.setenv("CORTESIA_WORKSPACE_DIR", str(folder / "ws"))
        patch.setenv("CORTESIA_SCORING", "adaptive")
        patch.delenv("CORTESIA_COMPANY_POLICY_FILE", raising=False)
        patch.delenv("COLUMNS", raising=False)
        cli = Cli(CliRunner(), folder / "ws" / "cortesia.db")
        cli.ok("init", "--sample", "telco")
        cli.ok("simulate", "--customers", "200", "--days", "4", "--seed", "3")
        yield cli


@pytest.mark.slow
@pytest.mark.parametrize("file_format", FORMATS)
def test_the_adaptive_models_export_as_an_adm_datamart_pdstools_loads(
    adaptive: Cli, tmp_path: Path, file_format: str
) -> None:
    listed = {m["id"]: m for m in adaptive.json("models", "list")["models"]}
    propensity = {i.removeprefix("propensity:"): m for i, m in listed.items() if i != "opt_out"}
    target = tmp_path / file_format
    summary = adaptive.json("models", "export", "--adm", str(target), "--format", file_format)
    assert summary["adm"]["exported"] == len(propensity) > 1
    assert Path(summary["adm"]["models"]).name.endswith(f"_GMT.{file_format}")

    datamart = ADMDatamart.from_ds_export(base_path=str(target))
    models = datamart.model_data.collect()
    assert models.height == len(propensity)
    for row in models.iter_rows(named=True):
        model = propensity[f"{row['Name']}|{row['Channel']}|{row['Direction']}"]
        assert (row["Positives"], row["ResponseCount"]) == (model["positives"], model["evidence"])
        assert row["Performance"] == pytest.approx(model["auc"], abs=1e-4)
        assert row["ModelTechnique"] == "BayesianLogistic" and row["Issue"] and row["Group"]
    assert datamart.aggregates.last().collect().height == len(propensity)

    bins = datamart.predictor_data.collect()
    top = models.sort("ResponseCount", descending=True).row(0, named=True)
    mine = bins.filter(pl.col("ModelID") == top["ModelID"])
    plan = mine.filter(pl.col("PredictorName") == "plan").sort("BinIndex")
    assert plan["BinResponseCount"].sum() == top["ResponseCount"] >= 20
    assert plan["BinPositives"].sum() == top["Positives"]
    assert plan["BinSymbol"].cast(pl.String).to_list()[-1] == "MISSING"
    named = mine.filter(pl.col("BinType") == "EQUIBEHAVIOR", pl.col("EntryType") == "Active")
    assert named.height > 0  # a value seen often enough has a bin of its own
    totals = (
        mine.filter(pl.col("EntryType") != "Classifier")
        .group_by("PredictorName")
        .agg(pl.col("BinResponseCount").sum())
    )
    assert set(totals["BinResponseCount"]) == {top["ResponseCount"]}


def test_a_fresh_process_shows_each_adaptive_model_as_the_list_does(adaptive: Cli) -> None:
    listed = {m["id"]: m for m in adaptive.json("models", "list")["models"]}
    assert "opt_out" in listed and len(listed) > 2
    for model_id in ("opt_out", min(i for i in listed if i.startswith("propensity:"))):
        shown = adaptive.json("models", "show", model_id)  # its own process: reads the log
        assert shown["evidence"] == listed[model_id]["evidence"] > 0
        assert shown["auc"] == listed[model_id]["auc"]
