"""Fatigue curves: how the opt-out rate of a contact grows with the contacts before it.

For every segment, the opt-out rate of treated offers (attributed opt-outs / treated offers,
attribution as in ``optout_attribution``) against two measures of pressure on the channel:

- ``contacts_30d``: contacts on the channel in the 30 days before this one, in buckets
  ``0, 1, 2, 3, 4-5, 6-9, 10+``;
- ``days_since_last``: days since the previous contact on the channel, in buckets
  ``0-1, 1-2, 2-3, 3-7, 7-14, 14-30, 30+`` (lower end included) and ``none`` (no
  previous contact).

Each point carries a Wilson interval. The result is a plain dict, ready for JSON and for a
plot: every bucket appears in its order, empty ones with ``offers`` 0 and null rates.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import polars as pl

from cortesia.batch.optout_attribution import offers_with_optouts
from cortesia.batch.optout_report import UNKNOWN, period_filter, wilson_bounds, z_score

# (label, lower bound included, upper bound excluded)
CONTACT_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("0", 0, 1),
    ("1", 1, 2),
    ("2", 2, 3),
    ("3", 3, 4),
    ("4-5", 4, 6),
    ("6-9", 6, 10),
    ("10+", 10, math.inf),
)
RECENCY_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("0-1", 0, 1),
    ("1-2", 1, 2),
    ("2-3", 2, 3),
    ("3-7", 3, 7),
    ("7-14", 7, 14),
    ("14-30", 14, 30),
    ("30+", 30, math.inf),
)
NO_PREVIOUS = "none"
ALL_SEGMENTS = "all"


def fatigue_curve(
    offers: pl.DataFrame,
    consent: pl.DataFrame,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    window_days: float = 7.0,
    rule: str = "last",
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Opt-out rate against contact frequency and recency, per segment, with intervals.

    Parameters
    ----------
    offers, consent : polars.DataFrame
        The frames described in ``cortesia.batch.optout_attribution``.
    start, end : datetime, optional
        Period on ``decided_at``, start included, end excluded.
    window_days, rule
        The attribution window and rule.
    confidence
        Level of the Wilson intervals.

    Returns
    -------
    dict
        ``{"window_days", "rule", "confidence", "segments": [curves…]}`` where the first
        curve is every segment together (``"segment": "all"``) and each curve is
        ``{"segment", "offers", "opt_outs", "by_contacts_30d": [points…],
        "by_days_since_last": [points…]}`` and each point is ``{"bucket", "offers",
        "opt_outs", "opt_out_rate", "low", "high"}``.
    """
    z = z_score(confidence)
    scored = offers_with_optouts(offers, consent, window_days=window_days, rule=rule)
    treated = scored.filter(pl.col("control").is_null() & period_filter(start, end)).select(
        pl.col("segment").cast(pl.String).fill_null(UNKNOWN),
        _bucket(pl.col("contacts_30d"), CONTACT_BUCKETS).alias("contacts_bucket"),
        _bucket(pl.col("days_since_last"), RECENCY_BUCKETS)
        .fill_null(NO_PREVIOUS)
        .alias("recency_bucket"),
        "opt_outs",
    )
    segments = sorted(treated["segment"].unique().to_list())
    curves = [_curve(ALL_SEGMENTS, treated, z)]
    curves += [_curve(name, treated.filter(pl.col("segment") == name), z) for name in segments]
    return {"window_days": window_days, "rule": rule, "confidence": confidence, "segments": curves}


def _bucket(value: pl.Expr, buckets: tuple[tuple[str, float, float], ...]) -> pl.Expr:
    labelled = pl.lit(None, dtype=pl.String)
    # Built from the last bucket back so that the first matching bucket wins.
    for label, low, high in reversed(buckets):
        labelled = pl.when((value >= low) & (value < high)).then(pl.lit(label)).otherwise(labelled)
    return labelled


def _curve(segment: str, rows: pl.DataFrame, z: float) -> dict[str, Any]:
    recency_labels = [label for label, _, _ in RECENCY_BUCKETS] + [NO_PREVIOUS]
    return {
        "segment": segment,
        "offers": rows.height,
        "opt_outs": float(rows["opt_outs"].sum()),
        "by_contacts_30d": _points(rows, "contacts_bucket", [b[0] for b in CONTACT_BUCKETS], z),
        "by_days_since_last": _points(rows, "recency_bucket", recency_labels, z),
    }


def _points(rows: pl.DataFrame, column: str, labels: list[str], z: float) -> list[dict[str, Any]]:
    counts = rows.group_by(column).agg(
        pl.len().cast(pl.Int64).alias("offers"), pl.col("opt_outs").sum()
    )
    low, high = wilson_bounds(pl.col("opt_outs"), pl.col("offers"), z)
    points = (
        pl.DataFrame({"bucket": labels})
        .join(counts.rename({column: "bucket"}), on="bucket", how="left", maintain_order="left")
        .with_columns(pl.col("offers").fill_null(0), pl.col("opt_outs").fill_null(0.0))
        .with_columns(
            pl.when(pl.col("offers") > 0)
            .then(pl.col("opt_outs") / pl.col("offers"))
            .alias("opt_out_rate"),
            low.alias("low"),
            high.alias("high"),
        )
    )
    return points.to_dicts()
