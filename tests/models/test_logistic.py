"""Online Bayesian logistic regression: it learns, converges, and knows what it knows."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cortesia.errors import ValidationError
from cortesia.models.bank import BayesianLogisticBank
from cortesia.models.logistic import BayesianLogistic

PLANS = ["basic", "gold", "platinum"]


def _stream(n: int, seed: int) -> list[tuple[dict[str, object], bool]]:
    rng = np.random.default_rng(seed)
    rates = {"basic": 0.1, "gold": 0.3, "platinum": 0.6}
    out: list[tuple[dict[str, object], bool]] = []
    for _ in range(n):
        plan = PLANS[int(rng.integers(3))]
        out.append(({"plan": plan}, bool(rng.random() < rates[plan])))
    return out


def test_a_separable_problem_is_learned_to_near_certainty() -> None:
    rng = np.random.default_rng(1)
    model = BayesianLogistic(seed=1)
    points = [(float(a), float(b)) for a, b in rng.normal(size=(2000, 2))]
    for a, b in points:
        model.learn_one({"a": a, "b": b}, a + b > 0)
    tests = [(float(a), float(b)) for a, b in rng.normal(size=(500, 2))]
    right = sum((model.predict_proba_one({"a": a, "b": b}) > 0.5) == (a + b > 0) for a, b in tests)
    assert right / len(tests) > 0.97


def test_probabilities_converge_to_the_true_rates() -> None:
    model = BayesianLogistic(prior_rate=0.2, seed=2)
    for x, y in _stream(20_000, seed=2):
        model.learn_one(x, y)
    for plan, rate in {"basic": 0.1, "gold": 0.3, "platinum": 0.6}.items():
        assert model.predict_proba_one({"plan": plan}) == pytest.approx(rate, abs=0.03)


def test_uncertainty_shrinks_as_evidence_grows() -> None:
    model = BayesianLogistic(seed=3)
    widths = []
    stream = _stream(3000, seed=3)
    for checkpoint in (0, 30, 300, 3000):
        for x, y in stream[model.n_seen : checkpoint]:
            model.learn_one(x, y)
        low, high = model.proba_interval({"plan": "gold"})
        widths.append(high - low)
    assert widths == sorted(widths, reverse=True)
    assert widths[-1] < widths[0] / 5
    sd = model.weights()["plan=gold"][1]
    assert sd < math.sqrt(model.prior_variance) / 5


def test_an_unseen_category_is_more_uncertain_than_a_seen_one() -> None:
    model = BayesianLogistic(seed=4)
    for x, y in _stream(1000, seed=4):
        model.learn_one(x, y)
    seen_low, seen_high = model.proba_interval({"plan": "gold"})
    new_low, new_high = model.proba_interval({"plan": "diamond"})
    assert new_high - new_low > 2 * (seen_high - seen_low)


def test_thompson_draws_centre_on_the_prediction_and_narrow_with_evidence() -> None:
    model = BayesianLogistic(seed=5)
    rng = np.random.default_rng(5)
    spread_before = np.std([model.sample_proba_one({"plan": "gold"}, rng) for _ in range(2000)])
    for x, y in _stream(5000, seed=5):
        model.learn_one(x, y)
    draws = [model.sample_proba_one({"plan": "gold"}, rng) for _ in range(2000)]
    assert np.mean(draws) == pytest.approx(model.predict_proba_one({"plan": "gold"}), abs=0.01)
    assert np.std(draws) < spread_before / 5


def test_a_new_model_starts_at_its_prior_rate() -> None:
    model = BayesianLogistic(prior_variance=1e-4, prior_rate=0.05)
    assert model.predict_proba_one({"plan": "gold", "age": 40}) == pytest.approx(0.05, rel=1e-3)


def test_huge_numeric_values_are_clipped_not_overflowed() -> None:
    model = BayesianLogistic()
    for i in range(100):
        model.learn_one({"balance": float(i)}, i > 50)
    assert 0.0 <= model.predict_proba_one({"balance": 1e308}) <= 1.0


@pytest.mark.parametrize(
    ("argument", "value"),
    [("prior_variance", 0.0), ("prior_rate", 1.0), ("clip", -1.0)],
)
def test_bad_hyper_parameters_are_refused(argument: str, value: float) -> None:
    with pytest.raises(ValidationError, match=argument):
        BayesianLogistic(**{argument: value})  # type: ignore[arg-type]


def test_a_feature_of_an_unsupported_type_is_refused() -> None:
    with pytest.raises(ValidationError, match="tags"):
        BayesianLogistic().learn_one({"tags": ["a", "b"]}, True)


def test_an_interval_level_outside_zero_one_is_refused() -> None:
    with pytest.raises(ValidationError, match="level"):
        BayesianLogistic().proba_interval({}, level=1.0)


_values = st.one_of(
    st.none(),
    st.sampled_from([*PLANS, "new"]),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(-1e6, 1e6),
    st.just(float("nan")),
)
_rows = st.lists(
    st.dictionaries(st.sampled_from(["a", "b", "plan", "flag"]), _values, max_size=4),
    max_size=20,
)


@settings(derandomize=True, max_examples=60, deadline=None)
@given(train=_rows, score=_rows, labels=st.lists(st.booleans(), min_size=20, max_size=20))
def test_rows_scored_together_equal_rows_scored_one_by_one(
    train: list[dict[str, object]], score: list[dict[str, object]], labels: list[bool]
) -> None:
    model = BayesianLogistic(prior_rate=0.3)
    for x, y in zip(train, labels, strict=False):
        model.learn_one(x, y)
    one_by_one = [model.predict_proba_one(x) for x in score]
    together = model.predict_proba_many(score)
    np.testing.assert_allclose(together, one_by_one, rtol=0, atol=1e-12)


@settings(derandomize=True, max_examples=40, deadline=None)
@given(
    ages=st.lists(st.one_of(st.floats(-100, 100), st.just(float("nan"))), min_size=1, max_size=30),
    labels=st.lists(st.booleans(), min_size=30, max_size=30),
)
def test_typed_columns_score_like_rows(ages: list[float], labels: list[bool]) -> None:
    model = BayesianLogistic()
    for i, y in enumerate(labels):
        model.learn_one({"age": float(i), "plan": PLANS[i % 3]}, y)
    plans = [PLANS[i % 3] for i in range(len(ages))]
    rows = [{"age": a, "plan": p} for a, p in zip(ages, plans, strict=True)]
    columns = {"age": np.array(ages), "plan": np.array(plans)}
    np.testing.assert_allclose(
        model.predict_proba_many(columns), [model.predict_proba_one(x) for x in rows], atol=1e-12
    )


def _bank_stream(n: int, seed: int) -> list[tuple[dict[str, object], bool]]:
    rng = np.random.default_rng(seed)
    out: list[tuple[dict[str, object], bool]] = []
    for _ in range(n):
        action = f"A{int(rng.integers(5))}"
        age = float(rng.integers(18, 90))
        rate = 0.1 + 0.15 * int(action[1]) * (age > 50)
        out.append(({"action": action, "age": age, "plan": "gold"}, bool(rng.random() < rate)))
    return out


def test_a_bank_scores_every_action_at_once_as_it_scores_each_alone() -> None:
    bank = BayesianLogisticBank(prior_rate=0.1)
    for x, y in _bank_stream(3000, seed=6):
        bank.learn_one(x, y)
    actions = ["A0", "A1", "A2", "A3", "A4", "never offered"]
    customer = {"age": 70.0, "plan": "gold", "channel": "web"}
    together = bank.predict_proba_actions(customer, actions)
    alone = [bank.predict_proba_one({**customer, "action": a}) for a in actions]
    np.testing.assert_allclose(together, alone, atol=1e-12)
    assert list(np.argsort(together[:5])) == [0, 1, 2, 3, 4]


def test_a_bank_s_thompson_draws_explore_an_unknown_action_more() -> None:
    bank = BayesianLogisticBank(prior_rate=0.1, seed=7)
    for x, y in _bank_stream(3000, seed=7):
        bank.learn_one(x, y)
    rng = np.random.default_rng(7)
    draws = np.array([bank.sample_actions({"age": 30.0}, ["A1", "new"], rng) for _ in range(500)])
    assert ((draws >= 0) & (draws <= 1)).all()
    assert draws[:, 1].std() > 2 * draws[:, 0].std()


def test_a_bank_shows_each_action_s_own_weights() -> None:
    bank = BayesianLogisticBank()
    for _ in range(200):
        bank.learn_one({"action": "loan", "plan": "gold"}, True)
    assert bank.weights("loan")["plan=gold"][0] > 1.0
    assert bank.weights()["plan=gold"] == (0.0, 1.0)


def test_a_rare_event_is_predicted_at_its_observed_rate_not_twice_it() -> None:
    # The learner fits the probit curve; reading it through the heavier-tailed logistic
    # curve said about twice the rate of a rare event.
    rng = np.random.default_rng(8)
    rates = {"basic": 0.004, "gold": 0.02}
    model = BayesianLogistic(prior_variance=0.3, prior_rate=0.01, seed=8)
    for _ in range(60_000):
        plan = "gold" if rng.random() < 0.5 else "basic"
        model.learn_one({"plan": plan}, bool(rng.random() < rates[plan]))
    for plan, rate in rates.items():
        assert model.predict_proba_one({"plan": plan}) == pytest.approx(rate, rel=0.25)


def test_the_interval_and_the_draws_speak_on_the_prediction_s_scale() -> None:
    model = BayesianLogistic(prior_rate=0.05, seed=9)
    for x, y in _stream(300, seed=9):
        model.learn_one(x, y)
    rng = np.random.default_rng(9)
    for plan in [*PLANS, "diamond"]:
        p = model.predict_proba_one({"plan": plan})
        low, high = model.proba_interval({"plan": plan}, level=0.98)
        draws = [model.sample_proba_one({"plan": plan}, rng) for _ in range(4000)]
        assert low < p < high
        assert np.mean(draws) == pytest.approx(p, abs=0.01)
        assert np.quantile(draws, [0.01, 0.99]) == pytest.approx([low, high], abs=0.02)


def test_a_bank_s_thompson_draw_for_an_action_is_that_action_s_own_draw() -> None:
    bank = BayesianLogisticBank(prior_rate=0.1, seed=10)
    for x, y in _bank_stream(2000, seed=10):
        bank.learn_one(x, y)
    customer = {"age": 60.0, "plan": "gold"}
    for action in ["A2", "never offered"]:
        together = bank.sample_actions(customer, [action], np.random.default_rng(10))[0]
        alone = bank.sample_proba_one({**customer, "action": action}, np.random.default_rng(10))
        assert together == pytest.approx(alone, abs=1e-12)


def _mixed(n: int, seed: int) -> list[tuple[dict[str, object], bool]]:
    rng = np.random.default_rng(seed)
    rows: list[tuple[dict[str, object], bool]] = []
    for _ in range(n):
        x: dict[str, object] = {
            "plan": PLANS[int(rng.integers(3))],
            "age": float(rng.normal(40, 9)),
        }
        x["calls"] = int(rng.poisson(2.0))
        x["vip"] = bool(rng.random() < 0.2)
        x["balance"] = np.float64(rng.normal(100.0, 30.0))  # a NumPy number
        rows.append((x, bool(rng.random() < 0.3)))
    return rows


def test_learn_scored_says_what_predict_said_then_learns_as_learn_one() -> None:
    scored, plain = BayesianLogistic(prior_rate=0.2), BayesianLogistic(prior_rate=0.2)
    for x, y in _mixed(400, seed=3):
        expected = scored.predict_proba_one(x)
        assert scored.learn_scored(x, y) == pytest.approx(expected, rel=1e-12)
        plain.learn_one(x, y)
    assert scored.weights() == plain.weights()


def test_a_bank_learns_several_rows_at_once_as_it_learns_each_alone() -> None:
    together = BayesianLogisticBank(prior_rate=0.1)
    apart = {name: BayesianLogisticBank(prior_rate=0.1) for name in ("own", "kin")}
    for x, y in _mixed(300, seed=5):
        expected = together.predict_proba_one({**x, "action": "own"})
        assert together.learn_rows(x, ["own", "kin"], y) == pytest.approx(expected, rel=1e-12)
        for name, bank in apart.items():
            bank.learn_one({**x, "action": name}, y)
    for name, bank in apart.items():
        assert together.weights(name) == bank.weights(name)
