"""Send time: own best hours with strong evidence, the segment's with thin evidence."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from cortesia.errors import ValidationError
from cortesia.models.send_time import SendTime


def _segment_of_morning_people(model: SendTime, customers: int = 40, seed: int = 2) -> None:
    """Customers of segment "office" who answer at 9 and rarely at other hours."""
    rng = np.random.default_rng(seed)
    for c in range(customers):
        for hour in rng.integers(7, 22, size=60).tolist():
            rate = 0.4 if hour == 9 else 0.05
            model.learn_one(f"office-{c}", "office", "email", hour, bool(rng.random() < rate))


def test_a_customer_with_strong_evidence_gets_their_own_best_hour() -> None:
    model = SendTime()
    _segment_of_morning_people(model)
    for day in range(200):
        model.learn_one("night-owl", "office", "email", 22, day % 2 == 0)
        model.learn_one("night-owl", "office", "email", 9, day % 25 == 0)
    assert model.best_hours("night-owl", "office", "email", k=1) == [22]
    assert model.shrinkage("night-owl", "office", "email")[22] > 0.8


def test_thin_evidence_falls_back_towards_the_segment() -> None:
    model = SendTime()
    _segment_of_morning_people(model)
    model.learn_one("newcomer", "office", "email", 22, True)
    assert model.best_hours("newcomer", "office", "email", k=1) == [9]
    assert model.best_hours("stranger", "office", "email", k=1) == [9]
    own = model.hour_profile("newcomer", "office", "email")
    segment = model.segment_profile("office", "email")
    assert own[22] > segment[22]  # moved by its one response, but not all the way to 1
    assert own[22] < 0.5


def test_the_shrinkage_weight_grows_with_the_customers_own_sends() -> None:
    model = SendTime(prior_strength=10.0)
    weights = []
    for sends in range(1, 41):
        model.learn_one("ana", "young", "sms", 18, sends % 3 == 0)
        weights.append(float(model.shrinkage("ana", "young", "sms")[18]))
    assert weights == sorted(weights)
    assert weights[9] == pytest.approx(10 / 20)
    assert model.shrinkage("ana", "young", "sms")[3] == 0.0


def test_the_estimated_strength_is_small_when_customers_differ_and_large_when_alike() -> None:
    alike, different = SendTime(), SendTime()
    rng = np.random.default_rng(5)
    for c in range(60):
        peak = int(rng.integers(7, 22))
        for hour in rng.integers(7, 22, size=80).tolist():
            alike.learn_one(f"c{c}", "all", "sms", hour, bool(rng.random() < 0.1))
            rate = 0.5 if hour == peak else 0.02
            different.learn_one(f"c{c}", "all", "sms", hour, bool(rng.random() < rate))
    assert different.strength("all", "sms") < 20 < alike.strength("all", "sms")
    assert SendTime(fallback_strength=7.0).strength("none", "sms") == 7.0


def test_profiles_are_probabilities_per_hour_and_deterministic() -> None:
    first, second = SendTime(), SendTime()
    for model in (first, second):
        _segment_of_morning_people(model, customers=5)
    profile = first.hour_profile("office-1", "office", "email")
    assert profile.shape == (24,) and ((profile >= 0) & (profile <= 1)).all()
    assert np.array_equal(profile, second.hour_profile("office-1", "office", "email"))
    assert first.best_hours("office-1", "office", "email") == second.best_hours(
        "office-1", "office", "email"
    )
    assert len(first.best_hours("office-1", "office", "email", k=24)) == 24


def test_a_pickled_model_answers_and_learns_like_the_original() -> None:
    model = SendTime()
    _segment_of_morning_people(model, customers=5)
    copy = pickle.loads(pickle.dumps(model))  # our own bytes
    for m in (model, copy):
        m.learn_one("office-1", "office", "email", 20, True)
    assert np.array_equal(
        copy.hour_profile("office-1", "office", "email"),
        model.hour_profile("office-1", "office", "email"),
    )
    assert copy.strength("office", "email") == model.strength("office", "email")


def test_a_customer_who_changes_segment_takes_their_record_along() -> None:
    model = SendTime()
    _segment_of_morning_people(model, customers=10)
    model.learn_one("office-0", "retired", "email", 11, True)
    retired = model.segment_profile("retired", "email")
    assert retired[9] > retired[15]  # learned from the 60 sends that came along
    assert model.shrinkage("office-0", "retired", "email").sum() > 0.5


def test_neighbouring_hours_borrow_evidence_only_when_asked() -> None:
    pooled, apart = SendTime(prior_strength=5.0), SendTime(5.0, neighbour_weight=0.0)
    for model in (pooled, apart):
        _segment_of_morning_people(model, customers=5)
        for _ in range(30):
            model.learn_one("ana", "office", "email", 20, True)
    segment = apart.segment_profile("office", "email")
    assert apart.hour_profile("ana", "office", "email")[21] == segment[21]
    assert pooled.hour_profile("ana", "office", "email")[21] > 2 * segment[21]
    assert pooled.best_hours("ana", "office", "email", k=1) == [20]


@pytest.mark.parametrize("hour", [-1, 24, 7.0, True])
def test_an_hour_outside_the_day_is_refused(hour: object) -> None:
    with pytest.raises(ValidationError):
        SendTime().learn_one("ana", "young", "sms", hour, True)  # type: ignore[arg-type]


def test_asking_for_no_hours_is_refused() -> None:
    with pytest.raises(ValidationError):
        SendTime().best_hours("ana", "young", "sms", k=0)
