"""Fatigue curves: opt-out rate against contacts in the last 30 days and days since the last."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import numpy as np
import polars as pl
import pytest
from tests.batch.optout_support import change, consent_frame, day, offer, offers_frame

from cortesia.batch.fatigue_curve import CONTACT_BUCKETS, RECENCY_BUCKETS, fatigue_curve


def _points(curve: dict[str, Any], axis: str) -> dict[str, tuple[int, float | None]]:
    return {p["bucket"]: (p["offers"], p["opt_out_rate"]) for p in curve[axis]}


def _hand_world() -> tuple[pl.DataFrame, pl.DataFrame]:
    offers = offers_frame(
        [
            offer("d1", "c1", day(1), contacts_30d=0),
            offer("d2", "c2", day(1), contacts_30d=0, segment="young"),
            offer("d3", "c3", day(1), contacts_30d=5, days_since_last=2.5),
            offer("d4", "c4", day(1), contacts_30d=12, days_since_last=0.5),
            offer("d5", "c5", day(1), contacts_30d=12, days_since_last=0.5, control="action"),
        ]
    )
    consent = consent_frame([change("c4", day(2)), change("c5", day(2))])
    return offers, consent


def test_each_treated_offer_lands_in_its_buckets_with_its_opt_outs() -> None:
    curve = fatigue_curve(*_hand_world())
    overall = curve["segments"][0]
    assert (overall["segment"], overall["offers"], overall["opt_outs"]) == ("all", 4, 1.0)
    contacts = _points(overall, "by_contacts_30d")
    assert list(contacts) == [label for label, _, _ in CONTACT_BUCKETS]
    assert contacts["0"] == (2, 0.0)
    assert contacts["4-5"] == (1, 0.0)
    assert contacts["10+"] == (1, 1.0)
    assert contacts["1"] == (0, None)
    recency = _points(overall, "by_days_since_last")
    assert list(recency) == [label for label, _, _ in RECENCY_BUCKETS] + ["none"]
    assert (recency["none"], recency["2-3"], recency["0-1"]) == ((2, 0.0), (1, 0.0), (1, 1.0))


def test_curves_come_per_segment_after_the_overall_one() -> None:
    curve = fatigue_curve(*_hand_world())
    assert [c["segment"] for c in curve["segments"]] == ["all", "s", "young"]
    young = _points(curve["segments"][2], "by_contacts_30d")
    assert young["0"] == (1, 0.0) and young["10+"] == (0, None)


def test_the_curve_is_plain_json_with_its_settings() -> None:
    curve = fatigue_curve(*_hand_world(), window_days=3, rule="even", confidence=0.9)
    decoded = json.loads(json.dumps(curve))
    assert decoded == curve
    assert (curve["window_days"], curve["rule"], curve["confidence"]) == (3, "even", 0.9)
    point = curve["segments"][0]["by_contacts_30d"][0]
    assert set(point) == {"bucket", "offers", "opt_outs", "opt_out_rate", "low", "high"}
    assert point["low"] == 0.0 and 0 < point["high"] < 1


def test_the_period_keeps_only_offers_decided_in_it() -> None:
    offers, consent = _hand_world()
    later = offers.with_columns(pl.col("decided_at") + timedelta(days=30)).with_columns(
        pl.col("decision_id") + "-later"
    )
    curve = fatigue_curve(pl.concat([offers, later]), consent, start=day(0), end=day(10))
    assert curve["segments"][0]["offers"] == 4


def _generated(seed: int, customers: int) -> tuple[pl.DataFrame, pl.DataFrame, list[float]]:
    """Opt-out chance 0.2 % + 0.3 % per contact in the last 30 days (capped at 12)."""
    rng = np.random.default_rng(seed)
    pressure = rng.integers(0, 13, customers)
    chance = 0.002 + 0.003 * pressure
    recency = [None if k == 0 else float(rng.uniform(0, 30 / k)) for k in pressure]
    rows = [
        offer(f"d{n}", f"c{n}", day(1), contacts_30d=int(pressure[n]), days_since_last=recency[n])
        for n in range(customers)
    ]
    opted = np.flatnonzero(rng.random(customers) < chance)
    consent = consent_frame([change(f"c{n}", day(2)) for n in opted])
    return offers_frame(rows), consent, [0.002 + 0.003 * k for k in range(4)]


@pytest.fixture(scope="module")
def generated_curve() -> tuple[dict[str, Any], list[float]]:
    offers, consent, truths = _generated(5, 40_000)
    return fatigue_curve(offers, consent), truths


def test_the_intervals_cover_the_known_rates(
    generated_curve: tuple[dict[str, Any], list[float]],
) -> None:
    curve, truths = generated_curve
    points = curve["segments"][0]["by_contacts_30d"]
    for point, truth in zip(points[:4], truths, strict=True):
        assert point["low"] <= truth <= point["high"], point["bucket"]


def test_more_contacts_mean_clearly_more_opt_outs(
    generated_curve: tuple[dict[str, Any], list[float]],
) -> None:
    curve, _ = generated_curve
    points = {p["bucket"]: p for p in curve["segments"][0]["by_contacts_30d"]}
    assert points["10+"]["low"] > points["0"]["high"]
    rates = [p["opt_out_rate"] for p in curve["segments"][0]["by_contacts_30d"]]
    assert rates[-1] > rates[3] > rates[0]
