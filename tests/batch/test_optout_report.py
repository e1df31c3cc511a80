"""The opt-out economics report: hand-checked figures, generated campaigns, honest intervals."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import pytest
from tests.batch.optout_support import (
    Campaign,
    change,
    consent_frame,
    day,
    generate,
    offer,
    offers_frame,
)

from cortesia.batch.optout_report import (
    REPORT_COLUMNS,
    newcombe_bounds,
    optout_report,
    wilson_bounds,
    z_score,
)
from cortesia.errors import ValidationError

Z95 = z_score(0.95)
# Contact pressure destroys value: few extra responses, many opt-outs of valuable customers.
BLAST = Campaign("blast", 0.020, 0.015, 0.010, 0.002, 20.0, 100.0, 0.05)
# Relevant offers: many extra responses, few opt-outs.
RELEVANT = Campaign("relevant", 0.100, 0.020, 0.002, 0.002, 50.0, 100.0, 0.05)


def _small_world() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Campaign x: 4 sent (2 responded, 1 opt-out of value 60), 2 held back (1 responded)."""
    offers = offers_frame(
        [
            offer("d1", "c1", day(1), campaign="x", responded=True, value=10.0, cost=1.0),
            offer("d2", "c2", day(1), campaign="x", responded=True, value=30.0, cost=1.0),
            offer("d3", "c3", day(2), campaign="x", value=20.0, cost=1.0),
            offer("d4", "c4", day(2), campaign="x", value=20.0, cost=1.0, segment=None),
            offer("d5", "c5", day(2), campaign="x", control="action", responded=True),
            offer("d6", "c6", day(2), campaign="x", control="global"),
            offer("d7", "c7", day(3), campaign="y", responded=True, cost=2.0),
            offer("late", "c8", day(40), campaign="x", responded=True),
        ]
    )
    consent = consent_frame([change("c3", day(4), value=60.0), change("c6", day(3), value=5.0)])
    return offers, consent


def _row(report: pl.DataFrame, group: str) -> dict[str, object]:
    return report.filter(pl.col("group") == group).to_dicts()[0]


def test_a_small_campaign_adds_up_by_hand() -> None:
    offers, consent = _small_world()
    report = optout_report(offers, consent, by="campaign", end=day(30))
    assert report.columns == list(REPORT_COLUMNS)
    x = _row(report, "x")
    assert (x["contacts"], x["responses"], x["control_size"], x["control_responses"]) == (
        4,
        2,
        2,
        1,
    )
    assert (x["response_rate"], x["control_rate"]) == (0.5, 0.5)
    assert x["incremental_responses"] == 0.0  # 2 − 4 × 0.5
    assert x["mean_value"] == 20.0 and x["incremental_value"] == 0.0
    assert (x["opt_outs"], x["opt_out_rate"], x["value_eroded"]) == (1.0, 0.25, 60.0)
    assert (x["control_opt_outs"], x["control_opt_out_rate"]) == (1.0, 0.5)
    assert x["cost"] == 4.0
    assert x["net_value"] == -64.0  # 0 − 60 − 4
    assert x["eroded_exceeds_incremental"] is True


def test_a_group_without_a_control_has_no_incremental_figures() -> None:
    offers, consent = _small_world()
    y = _row(optout_report(offers, consent, by="campaign", end=day(30)), "y")
    assert y["contacts"] == 1 and y["control_size"] == 0
    for column in ("control_rate", "incremental_responses", "incremental_value", "net_value"):
        assert y[column] is None
    assert y["eroded_exceeds_incremental"] is None


def test_the_period_filters_on_the_decision_instant() -> None:
    offers, consent = _small_world()
    everything = _row(optout_report(offers, consent, by="campaign"), "x")
    assert everything["contacts"] == 5
    first_day = optout_report(offers, consent, start=day(1), end=day(2))
    assert first_day.select("group", "contacts").rows() == [("x", 2)]


def test_period_bounds_may_be_given_in_any_time_zone() -> None:
    offers, consent = _small_world()
    start = day(1).astimezone(ZoneInfo("America/Bogota"))
    end = day(2).astimezone(ZoneInfo("Asia/Tokyo"))
    report = optout_report(offers, consent, start=start, end=end)
    assert report.select("group", "contacts").rows() == [("x", 2)]


@pytest.mark.parametrize(
    ("by", "groups"),
    [
        ("action", ["a"]),
        ("channel", ["sms"]),
        ("segment", ["s", "unknown"]),
    ],
)
def test_groups_follow_the_chosen_dimension(by: str, groups: list[str]) -> None:
    offers, consent = _small_world()
    assert optout_report(offers, consent, by=by)["group"].to_list() == groups


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"by": "country"}, "by"),
        ({"confidence": 1.0}, "confidence"),
        ({"start": datetime(2026, 11, 1)}, "start"),
        ({"start": day(5), "end": day(1)}, "end"),
        ({"rule": "first"}, "rule"),
    ],
)
def test_bad_options_are_refused_naming_the_field(options: dict[str, object], field: str) -> None:
    offers, consent = _small_world()
    with pytest.raises(ValidationError, match=field):
        optout_report(offers, consent, **options)  # type: ignore[arg-type]


def test_wilson_intervals_match_newcombes_published_ones() -> None:
    # Newcombe (1998), Statistics in Medicine 17: 857-872, table I, method 3 (score).
    frame = pl.DataFrame({"x": [81, 15, 0, 1], "n": [263, 148, 20, 29]})
    bounds = frame.select(*wilson_bounds(pl.col("x"), pl.col("n"), Z95)).rows()
    expected = [(0.2553, 0.3662), (0.0624, 0.1605), (0.0, 0.1611), (0.0061, 0.1718)]
    for got, want in zip(bounds, expected, strict=True):
        assert got == pytest.approx(want, abs=6e-5)


def test_newcombe_intervals_match_the_published_ones() -> None:
    # Newcombe (1998), Statistics in Medicine 17: 873-890, table II, method 10.
    cases = {
        (56, 70, 48, 80): (0.0524, 0.3339),
        (9, 10, 3, 10): (0.1705, 0.8090),
        (0, 10, 0, 20): (-0.1611, 0.2775),
        (0, 10, 0, 10): (-0.2775, 0.2775),
        (10, 10, 0, 20): (0.6791, 1.0),
    }
    frame = pl.DataFrame(list(cases), schema=["x1", "n1", "x2", "n2"], orient="row")
    bounds = frame.select(
        *newcombe_bounds((pl.col("x1"), pl.col("n1")), (pl.col("x2"), pl.col("n2")), Z95)
    ).rows()
    for got, want in zip(bounds, cases.values(), strict=True):
        assert got == pytest.approx(want, abs=6e-5)


def test_wilson_intervals_cover_a_known_rate_about_as_often_as_promised() -> None:
    rng = np.random.default_rng(11)
    trials = rng.integers(50, 400, size=4000)
    successes = rng.binomial(trials, 0.03)
    frame = pl.DataFrame({"x": successes, "n": trials})
    low, high = wilson_bounds(pl.col("x"), pl.col("n"), Z95)
    covered = frame.select(((low <= 0.03) & (high >= 0.03)).mean()).item()
    assert 0.93 <= covered <= 0.97


def test_newcombe_intervals_cover_a_known_difference_about_as_often_as_promised() -> None:
    rng = np.random.default_rng(12)
    n1, n2 = rng.integers(100, 600, size=4000), rng.integers(30, 200, size=4000)
    frame = pl.DataFrame(
        {"x1": rng.binomial(n1, 0.08), "n1": n1, "x2": rng.binomial(n2, 0.03), "n2": n2}
    )
    low, high = newcombe_bounds((pl.col("x1"), pl.col("n1")), (pl.col("x2"), pl.col("n2")), Z95)
    covered = frame.select(((low <= 0.05) & (high >= 0.05)).mean()).item()
    assert 0.93 <= covered <= 0.98


@pytest.fixture(scope="module")
def campaigns() -> pl.DataFrame:
    blast_offers, blast_consent = generate(BLAST, 20_000, seed=3)
    relevant_offers, relevant_consent = generate(RELEVANT, 20_000, seed=4)
    return optout_report(
        pl.concat([blast_offers, relevant_offers]),
        pl.concat([blast_consent, relevant_consent]),
        by="campaign",
    )


def test_a_campaign_whose_opt_outs_erode_more_than_it_adds_is_flagged(
    campaigns: pl.DataFrame,
) -> None:
    blast = _row(campaigns, "blast")
    assert blast["eroded_exceeds_incremental"] is True
    assert blast["net_value"] < 0 and blast["net_value_high"] < 0  # type: ignore[operator]


def test_a_relevant_campaign_is_not_flagged(campaigns: pl.DataFrame) -> None:
    relevant = _row(campaigns, "relevant")
    assert relevant["eroded_exceeds_incremental"] is False
    assert relevant["net_value"] > 0 and relevant["net_value_low"] > 0  # type: ignore[operator]


@pytest.mark.parametrize("truth", [BLAST, RELEVANT], ids=lambda c: c.name)
def test_the_report_intervals_cover_the_generated_truths(
    campaigns: pl.DataFrame, truth: Campaign
) -> None:
    row = _row(campaigns, truth.name)
    contacts = float(row["contacts"])  # type: ignore[arg-type]
    lift = truth.response_treated - truth.response_control
    expected = {
        "response_rate": truth.response_treated,
        "control_rate": truth.response_control,
        "opt_out_rate": truth.optout_treated,
        "control_opt_out_rate": truth.optout_control,
        "incremental_responses": contacts * lift,
        "incremental_value": contacts * lift * truth.value,
    }
    for figure, value in expected.items():
        assert row[f"{figure}_low"] <= value <= row[f"{figure}_high"], figure  # type: ignore[operator]
    assert row["value_eroded"] == pytest.approx(row["opt_outs"] * truth.eroded_value)  # type: ignore[operator]
    assert row["cost"] == pytest.approx(contacts * truth.cost)
    assert math.isclose(
        row["net_value"],  # type: ignore[arg-type]
        row["incremental_value"] - row["value_eroded"] - row["cost"],  # type: ignore[operator]
    )


def test_no_offers_make_an_empty_report_with_every_column() -> None:
    report = optout_report(offers_frame([]), consent_frame([]))
    assert report.height == 0 and report.columns == list(REPORT_COLUMNS)
