"""ADM datamart files: written, read back unchanged, and loaded by pdstools (Pega's own tool)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from pdstools import ADMDatamart  # in the dev extras: the export is checked by Pega's tool
from polars.testing import assert_frame_equal

from cortesia.batch.adm_files import (
    FORMATS,
    MODEL_FILE,
    PREDICTOR_FILE,
    model_frame,
    predictor_frame,
    read_datamart,
    write_datamart,
)
from cortesia.errors import ValidationError
from cortesia.models.adm import AdaptiveNaiveBayes
from cortesia.models.adm_export import (
    MODEL_COLUMNS,
    PREDICTOR_COLUMNS,
    ModelEvidence,
    ModelIdentity,
)
from cortesia.models.evidence import BinnedEvidence

WHEN = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
GOLD = ModelIdentity("Sales", "Cards", "GoldCard", "Web", "Inbound", "Web_Click")
SILVER = ModelIdentity("Sales", "Cards", "SilverCard", "Email", "Outbound", "Email_Open")


def _trained(seed: int) -> AdaptiveNaiveBayes:
    rng = np.random.default_rng(seed)
    model = AdaptiveNaiveBayes(grace=50, min_bin_evidence=50, seed=seed)
    for _ in range(2000):
        age = int(rng.integers(18, 90))
        plan = ["basic", "gold", "platinum"][int(rng.integers(3))]
        rate = (0.05 if age < 40 else 0.3) * (2.0 if plan == "gold" else 1.0)
        model.learn_one({"Customer.Age": age, "Customer.Plan": plan}, bool(rng.random() < rate))
    return model


@pytest.fixture(scope="module")
def models() -> list[tuple[ModelIdentity, AdaptiveNaiveBayes]]:
    return [(GOLD, _trained(1)), (SILVER, _trained(2))]


def test_frames_carry_the_datamart_columns_typed(
    models: list[tuple[ModelIdentity, AdaptiveNaiveBayes]],
) -> None:
    frame = model_frame(models, WHEN)
    assert frame.columns == list(MODEL_COLUMNS)
    assert frame.schema["pyPositives"] == pl.Float64 and frame.schema["pyName"] == pl.String
    bins = predictor_frame(models, WHEN)
    assert bins.columns == list(PREDICTOR_COLUMNS)
    assert bins.schema["pyBinIndex"] == pl.Int64
    assert bins.filter(pl.col("pyEntryType") == "Classifier")["pyModelID"].n_unique() == 2


@pytest.mark.parametrize("file_format", FORMATS)
def test_files_are_written_under_pegas_names_and_read_back_unchanged(
    models: list[tuple[ModelIdentity, AdaptiveNaiveBayes]], tmp_path: Path, file_format: str
) -> None:
    files = write_datamart(models, tmp_path / "export", WHEN, file_format=file_format)
    assert files.models.name == f"{MODEL_FILE}_20261124T060000_GMT.{file_format}"
    assert files.predictors.name == f"{PREDICTOR_FILE}_20261124T060000_GMT.{file_format}"
    read_models, read_bins = read_datamart(files)
    assert_frame_equal(read_models, model_frame(models, WHEN))
    assert_frame_equal(read_bins, predictor_frame(models, WHEN))


def test_an_unknown_format_is_refused(
    models: list[tuple[ModelIdentity, AdaptiveNaiveBayes]], tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="file_format"):
        write_datamart(models, tmp_path, WHEN, file_format="xlsx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("file_format", FORMATS)
def test_pdstools_loads_the_export_with_its_models_and_predictors(
    models: list[tuple[ModelIdentity, AdaptiveNaiveBayes]], tmp_path: Path, file_format: str
) -> None:
    write_datamart(models, tmp_path, WHEN, file_format=file_format)
    datamart = ADMDatamart.from_ds_export(base_path=str(tmp_path))

    loaded = datamart.model_data.collect().sort("Name")
    assert loaded["ModelID"].to_list() == [GOLD.model_id, SILVER.model_id]
    assert loaded["Configuration"].cast(pl.String).to_list() == ["Web_Click", "Email_Open"]
    assert loaded["Channel"].cast(pl.String).to_list() == ["Web", "Email"]
    assert loaded["SnapshotTime"].to_list() == [datetime(2026, 11, 24, 6, 0)] * 2
    for (_, model), row in zip(models, loaded.iter_rows(named=True), strict=True):
        assert row["Positives"] == model.positives
        assert row["ResponseCount"] == model.n_seen
        assert row["Performance"] == pytest.approx(model.auc)

    bins = datamart.predictor_data.collect()
    names = bins["PredictorName"].cast(pl.String).unique().sort().to_list()
    assert names == ["Classifier", "Customer.Age", "Customer.Plan"]
    assert set(bins["EntryType"].cast(pl.String)) <= {"Active", "Inactive", "Classifier"}
    assert set(bins["PredictorCategory"].drop_nulls()) >= {"Customer"}
    classifier = bins.filter(pl.col("EntryType") == "Classifier")
    assert classifier["BinResponseCount"].sum() == sum(m.n_seen for _, m in models)

    ranges = datamart.active_ranges().collect()
    auc = {ident.model_id: model.auc for ident, model in models}
    assert dict(ranges.select("ModelID", "AUC_Datamart").iter_rows()) == pytest.approx(auc)
    assert all(0.5 < auc <= 1.0 for auc in ranges["AUC_FullRange"])
    assert datamart.aggregates.last().collect().height == 2


def test_pdstools_sees_growth_across_snapshots_written_over_time(tmp_path: Path) -> None:
    model = AdaptiveNaiveBayes(grace=50, min_bin_evidence=50)
    for day in range(2):
        for i in range(500):
            model.learn_one({"Customer.Age": i % 80}, i % 80 > 50)
        write_datamart([(GOLD, model)], tmp_path, datetime(2026, 11, 20 + day, tzinfo=UTC))
    datamart = ADMDatamart(
        pl.scan_parquet(tmp_path / f"{MODEL_FILE}_*.parquet"),
        pl.scan_parquet(tmp_path / f"{PREDICTOR_FILE}_*.parquet"),
    )
    snapshots = datamart.model_data.collect()
    assert snapshots["ResponseCount"].to_list() == [500.0, 1000.0]
    channels = datamart.aggregates.summary_by_channel().collect()
    assert channels["Responses"].to_list() == [500.0]  # the responses between the snapshots


def _logistic_evidence(seed: int) -> ModelEvidence:
    """A model that does not bin (as the adaptive scorer's), with its binned evidence."""
    rng = np.random.default_rng(seed)
    evidence = BinnedEvidence(min_predictor_auc=0.0)
    for _ in range(1500):
        age = int(rng.integers(18, 90))
        plan = ["basic", "gold", "platinum"][int(rng.integers(3))]
        rate = 0.05 if age < 40 else 0.3
        evidence.learn(
            {"Customer.Age": age, "Customer.Plan": plan}, bool(rng.random() < rate), rate
        )
    predictors, bins = evidence.predictors(), evidence.score_bins()
    return ModelEvidence(
        "BayesianLogistic", evidence.positives, evidence.n_seen, 0.64, predictors, bins
    )


def test_pdstools_loads_models_kept_as_binned_evidence(tmp_path: Path) -> None:
    models = [(GOLD, _logistic_evidence(1)), (SILVER, _logistic_evidence(2))]
    write_datamart(models, tmp_path, WHEN, file_format="zip")
    datamart = ADMDatamart.from_ds_export(base_path=str(tmp_path))

    loaded = datamart.model_data.collect().sort("Name")
    assert loaded["ModelTechnique"].cast(pl.String).to_list() == ["BayesianLogistic"] * 2
    for (_, evidence), row in zip(models, loaded.iter_rows(named=True), strict=True):
        assert (row["Positives"], row["ResponseCount"]) == (evidence.positives, 1500)
        assert row["Performance"] == pytest.approx(0.64)
    bins = datamart.predictor_data.collect()
    plan = bins.filter(
        (pl.col("ModelID") == GOLD.model_id) & (pl.col("PredictorName") == "Customer.Plan")
    )
    symbols = plan.sort("BinIndex")["BinSymbol"].cast(pl.String).to_list()
    assert symbols == ["Remaining symbols", "basic", "gold", "platinum", "MISSING"]
    assert plan["BinResponseCount"].sum() == 1500
    assert set(plan["EntryType"].cast(pl.String)) == {"Active"}
    classifier = bins.filter(pl.col("EntryType") == "Classifier")
    assert classifier["BinResponseCount"].sum() == 3000
    assert datamart.aggregates.last().collect().height == 2
