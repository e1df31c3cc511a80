"""The fitted bundle: held-out figures, the real-time path, the file, and the quadrants."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from tests.models.test_uplift_learners import synthetic

from cortesia.errors import ValidationError
from cortesia.models.uplift import (
    Quadrant,
    QuadrantThresholds,
    UpliftModel,
    fit_uplift_model,
    quadrant,
    quadrants,
    read_metadata,
    stratified_split,
    thresholds_for,
)


@pytest.fixture(scope="module")
def model() -> UpliftModel:
    columns, treatment, y, _ = synthetic(seed=11, n=5000)
    return fit_uplift_model(
        columns,
        treatment,
        y,
        target="visit",
        method="x",
        seed=5,
        treatment_col="arm",
        treatment_value="mail",
        control_value="none",
    )


def test_fitting_holds_out_a_share_and_records_how_well_it_ranked(model: UpliftModel) -> None:
    meta = model.metadata
    assert (meta.method, meta.target, meta.features) == ("x", "visit", ("x0", "noise", "plan"))
    assert meta.categorical == ("plan",)
    assert meta.holdout is not None and abs(meta.holdout.rows - 1500) <= 2  # 30 % of each cell
    assert meta.train_rows == 5000 - meta.holdout.rows
    assert meta.train_treated + meta.train_control == meta.train_rows
    assert meta.holdout.qini_auc > 0.1
    assert meta.thresholds == thresholds_for(meta.control_rate)


def test_without_a_holdout_no_figures_are_claimed() -> None:
    columns, treatment, y, _ = synthetic(seed=12, n=1000)
    fitted = fit_uplift_model(columns, treatment, y, target="visit", holdout=0.0)
    assert fitted.metadata.holdout is None and fitted.metadata.train_rows == 1000


def test_one_customers_mapping_scores_as_the_file_does(model: UpliftModel) -> None:
    columns, *_ = synthetic(seed=13, n=50)
    rows = [{name: values[i] for name, values in columns.items()} for i in range(50)]
    np.testing.assert_array_equal(model.predict_rows(rows), model.predict_columns(columns))
    by_rows, by_columns = model.outcomes_rows(rows), model.outcomes_columns(columns)
    np.testing.assert_array_equal(by_rows[0], by_columns[0])
    np.testing.assert_array_equal(by_rows[1], by_columns[1])


def test_a_saved_model_loads_with_the_same_answers(model: UpliftModel, tmp_path: Path) -> None:
    path = tmp_path / "visit.upl"
    model.save(path)
    loaded = UpliftModel.load(path)
    columns, *_ = synthetic(seed=14, n=200)
    np.testing.assert_array_equal(loaded.predict_columns(columns), model.predict_columns(columns))
    assert loaded.metadata == model.metadata
    assert read_metadata(path) == model.metadata
    assert not list(tmp_path.glob("*.partial"))


def _saved(model: UpliftModel, tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "model.upl"
    model.save(path)
    return path, path.read_bytes()


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda b: b[:-10], "checksum"),
        (lambda b: b[:-5] + bytes([b[-5] ^ 1]) + b[-4:], "checksum"),
        (lambda b: b"PK\x03\x04" + b[4:], "not a Cortesía uplift model"),
        (lambda b: b.replace(b"MODEL 1\n", b"MODEL 9\n", 1), "format 9"),
        (
            lambda b: b.split(b"\n")[0] + b"\n{oops\n",
            "header",
        ),
    ],
)
def test_a_damaged_or_foreign_file_is_refused(
    model: UpliftModel, tmp_path: Path, damage: object, reason: str
) -> None:
    path, content = _saved(model, tmp_path)
    path.write_bytes(damage(content))  # type: ignore[operator]
    with pytest.raises(ValidationError, match=reason):
        UpliftModel.load(path)


def test_a_file_from_another_scikit_learn_is_refused(model: UpliftModel, tmp_path: Path) -> None:
    path, content = _saved(model, tmp_path)
    magic, header, payload = content.split(b"\n", 2)
    fields = json.loads(header)
    fields["sklearn"] = "0.1.0"
    assert fields["sha256"] == hashlib.sha256(payload).hexdigest()
    path.write_bytes(magic + b"\n" + json.dumps(fields).encode() + b"\n" + payload)
    with pytest.raises(ValidationError, match=r"scikit-learn 0\.1\.0"):
        UpliftModel.load(path)
    assert read_metadata(path) == model.metadata  # the header alone is still readable


def test_the_four_quadrants_follow_the_documented_thresholds() -> None:
    limits = QuadrantThresholds(margin=0.02, likely=0.3)
    cases = {
        (0.50, 0.40): Quadrant.PERSUADABLE,
        (0.20, 0.35): Quadrant.SLEEPING_DOG,
        (0.41, 0.40): Quadrant.SURE_THING,
        (0.11, 0.10): Quadrant.LOST_CAUSE,
        (0.30, 0.30): Quadrant.SURE_THING,  # a control chance of exactly `likely` is likely
    }
    for (p_treated, p_control), expected in cases.items():
        assert quadrant(p_treated, p_control, limits) is expected
    # An uplift of exactly the margin is no effect.
    assert quadrant(0.75, 0.5, QuadrantThresholds(margin=0.25, likely=0.9)) is Quadrant.LOST_CAUSE
    names = quadrants([0.5, 0.2], [0.4, 0.35], limits).tolist()
    assert names == ["persuadable", "sleeping_dog"]


def test_thresholds_are_checked_and_derived_from_the_control_rate() -> None:
    with pytest.raises(ValidationError):
        QuadrantThresholds(margin=-0.1)
    with pytest.raises(ValidationError):
        QuadrantThresholds(likely=0.0)
    assert thresholds_for(0.0) == QuadrantThresholds(margin=0.001, likely=0.001)


def test_the_bundle_names_quadrants_by_its_own_thresholds(model: UpliftModel) -> None:
    columns, *_ = synthetic(seed=15, n=400)
    p_treated, p_control = model.outcomes_columns(columns)
    names = set(model.quadrants(p_treated, p_control).tolist())
    assert {"persuadable", "sleeping_dog"} <= names <= {q.value for q in Quadrant}


def test_the_split_holds_out_the_share_of_every_cell_reproducibly() -> None:
    t = np.array([0, 1] * 500)
    y = np.array([0] * 800 + [1] * 200)
    fit, held = stratified_split(t, y, 0.3, seed=2)
    assert len(held) == 300 and len(np.intersect1d(fit, held)) == 0
    assert y[held].mean() == pytest.approx(0.2) and t[held].mean() == pytest.approx(0.5)
    np.testing.assert_array_equal(held, stratified_split(t, y, 0.3, seed=2)[1])


def test_bad_settings_are_refused() -> None:
    columns, treatment, y, _ = synthetic(seed=16, n=300)
    with pytest.raises(ValidationError, match="method"):
        fit_uplift_model(columns, treatment, y, target="visit", method="forest")
    with pytest.raises(ValidationError, match="holdout"):
        fit_uplift_model(columns, treatment, y, target="visit", holdout=1.0)
