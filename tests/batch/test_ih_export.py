"""Interaction history export: Pega's names, loaded by pdstools with the same rates as ours."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from pdstools import IH  # in the dev extras: the export is checked by Pega's own tool
from tests.batch.optout_support import UTC_US, consent_frame, day, offer, offers_frame

from cortesia.batch.ih_export import IH_COLUMNS, IH_FORMATS, ih_file_name, ih_frame, write_ih
from cortesia.batch.optout_report import optout_report
from cortesia.errors import ValidationError

CLICK_RATES = {"email": 0.04, "sms": 0.02, "in_app": 0.10}
PEGA_CHANNELS = {"email": "Email", "sms": "SMS", "in_app": "Mobile"}


def _outcomes_of(offers: pl.DataFrame, outcomes: list[list[str]]) -> pl.DataFrame:
    """One row per (offer, outcome); an offer without outcomes once, with nulls."""
    reported = offers.with_columns(
        pl.Series("outcome", outcomes, dtype=pl.List(pl.String)),
    ).explode("outcome", empty_as_null=True)
    return reported.with_columns(
        pl.when(pl.col("outcome").is_not_null())
        .then(pl.col("decided_at") + timedelta(hours=2))
        .cast(UTC_US)
        .alias("outcome_at")
    )


@pytest.fixture(scope="module")
def world() -> tuple[pl.DataFrame, pl.DataFrame]:
    """3,000 offers on three channels (10 % held back); clicks, conversions, rejections."""
    rng = np.random.default_rng(21)
    rows, outcomes = [], []
    for n in range(3000):
        channel = str(rng.choice(list(CLICK_RATES)))
        clicked = bool(rng.random() < CLICK_RATES[channel])
        reported = ["delivered"] if channel != "in_app" else []
        if clicked:
            reported += ["clicked"] + (["converted"] if rng.random() < 0.4 else [])
        elif rng.random() < 0.3:
            reported.append("rejected")
        held = bool(rng.random() < 0.1)
        rows.append(
            offer(
                f"d{n}",
                f"c{n % 900}",
                day(float(rng.uniform(0, 10))),
                channel=channel,
                control="action" if held else None,
                responded=clicked,
            )
        )
        outcomes.append(reported)
    offers = offers_frame(rows)
    return offers, _outcomes_of(offers, outcomes)


def test_every_offer_opens_its_interaction_and_each_outcome_follows() -> None:
    offers = offers_frame(
        [offer("d1", "c1", day(1), channel="email"), offer("d2", "c2", day(1), channel="mail")]
    )
    outcomes = _outcomes_of(offers, [["delivered", "clicked"], []])
    frame = ih_frame(outcomes)
    assert frame.columns == list(IH_COLUMNS)
    assert frame.select("pxInteractionID", "pyChannel", "pyDirection", "pyOutcome").rows() == [
        ("d1/email/a", "Email", "Outbound", "Impression"),
        ("d1/email/a", "Email", "Outbound", "Delivered"),
        ("d1/email/a", "Email", "Outbound", "Clicked"),
        ("d2/mail/a", "Direct Mail", "Outbound", "Pending"),
    ]
    first = frame.row(0, named=True)
    assert first["pxOutcomeTime"] == "20261102T090000.000 GMT" == first["pxDecisionTime"]
    assert frame.row(2, named=True)["pxOutcomeTime"] == "20261102T110000.000 GMT"
    assert (first["pySubjectID"], first["pyIssue"], first["pyGroup"], first["pyName"]) == (
        "c1",
        "marketing",
        "c",
        "a",
    )


def test_offers_with_nothing_reported_yet_and_other_time_zones_export_in_utc() -> None:
    offers = offers_frame([offer("d1", "c1", day(1))]).with_columns(
        pl.col("decided_at").dt.convert_time_zone("America/Bogota")
    )
    outcomes = offers.with_columns(outcome=pl.lit(None), outcome_at=pl.lit(None))
    frame = ih_frame(outcomes)
    assert frame.select("pyOutcome", "pxOutcomeTime").rows() == [
        ("Impression", "20261102T090000.000 GMT")
    ]


def test_optional_columns_fill_pegas_own_when_present() -> None:
    offers = offers_frame([offer("d1", "c1", day(1), channel="voice")]).with_columns(
        direction=pl.lit("inbound"),
        issue=pl.lit("Retention"),
        group=pl.lit("Mobile"),
        treatment=pl.lit("script-2"),
        propensity=pl.lit(0.12),
    )
    row = ih_frame(_outcomes_of(offers, [["accepted"]])).row(1, named=True)
    assert (row["pyChannel"], row["pyDirection"], row["pyOutcome"]) == (
        "Call Center",
        "Inbound",
        "Accepted",
    )
    assert (row["pyIssue"], row["pyGroup"], row["pyTreatment"], row["pyPropensity"]) == (
        "Retention",
        "Mobile",
        "script-2",
        0.12,
    )


def test_control_offers_are_left_out_unless_asked_for(
    world: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    offers, outcomes = world
    sent = ih_frame(outcomes)
    assert set(sent["ExperimentGroup"]) == {"Test"}
    assert sent["pxInteractionID"].n_unique() == offers["control"].is_null().sum()
    everything = ih_frame(outcomes, include_controls=True)
    held = everything.filter(pl.col("ExperimentGroup") == "Control")
    assert held["pxInteractionID"].n_unique() == offers["control"].is_not_null().sum()
    openers = held.unique("pxInteractionID", keep="first", maintain_order=True)
    assert set(openers["pyOutcome"]) == {"Holdout"}


@pytest.mark.parametrize("file_format", IH_FORMATS)
def test_pdstools_loads_the_export_and_finds_our_response_rates(
    world: tuple[pl.DataFrame, pl.DataFrame], tmp_path: Path, file_format: str
) -> None:
    offers, outcomes = world
    path = tmp_path / ih_file_name(day(10), file_format)
    written = write_ih(outcomes, path)
    ih = IH.from_ds_export(path)
    assert ih.data.select(pl.len()).collect().item() == written
    rates = ih.aggregates.summary_success_rates(by="Channel").collect()
    theirs = dict(zip(rates["Channel"], rates["SuccessRate_Engagement"], strict=True))
    ours = optout_report(offers, consent_frame([]), by="channel")
    expected = {
        PEGA_CHANNELS[g]: r for g, r in zip(ours["group"], ours["response_rate"], strict=True)
    }
    assert theirs == pytest.approx(expected, rel=1e-12)
    interactions = dict(zip(rates["Channel"], rates["Interactions"], strict=True))
    contacts = dict(zip(ours["group"], ours["contacts"], strict=True))
    assert interactions == {PEGA_CHANNELS[g]: n for g, n in contacts.items()}


def test_pdstools_conversion_rate_is_conversions_per_offer_sent(
    world: tuple[pl.DataFrame, pl.DataFrame], tmp_path: Path
) -> None:
    _, outcomes = world
    path = tmp_path / "ih.parquet"
    write_ih(outcomes, path)
    rates = IH.from_ds_export(path).aggregates.summary_success_rates().collect()
    sent = outcomes.filter(pl.col("control").is_null())
    converted = sent.filter(pl.col("outcome") == "converted")["decision_id"].n_unique()
    assert rates["SuccessRate_Conversion"].item() == pytest.approx(
        converted / sent["decision_id"].n_unique()
    )


def test_an_unknown_file_format_is_refused(
    world: tuple[pl.DataFrame, pl.DataFrame], tmp_path: Path
) -> None:
    _, outcomes = world
    with pytest.raises(ValidationError, match="file_format"):
        write_ih(outcomes, tmp_path / "ih.xlsx")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValidationError, match="outcome_at"):
        ih_frame(outcomes.drop("outcome_at"))
