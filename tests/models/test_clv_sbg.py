"""Shifted-beta-geometric: the paper's fits and residual lifetimes, and a telco's tenures.

Reference (Fader & Hardie 2007, 2010; shared/data/README.md): fitted on years 1–7 of the
survivors per 1,000, regular α = 0.704, β = 1.182 (LL −1680.27), high end α = 0.668,
β = 3.806 (LL −1611.16); DERL at d = 0.10 after 7 renewals 6.842 (regular), 7.530 (high end).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from cortesia.batch.clv_frames import read_subscribers
from cortesia.errors import ValidationError
from cortesia.models.clv import ShiftedBetaGeometric, fit_sbg, fit_sbg_cohort, sbg_log_likelihood

ROOT = Path(__file__).resolve().parents[2]
TELCO = ROOT.parent / "shared/data/telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv"

REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]
FITTED_YEARS = 8  # years 0..7: the paper fits the first seven periods and projects the rest
PUBLISHED = {
    "regular": (REGULAR, 0.704, 1.182, -1680.27, 6.842),
    "high end": (HIGH_END, 0.668, 3.806, -1611.16, 7.530),
}


@pytest.mark.parametrize("segment", PUBLISHED)
def test_the_cohort_fit_gives_the_published_parameters(segment: str) -> None:
    survivors, alpha, beta, log_likelihood, _ = PUBLISHED[segment]
    model = fit_sbg_cohort(survivors[:FITTED_YEARS])
    assert model.alpha == pytest.approx(alpha, rel=0.005)
    assert model.beta == pytest.approx(beta, rel=0.005)
    assert model.log_likelihood == pytest.approx(log_likelihood, abs=0.01)
    assert model.n_customers == 1000


@pytest.mark.parametrize("segment", PUBLISHED)
def test_residual_lifetime_after_seven_renewals_is_the_published_one(segment: str) -> None:
    survivors, *_, derl = PUBLISHED[segment]
    model = fit_sbg_cohort(survivors[:FITTED_YEARS])
    assert model.derl(0.10, 7)[0] == pytest.approx(derl, abs=0.001)


@pytest.mark.parametrize("segment", PUBLISHED)
def test_the_fit_projects_the_five_unseen_years_within_five_percent(segment: str) -> None:
    survivors = np.array(PUBLISHED[segment][0], dtype=float)
    model = fit_sbg_cohort(survivors[:FITTED_YEARS])
    projected = 1000 * model.survival(np.arange(FITTED_YEARS, 13))
    np.testing.assert_allclose(projected, survivors[FITTED_YEARS:], rtol=0.05)


def test_the_fit_is_the_maximum_of_the_likelihood() -> None:
    model = fit_sbg_cohort(REGULAR[:FITTED_YEARS])
    tenure, churned = _records(REGULAR[:FITTED_YEARS])
    best = sbg_log_likelihood(model.alpha, model.beta, tenure, churned)
    assert best == pytest.approx(model.log_likelihood)
    for da, db in ((0.01, 0), (-0.01, 0), (0, 0.01), (0, -0.01)):
        assert sbg_log_likelihood(model.alpha + da, model.beta + db, tenure, churned) < best


def test_individual_records_give_the_same_fit_as_their_cohort_counts() -> None:
    tenure, churned = _records(HIGH_END[:FITTED_YEARS])
    from_records = fit_sbg(tenure, churned)
    from_counts = fit_sbg_cohort(HIGH_END[:FITTED_YEARS])
    assert from_records.alpha == pytest.approx(from_counts.alpha, rel=1e-6)
    assert from_records.beta == pytest.approx(from_counts.beta, rel=1e-6)
    assert from_records.log_likelihood == pytest.approx(from_counts.log_likelihood)


def test_survival_retention_and_churn_probabilities_agree() -> None:
    model = ShiftedBetaGeometric(alpha=0.7, beta=1.2, log_likelihood=0.0, n_customers=1)
    t = np.arange(1, 20)
    survival = model.survival(np.arange(0, 20))
    np.testing.assert_allclose(model.retention(t), survival[1:] / survival[:-1])
    np.testing.assert_allclose(np.cumsum(model.churn_probability(t)) + survival[1:], 1.0)
    assert (np.diff(model.retention(t)) > 0).all()  # those who stay are the loyal ones


def test_a_finite_horizon_counts_the_first_payments_only() -> None:
    model = fit_sbg_cohort(REGULAR[:FITTED_YEARS])
    renewals = np.array([0, 3, 7])
    retention = model.retention(renewals + 1)
    np.testing.assert_allclose(model.derl(0.10, renewals, horizon=1), retention)
    second = retention * model.retention(renewals + 2) / 1.10
    np.testing.assert_allclose(model.derl(0.10, renewals, horizon=2), retention + second)
    np.testing.assert_allclose(model.derl(0.10, renewals, horizon=0), 0.0)
    unbounded = model.derl(0.10, renewals)
    np.testing.assert_allclose(model.derl(0.10, renewals, horizon=600), unbounded, rtol=1e-9)


def test_residual_value_is_margin_times_residual_lifetime() -> None:
    model = fit_sbg_cohort(HIGH_END[:FITTED_YEARS])
    value = model.residual_value([50.0, 20.0], 0.01, [2, 30], horizon=24)
    np.testing.assert_allclose(value, [50.0, 20.0] * model.derl(0.01, [2, 30], horizon=24))
    assert value[1] / 20.0 > value[0] / 50.0  # longer tenure, longer expected stay


def test_without_a_discount_the_lifetime_must_be_bounded() -> None:
    model = fit_sbg_cohort(REGULAR[:FITTED_YEARS])
    with pytest.raises(ValidationError, match="discount_rate"):
        model.derl(0.0, 7)
    assert model.derl(0.0, 7, horizon=3)[0] < 3


def test_a_model_survives_a_round_trip_through_json() -> None:
    model = fit_sbg_cohort(REGULAR[:FITTED_YEARS])
    again = ShiftedBetaGeometric.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again == model


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"model": "bgnbd"}, "model"),
        ({"alpha": -1.0}, "alpha"),
        ({"beta": "1.2"}, "beta"),
        ({"n_customers": 0}, "n_customers"),
        ({"theta": 0.3}, "theta"),
    ],
)
def test_a_damaged_stored_model_is_refused_by_name(change: dict[str, object], field: str) -> None:
    data = {**fit_sbg_cohort(REGULAR[:FITTED_YEARS]).to_dict(), **change}
    with pytest.raises(ValidationError) as raised:
        ShiftedBetaGeometric.from_dict(data)
    assert raised.value.problem.field == field


@pytest.mark.parametrize(
    ("tenure", "churned", "field"),
    [
        ([0, 3], [True, False], "tenure"),  # churned before completing a period
        ([1.5, 3], [True, False], "tenure"),
        ([-1, 3], [False, True], "tenure"),
        ([2, 3], [True], "churned"),
        ([2, 3], [False, False], "churned"),  # nobody left: no retention to estimate
        ([2, 3], ["yes", "no"], "churned"),
    ],
)
def test_bad_records_are_refused_by_field(
    tenure: list[float], churned: list[object], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        fit_sbg(tenure, churned)
    assert raised.value.problem.field == field


def test_a_cohort_that_grows_is_refused() -> None:
    with pytest.raises(ValidationError, match="survivors"):
        fit_sbg_cohort([1000, 700, 720])


@pytest.mark.skipif(
    not TELCO.exists() and not os.environ.get("CI"),
    reason="shared/data telco_churn is not present (in CI its absence fails the test)",
)
def test_on_a_telcos_tenures_the_fit_follows_the_kaplan_meier_curve() -> None:
    subscribers = read_subscribers(
        TELCO, customer_col="customerID", churned_col="Churn", margin_col="MonthlyCharges"
    )
    tenure = subscribers["tenure"].to_numpy()
    churned = subscribers["churned"].to_numpy()
    model = fit_sbg(tenure, churned)
    months = np.arange(1, 73)
    at_risk = (tenure[None, :] >= months[:, None]).sum(axis=1)
    left = ((tenure[None, :] == months[:, None]) & churned).sum(axis=1)
    kaplan_meier = np.cumprod(1 - left / at_risk)
    # One Beta mixture for every contract type: close, not exact (7 points at worst).
    assert np.abs(model.survival(months) - kaplan_meier).max() < 0.07
    assert model.n_customers == 7043
    value = model.residual_value(subscribers["margin"].to_numpy(), 0.01, tenure, horizon=24)
    assert (value > 0).all() and (value <= 24 * subscribers["margin"].to_numpy()).all()


def _records(survivors: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """One record per customer of a cohort table: churn period, or censored at the end."""
    counts = np.array(survivors)
    k = counts.size - 1
    lost = counts[:-1] - counts[1:]
    tenure = np.concatenate([np.repeat(np.arange(1, k + 1), lost), np.full(counts[-1], k)])
    churned = np.concatenate([np.ones(lost.sum(), bool), np.zeros(counts[-1], bool)])
    return tenure, churned
