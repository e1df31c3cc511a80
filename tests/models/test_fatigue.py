"""The opt-out risk model: conformance, cold start, learning fatigue, calibration."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cortesia.errors import ValidationError
from cortesia.models.base import BayesianClassifier
from cortesia.models.checks import CHECKS, Check
from cortesia.models.fatigue import OptOutRisk, is_opt_out

CHANNELS = ("email", "sms", "push")


def contact_stream(n: int, seed: int = 4) -> tuple[list[dict[str, object]], list[bool]]:
    """Contacts whose opt-out follows a known model: fatigue rises with frequency."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    outcomes: list[bool] = []
    for _ in range(n):
        weekly = float(np.clip(rng.lognormal(0.3, 0.9), 0.1, 20.0))
        c30 = int(rng.poisson(weekly * 30 / 7))
        c7 = int(rng.binomial(c30, 7 / 30))
        c1 = int(rng.binomial(c7, 1 / 7))
        channel = CHANNELS[int(rng.integers(3))]
        on_channel = int(rng.binomial(c7, 0.5))
        hour = int(rng.integers(24))
        row: dict[str, object] = {
            "channel": channel,
            "purpose": "marketing",
            "contacts_1d": c1,
            "contacts_7d": c7,
            "contacts_30d": c30,
            f"contacts_7d_{channel}": on_channel,
            "days_since_last_contact": 0 if c1 else None if c30 == 0 else int(rng.integers(1, 30)),
            "propensity": float(rng.beta(1, 20)),
            "hour": hour,
            "weekday": int(rng.integers(1, 8)),
        }
        logit = (
            -5.6
            + 0.6 * math.log1p(c7)
            + 0.7 * math.log1p(on_channel)
            + 0.5 * math.log1p(c1)
            + (0.8 if hour >= 22 or hour < 7 else 0.0)
        )
        rows.append(row)
        outcomes.append(bool(rng.random() < 1.0 / (1.0 + math.exp(-logit))))
    return rows, outcomes


@pytest.fixture(scope="module")
def trained() -> tuple[OptOutRisk, list[dict[str, object]], list[bool], np.ndarray]:
    rows, outcomes = contact_stream(30_000)
    model = OptOutRisk(prior_rate=0.005, seed=1)
    progressive = np.empty(len(rows))
    for i, (x, y) in enumerate(zip(rows, outcomes, strict=True)):
        progressive[i] = model.predict_proba_one(x)
        model.learn_one(x, y)
    return model, rows, outcomes, progressive


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__.removeprefix("check_"))
def test_opt_out_risk_passes_every_conformance_check(check: Check) -> None:
    check(lambda: OptOutRisk(prior_rate=0.01, seed=3))


def test_opt_out_risk_is_a_bayesian_classifier() -> None:
    assert isinstance(OptOutRisk(), BayesianClassifier)


def test_without_data_the_risk_is_the_low_prior_rate() -> None:
    model = OptOutRisk(prior_rate=0.003)
    x = {"channel": "sms", "purpose": "marketing", "contacts_7d": 9, "hour": 23, "weekday": 6}
    assert model.predict_proba_one(x) == pytest.approx(0.003, rel=1e-6)
    assert model.predict_proba_one({}) < 0.003
    low, high = model.proba_interval(x)
    assert low < 0.003 < high < 0.05


def test_more_recent_contacts_raise_the_learned_risk(trained: tuple) -> None:  # type: ignore[type-arg]
    model = trained[0]
    base = {"channel": "sms", "purpose": "marketing", "hour": 12, "weekday": 3, "propensity": 0.05}
    risks = [
        model.predict_proba_one(
            dict(base, contacts_1d=min(c, 2), contacts_7d=c, contacts_30d=3 * c, contacts_7d_sms=c)
        )
        for c in (0, 1, 3, 10, 1_000)
    ]
    assert risks == sorted(risks)
    assert risks[3] > 3 * risks[0]
    truth = [-5.6, -5.6 + 1.3 * math.log1p(10) + 0.5 * math.log1p(2)]  # the generating logits
    assert risks[0] == pytest.approx(1 / (1 + math.exp(-truth[0])), rel=0.3)
    assert risks[3] == pytest.approx(1 / (1 + math.exp(-truth[1])), rel=0.3)
    assert 0.0 < risks[4] < 1.0  # a runaway count is capped, not extrapolated
    weights = model.weights()
    assert weights["channel_contacts_7d"][0] > 0 and weights["contacts_7d"][0] > 0


def test_progressive_risk_ranks_opt_outs_and_is_calibrated(trained: tuple) -> None:  # type: ignore[type-arg]
    _, _, outcomes, progressive = trained
    y = np.array(outcomes)[15_000:]
    p = progressive[15_000:]
    positives, negatives = p[y], p[~y]
    auc = (positives[:, None] > negatives[None, :]).mean()
    assert auc > 0.74
    assert p.mean() == pytest.approx(y.mean(), rel=0.2)
    order = np.argsort(p, kind="stable")
    ece = sum(abs(p[b].mean() - y[b].mean()) * len(b) for b in np.array_split(order, 5)) / len(p)
    assert ece < 0.004


def test_decision_variables_score_the_same_as_rows_and_as_columns(trained: tuple) -> None:  # type: ignore[type-arg]
    model, rows = trained[0], trained[1][:200]
    one = np.array([model.predict_proba_one(x) for x in rows])
    assert np.allclose(model.predict_proba_many(rows), one, rtol=0, atol=1e-12)
    names = sorted({name for row in rows for name in row})
    columns = {
        name: np.array([np.nan if row.get(name) is None else row[name] for row in rows])
        for name in names
    }
    assert np.allclose(model.predict_proba_many(columns), one, rtol=0, atol=1e-12)


def test_every_channel_reads_its_own_contact_counts_in_both_paths(trained: tuple) -> None:  # type: ignore[type-arg]
    model = trained[0]
    rows: list[dict[str, object]] = [
        {"channel": "in_app", "contacts_7d_in_app": 9, "contacts_7d_sms": 0, "hour": 22},
        {"channel": "sms", "contacts_7d_in_app": 9, "contacts_7d_sms": 0, "hour": None},
        {"channel": None, "contacts_7d_sms": 4, "weekday": 7},
    ]
    assert model.features(rows[0])["channel_contacts_7d"] == math.log1p(9)
    assert model.features(rows[1])["channel_contacts_7d"] == 0.0
    one = np.array([model.predict_proba_one(x) for x in rows])
    assert np.allclose(model.predict_proba_many(rows), one, rtol=0, atol=1e-12)


def test_features_are_capped_monotone_transforms() -> None:
    model = OptOutRisk(count_cap=50)
    f = model.features(
        {"channel": "email", "contacts_30d": 10**6, "contacts_1d_email": -3, "weekday": 7}
    )
    assert f["contacts_30d"] == math.log1p(50)
    assert f["channel_contacts_1d"] == 0.0
    assert f["day_type"] == "weekend"
    assert f["recency"] == 0.0 and f["relevance"] is None and f["hour_band"] is None
    assert model.features({"days_since_last_contact": 0})["recency"] == 1.0


@pytest.mark.parametrize(
    "x",
    [{"hour": 24}, {"hour": 7.5}, {"weekday": 0}, {"contacts_7d": "many"}, {"propensity": True}],
)
def test_impossible_decision_variables_are_refused(x: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        OptOutRisk().predict_proba_one(x)


def test_opted_out_and_complained_are_the_positive_outcomes() -> None:
    assert [is_opt_out(o) for o in ("opted_out", "complained", "ignored")] == [True, True, False]


def test_the_interval_and_draws_surround_the_risk_on_one_scale(trained: tuple) -> None:  # type: ignore[type-arg]
    model, rows, _, _ = trained
    rng = np.random.default_rng(12)
    for x in rows[:5]:
        risk = model.predict_proba_one(x)
        low, high = model.proba_interval(x, level=0.98)
        draws = [model.sample_proba_one(x, rng) for _ in range(2000)]
        assert low < risk < high
        assert np.mean(draws) == pytest.approx(risk, rel=0.1)


def test_a_customer_s_offers_score_together_as_each_alone() -> None:
    rows, outcomes = contact_stream(3000)
    risk = OptOutRisk(prior_rate=0.01)
    for x, y in zip(rows, outcomes, strict=True):
        risk.learn_one(x, y)
    rng = np.random.default_rng(8)
    purposes = ("marketing", "service", "music_video_offers")
    for customer in rows[:40]:
        history = {
            k: v for k, v in customer.items() if k not in ("channel", "purpose", "propensity")
        }
        offers = [
            (CHANNELS[int(rng.integers(3))], purposes[int(rng.integers(3))]) for _ in range(9)
        ]
        relevance = rng.uniform(-0.1, 1.1, size=9)  # clipped to [0, 1] like a single row
        relevance[3] = math.nan  # an unknown propensity: no relevance
        together = risk.predict_proba_offers(history, offers, relevance)
        for (channel, purpose), p, said in zip(offers, relevance, together, strict=True):
            row = {**history, "channel": channel, "purpose": purpose}
            if not math.isnan(p):
                row["propensity"] = float(p)
            assert said == pytest.approx(risk.predict_proba_one(row), rel=1e-12)
