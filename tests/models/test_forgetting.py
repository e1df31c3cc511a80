"""Forgetting (``drift``): weights lose certainty with every outcome, lazily and exactly."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

from cortesia.errors import ValidationError
from cortesia.models.bank import BayesianLogisticBank
from cortesia.models.checks import check_model
from cortesia.models.logistic import BayesianLogistic
from cortesia.models.probit import adf_update, probit_score

ACTIONS = ["loan", "card", "insurance", "savings"]
PLANS = ["basic", "gold", "platinum"]


def _shifting_stream(seed: int) -> list[tuple[dict[str, object], bool]]:
    """3,000 outcomes at a rate of 10 %, then 1,000 at 50 %: a campaign's drift."""
    rng = np.random.default_rng(seed)
    rates = [0.1] * 3000 + [0.5] * 1000
    return [({"plan": "gold"}, bool(rng.random() < rate)) for rate in rates]


def _mixed_rows(seed: int, n: int) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    for _ in range(n):
        x: dict[str, object] = {
            "action": ACTIONS[int(rng.integers(3))],  # "savings" is never learned
            "age": float(rng.normal(40, 12)) if rng.random() < 0.9 else None,
            "plan": PLANS[int(rng.integers(2))],  # "platinum" is never learned
            "vip": bool(rng.random() < 0.3),
        }
        if rng.random() < 0.3:
            x["region"] = str(rng.choice(["north", "south"]))  # a rarely touched weight
        rows.append(x)
    return rows


def _learned_bank(drift: float, seed: int = 5, n: int = 400) -> BayesianLogisticBank:
    bank = BayesianLogisticBank(prior_variance=0.7, prior_rate=0.1, seed=seed, drift=drift)
    rng = np.random.default_rng(seed + 100)
    for x in _mixed_rows(seed, n):
        bank.learn_one(x, bool(rng.random() < (0.4 if x["plan"] == "gold" else 0.1)))
    return bank


@pytest.mark.parametrize("model_type", [BayesianLogistic, BayesianLogisticBank])
def test_a_drifting_model_tracks_a_rate_that_shifts_mid_stream(
    model_type: type[BayesianLogistic],
) -> None:
    still, drifting = model_type(prior_rate=0.1), model_type(prior_rate=0.1, drift=1e-4)
    for x, y in _shifting_stream(seed=2):
        still.learn_one({**x, "action": "loan"}, y)
        drifting.learn_one({**x, "action": "loan"}, y)
    probe = {"plan": "gold", "action": "loan"}
    assert abs(drifting.predict_proba_one(probe) - 0.5) < abs(still.predict_proba_one(probe) - 0.5)
    assert abs(drifting.predict_proba_one(probe) - 0.5) < 0.1


def test_no_drift_learns_exactly_as_the_model_without_the_option() -> None:
    rows = _mixed_rows(1, 300)
    plain, zero = BayesianLogistic(prior_rate=0.2), BayesianLogistic(prior_rate=0.2, drift=0.0)
    for r, x in enumerate(rows):
        plain.learn_one(x, r % 3 == 0)
        zero.learn_one(x, r % 3 == 0)
    assert plain.weights() == zero.weights()
    assert [plain.predict_proba_one(x) for x in rows] == [zero.predict_proba_one(x) for x in rows]


def test_lazy_drift_equals_adding_drift_to_every_weight_after_every_outcome() -> None:
    drift, prior = 3e-3, 0.5
    model = BayesianLogistic(prior, prior_rate=0.2, drift=drift)
    index, mean, var = {"(bias)": 0}, [probit_score(0.2)], [prior]
    rng = np.random.default_rng(4)
    for r in range(500):
        x = {"plan": PLANS[int(rng.integers(3))], **({"rare": "yes"} if r % 97 == 0 else {})}
        y = bool(rng.random() < 0.3)
        model.learn_one(x, y)
        idx = [0]
        for key in (f"{k}={v}" for k, v in x.items()):
            if key not in index:
                index[key] = len(mean)
                mean.append(0.0)
                var.append(prior)
            idx.append(index[key])
        adf_update(mean, var, idx, [1.0] * len(idx), y)
        var[:] = [min(v + drift, prior) for v in var]  # eager: every weight, every outcome
    eager = {key: (mean[i], math.sqrt(var[i])) for key, i in index.items()}
    for key, (mu, sd) in model.weights().items():
        assert mu == pytest.approx(eager[key][0], abs=1e-12)
        assert sd == pytest.approx(eager[key][1], rel=1e-9)


def test_an_untouched_weight_grows_by_drift_per_outcome_up_to_its_prior() -> None:
    model = BayesianLogistic(prior_variance=1.0, drift=1e-3)
    for _ in range(50):
        model.learn_one({"plan": "gold"}, True)
    before = model.weights()["plan=gold"][1] ** 2
    for _ in range(10):
        model.learn_one({"plan": "basic"}, False)
    assert model.weights()["plan=gold"][1] ** 2 == pytest.approx(before + 10 * 1e-3, rel=1e-12)
    for _ in range(5000):
        model.learn_one({"plan": "basic"}, False)
    assert model.weights()["plan=gold"][1] ** 2 == 1.0  # capped at the prior variance


def test_learning_updates_only_the_counters_of_the_outcome_s_features() -> None:
    model = BayesianLogistic(drift=1e-3)
    model.learn_one({"plan": "gold"}, True)
    model.learn_one({"plan": "basic"}, False)
    gold = model._index["plan=gold"]
    model.learn_one({"plan": "basic"}, True)
    assert model._touched[gold] == 0
    assert model._touched[model._index["plan=basic"]] == 2


def test_scoring_with_drift_reads_and_never_changes_the_learned_state() -> None:
    bank = _learned_bank(drift=1e-3)
    state = pickle.dumps((bank._actions, bank._ages, bank._var, bank._touched, bank.n_seen))
    probe = {"age": 55.0, "plan": "gold", "vip": True, "region": "north"}
    first = bank.predict_proba_actions(probe, ACTIONS)
    bank.predict_proba_one({**probe, "action": "card"})
    bank.predict_proba_frame({"age": np.array([55.0]), "plan": np.array(["gold"])}, ACTIONS)
    bank.weights("card")
    assert pickle.dumps((bank._actions, bank._ages, bank._var, bank._touched, bank.n_seen)) == state
    assert np.array_equal(bank.predict_proba_actions(probe, ACTIONS), first)


def test_with_drift_row_actions_and_frame_scores_agree() -> None:
    bank = _learned_bank(drift=1e-3)
    probes = _mixed_rows(9, 40)
    frame = {
        "age": np.array([np.nan if p["age"] is None else p["age"] for p in probes]),
        "plan": np.array([p["plan"] for p in probes]),
        "vip": np.array([p["vip"] for p in probes]),
        "region": np.array([p.get("region") for p in probes], dtype=object),
    }
    scored = bank.predict_proba_frame(frame, ACTIONS)
    for r, probe in enumerate(probes):
        x = {k: v for k, v in probe.items() if k != "action"}
        actions = bank.predict_proba_actions(x, ACTIONS)
        rows = [bank.predict_proba_one({**x, "action": a}) for a in ACTIONS]
        np.testing.assert_allclose(actions, rows, rtol=0, atol=1e-12)
        np.testing.assert_allclose(scored[r], rows, rtol=0, atol=1e-12)


def test_with_drift_rows_and_columns_score_alike() -> None:
    model = BayesianLogistic(prior_rate=0.2, drift=1e-3)
    rows = [{k: v for k, v in x.items() if k != "action"} for x in _mixed_rows(3, 300)]
    for r, x in enumerate(rows):
        model.learn_one(x, r % 4 == 0)
    columns = {
        "age": np.array([np.nan if x["age"] is None else x["age"] for x in rows]),
        "plan": np.array([x["plan"] for x in rows]),
        "vip": np.array([x["vip"] for x in rows], dtype=object),
        "region": np.array([x.get("region") for x in rows], dtype=object),
    }
    one = np.array([model.predict_proba_one(x) for x in rows])
    np.testing.assert_allclose(model.predict_proba_many(rows), one, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.predict_proba_many(columns), one, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "factory",
    [
        lambda: BayesianLogistic(prior_variance=0.5, prior_rate=0.2, seed=3, drift=1e-5),
        lambda: BayesianLogisticBank(action_key="plan", seed=3, drift=1e-5),
        lambda: BayesianLogistic(prior_variance=0.5, seed=3, drift=1e-2),
    ],
    ids=["logistic", "bank", "logistic_fast_drift"],
)
def test_a_drifting_model_passes_the_conformance_suite(factory: object) -> None:
    check_model(factory)  # type: ignore[arg-type]


@pytest.mark.parametrize("model_type", [BayesianLogistic, BayesianLogisticBank])
def test_a_pickled_drifting_model_keeps_its_counters_and_forgets_alike(
    model_type: type[BayesianLogistic],
) -> None:
    model = model_type(drift=1e-3)
    for r, x in enumerate(_mixed_rows(6, 200)):
        model.learn_one(x, r % 5 == 0)
    copy = pickle.loads(pickle.dumps(model))  # our own bytes
    assert copy._touched == model._touched
    assert getattr(copy, "_ages", None) == getattr(model, "_ages", None)
    for r, x in enumerate(_mixed_rows(7, 100)):
        model.learn_one(x, r % 2 == 0)
        copy.learn_one(x, r % 2 == 0)
    probes = _mixed_rows(8, 30)
    assert [model.predict_proba_one(x) for x in probes] == [
        copy.predict_proba_one(x) for x in probes
    ]


@pytest.mark.parametrize("value", [-1e-5, math.nan, math.inf])
@pytest.mark.parametrize("model_type", [BayesianLogistic, BayesianLogisticBank])
def test_a_negative_or_non_finite_drift_is_refused(
    model_type: type[BayesianLogistic], value: float
) -> None:
    with pytest.raises(ValidationError, match="drift"):
        model_type(drift=value)


@pytest.mark.parametrize("model_type", [BayesianLogistic, BayesianLogisticBank])
def test_a_snapshot_pickled_before_drift_existed_loads_and_predicts_alike(
    model_type: type[BayesianLogistic],
) -> None:
    model = model_type()
    for r, x in enumerate(_mixed_rows(6, 200)):
        model.learn_one(x, r % 5 == 0)
    old = pickle.loads(pickle.dumps(model))  # our own bytes
    for name in ("drift", "_touched", "_ages", "_matrix_touched"):
        old.__dict__.pop(name, None)  # what an older snapshot holds
    loaded = pickle.loads(pickle.dumps(old))  # our own bytes
    probes = _mixed_rows(8, 30)
    assert loaded.drift == 0.0
    assert [loaded.predict_proba_one(x) for x in probes] == [
        model.predict_proba_one(x) for x in probes
    ]
    loaded.learn_one(probes[0], True)
    model.learn_one(probes[0], True)
    assert loaded.weights() == model.weights()
