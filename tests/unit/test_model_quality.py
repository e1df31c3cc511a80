"""Progressive quality of a model: AUC from binned scores, calibration, the chance flag."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from cortesia.models.quality import RunningQuality


def test_auc_matches_the_pairwise_definition_on_random_scores() -> None:
    rng = random.Random(3)
    pairs = [(rng.random(), rng.random() < 0.3) for _ in range(400)]
    quality = RunningQuality()
    for p, y in pairs:
        quality.add(p, y)
    positives = [p for p, y in pairs if y]
    negatives = [p for p, y in pairs if not y]
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in positives for b in negatives)
    exact = wins / (len(positives) * len(negatives))
    assert abs(quality.auc - exact) < 0.01  # binning to 1 % of probability


def test_a_calibrated_model_has_a_small_error_and_a_biased_one_a_large_one() -> None:
    rng = random.Random(5)
    calibrated, biased = RunningQuality(), RunningQuality()
    for _ in range(20_000):
        p = rng.random()
        y = rng.random() < p
        calibrated.add(p, y)
        biased.add(min(1.0, p + 0.2), y)
    assert calibrated.calibration_error < 0.03  # the noise of ~200 outcomes a bin
    assert 0.15 < biased.calibration_error < 0.25


def test_a_model_no_better_than_chance_is_flagged_once_evidence_is_enough() -> None:
    rng = random.Random(7)
    quality = RunningQuality()
    at = datetime(2026, 3, 2, tzinfo=UTC)
    for _ in range(150):
        quality.add(rng.random(), rng.random() < 0.5, at)
    assert not quality.near_chance  # too little evidence to say
    for _ in range(5000):
        quality.add(rng.random(), rng.random() < 0.5, at)
    assert quality.near_chance
    assert quality.as_dict()["flag"] == "no better than chance"
    assert quality.as_dict()["last_update"] == at.isoformat()
