"""BG/NBD on the CDNOW summary: the published fit, and what the model says of customers.

Reference (Fader, Hardie & Lee 2005; shared/data/README.md): on the 2,357 customers of the
39-week CDNOW sample, r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from cortesia.batch.clv_frames import read_transactions, rfm_summary
from cortesia.errors import ValidationError
from cortesia.models.clv import BgNbd, bgnbd_log_likelihood, fit_bgnbd

ROOT = Path(__file__).resolve().parents[2]
CDNOW = ROOT.parent / "shared/data/cdnow"
SUMMARY_SHA256 = "09d92ca80daaabe8"  # shared/data/README.md
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_LL = -9582.4
CALIBRATION_END = date(1997, 9, 30)  # 39 weeks after the cohort's first day, 1997-01-01
SAMPLE_COLUMNS = ["customer_id", "sample_id", "date", "cds", "amount"]

pytestmark = pytest.mark.skipif(
    not CDNOW.exists() and not os.environ.get("CI"),
    reason="shared/data/cdnow is not present (in CI its absence fails the test)",
)


@pytest.fixture(scope="module")
def summary() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    frame = pl.read_csv(CDNOW / "cdnow_customers_summary.csv")
    return tuple(frame[c].to_numpy() for c in ("frequency", "recency", "T"))  # type: ignore[return-value]


@pytest.fixture(scope="module")
def model(summary: tuple[np.ndarray, np.ndarray, np.ndarray]) -> BgNbd:
    return fit_bgnbd(*summary)


def test_the_shared_summary_is_the_published_one() -> None:
    digest = hashlib.sha256((CDNOW / "cdnow_customers_summary.csv").read_bytes()).hexdigest()
    assert digest[:16] == SUMMARY_SHA256


def test_the_fit_gives_the_published_parameters_and_likelihood(model: BgNbd) -> None:
    for name, value in PUBLISHED.items():
        assert getattr(model, name) == pytest.approx(value, rel=0.005), name
    assert model.log_likelihood == pytest.approx(PUBLISHED_LL, abs=0.1)
    assert model.n_customers == 2357


def test_the_likelihood_at_the_published_parameters_is_the_published_one(
    summary: tuple[np.ndarray, np.ndarray, np.ndarray], model: BgNbd
) -> None:
    published = bgnbd_log_likelihood(tuple(PUBLISHED.values()), *summary)  # type: ignore[arg-type]
    assert published == pytest.approx(PUBLISHED_LL, abs=0.1)
    assert model.log_likelihood >= published  # the fit is at least as good as the rounding


def test_a_customer_first_seen_on_the_last_day_changes_nothing(
    summary: tuple[np.ndarray, np.ndarray, np.ndarray], model: BgNbd
) -> None:
    x, t_x, t_obs = (np.append(column, 0.0) for column in summary)
    again = fit_bgnbd(x, t_x, t_obs)
    assert again.log_likelihood == pytest.approx(model.log_likelihood)
    assert again.r == pytest.approx(model.r, rel=1e-4)


def test_a_customer_without_repeat_purchases_is_certainly_alive(model: BgNbd) -> None:
    assert model.probability_alive([0, 0], [0.0, 0.0], [1.0, 38.0]).tolist() == [1.0, 1.0]


def test_a_long_silence_after_frequent_buying_lowers_the_chance_of_being_alive(
    model: BgNbd,
) -> None:
    ages = np.array([31.0, 35.0, 39.0, 52.0, 78.0])
    alive = model.probability_alive(np.full(5, 5), np.full(5, 30.0), ages)
    assert (np.diff(alive) < 0).all() and (alive > 0).all() and alive[0] < 1
    frequent = model.probability_alive([1, 10], [20.0, 20.0], [39.0, 39.0])
    assert frequent[1] < frequent[0]  # ten purchases then silence is more telling than one


def test_expected_purchases_grow_with_the_horizon_from_zero(model: BgNbd) -> None:
    counts = [float(model.expected_purchases(t, 2, 30.43, 38.86)[0]) for t in (0, 13, 26, 39)]
    assert counts[0] == 0.0
    assert np.all(np.diff(counts) > 0)
    assert counts[-1] == pytest.approx(1.226, abs=0.001)


def test_a_customer_seen_for_no_time_expects_what_a_new_customer_does(model: BgNbd) -> None:
    horizons = [1.0, 10.0, 39.0, 78.0]
    new = model.expected_purchases_new(horizons)
    fresh = [model.expected_purchases(t, 0, 0.0, 1e-9)[0] for t in horizons]
    np.testing.assert_allclose(fresh, new, rtol=1e-6)


def test_the_model_forecasts_the_next_39_weeks_of_the_sample_within_15_percent() -> None:
    log = read_transactions(
        CDNOW / "CDNOW_sample.txt",
        separator="whitespace",
        column_names=SAMPLE_COLUMNS,
        customer_col="sample_id",
        date_format="%Y%m%d",
    )
    summary = rfm_summary(log, observation_end=CALIBRATION_END)
    x, t_x, t_obs = (summary[c].to_numpy() for c in ("x", "t_x", "T"))
    fitted = fit_bgnbd(x, t_x, t_obs)
    assert fitted.r == pytest.approx(PUBLISHED["r"], rel=0.005)  # the raw log gives the fit too
    later = log.filter(pl.col("date") > CALIBRATION_END).unique(["customer", "date"]).height
    forecast = fitted.expected_purchases(39, x, t_x, t_obs).sum()
    assert forecast == pytest.approx(later, rel=0.15)


def test_a_model_survives_a_round_trip_through_json(model: BgNbd) -> None:
    assert BgNbd.from_dict(json.loads(json.dumps(model.to_dict()))) == model


def test_a_stored_model_of_another_kind_is_refused(model: BgNbd) -> None:
    with pytest.raises(ValidationError) as raised:
        BgNbd.from_dict({**model.to_dict(), "model": "sbg"})
    assert raised.value.problem.field == "model"
    with pytest.raises(ValidationError) as raised:
        BgNbd.from_dict({k: v for k, v in model.to_dict().items() if k != "b"})
    assert raised.value.problem.field == "b"


@pytest.mark.parametrize(
    ("x", "t_x", "t_obs", "field"),
    [
        ([1, 2], [5.0, 40.0], [39.0, 39.0], "recency"),  # last purchase after the end
        ([0, 2], [3.0, 10.0], [39.0, 39.0], "recency"),  # a time without a repeat purchase
        ([-1, 2], [0.0, 10.0], [39.0, 39.0], "frequency"),
        ([1.5, 2], [3.0, 10.0], [39.0, 39.0], "frequency"),
        ([1, 2], [3.0, 10.0], [39.0], "T"),
        ([0, 2], [0.0, 10.0], [-1.0, 39.0], "T"),
        ([1, 2], [3.0, float("nan")], [39.0, 39.0], "recency"),
        ([0, 0], [0.0, 0.0], [39.0, 39.0], "frequency"),  # nobody bought twice
    ],
)
def test_a_bad_summary_is_refused_by_column(
    x: list[float], t_x: list[float], t_obs: list[float], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        fit_bgnbd(x, t_x, t_obs)
    assert raised.value.problem.field == field


def test_a_negative_horizon_is_refused(model: BgNbd) -> None:
    with pytest.raises(ValidationError, match="t="):
        model.expected_purchases(-1.0, 2, 30.0, 38.0)
