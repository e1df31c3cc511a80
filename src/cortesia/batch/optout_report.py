"""The opt-out economics report: what contacts add, what their opt-outs erode, what is left.

One row per group (action, campaign, channel or segment) of the offers decided in a period.
Treated offers (sent) are compared with control offers (withheld by a per-action control or
the global holdout) of the same group; opt-outs are attributed to contacts by
``optout_attribution`` (window and rule documented there).

Intervals
---------
Every figure drawn from a sample has a two-sided interval at ``confidence``:

- rates (response, opt-out, control): **Wilson** score intervals;
- incremental responses: ``contacts ×`` the **Newcombe** hybrid score interval (method 10 of
  Newcombe 1998) for the difference of the treated and control response rates, built from
  the two Wilson intervals; it stays inside [-1, 1] and behaves with few responses, where
  the Wald interval does not;
- incremental value and net value: the incremental-responses interval times the group's
  mean value (V is a catalog figure, not a sample), minus eroded value and cost.

Fractional opt-out counts (even split) enter the Wilson formula as they are.
"""

from __future__ import annotations

from datetime import UTC, datetime
from statistics import NormalDist

import polars as pl

from cortesia.batch.optout_attribution import offers_with_optouts
from cortesia.errors import ValidationError

GROUPINGS = {
    "action": "action_id",
    "campaign": "campaign",
    "channel": "channel",
    "segment": "segment",
}
UNKNOWN = "unknown"
REPORT_COLUMNS = (
    "group",
    "contacts",
    "responses",
    "response_rate",
    "response_rate_low",
    "response_rate_high",
    "control_size",
    "control_responses",
    "control_rate",
    "control_rate_low",
    "control_rate_high",
    "incremental_responses",
    "incremental_responses_low",
    "incremental_responses_high",
    "mean_value",
    "incremental_value",
    "incremental_value_low",
    "incremental_value_high",
    "opt_outs",
    "opt_out_rate",
    "opt_out_rate_low",
    "opt_out_rate_high",
    "control_opt_outs",
    "control_opt_out_rate",
    "control_opt_out_rate_low",
    "control_opt_out_rate_high",
    "value_eroded",
    "cost",
    "net_value",
    "net_value_low",
    "net_value_high",
    "eroded_exceeds_incremental",
)


def z_score(confidence: float) -> float:
    """The two-sided normal quantile of ``confidence`` (1.96 for 0.95).

    >>> round(z_score(0.95), 3)
    1.96
    """
    if not 0 < confidence < 1:
        raise ValidationError("confidence", confidence, "must lie strictly between 0 and 1")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def wilson_bounds(successes: pl.Expr, trials: pl.Expr, z: float) -> tuple[pl.Expr, pl.Expr]:
    """Wilson score interval of ``successes / trials``; null where ``trials`` is 0.

    Examples
    --------
    >>> low, high = wilson_bounds(pl.col("x"), pl.col("n"), 1.959964)
    >>> frame = pl.DataFrame({"x": [0.0, 5.0], "n": [10, 0]})
    >>> [round(v, 4) if v is not None else None for v in frame.select(low, high).row(0)]
    [0.0, 0.2775]
    >>> frame.select(low, high).row(1)
    (None, None)
    """
    n = pl.when(trials > 0).then(trials.cast(pl.Float64))
    p = pl.min_horizontal(pl.max_horizontal(successes.cast(pl.Float64), 0.0), n) / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * (p * (1 - p) / n + z2 / (4 * n * n)).sqrt() / (1 + z2 / n)
    # At p = 0 (p = 1) the bound is exactly 0 (1); rounding would leave it a hair off and
    # above (below) the rate itself. min/max_horizontal skip nulls: keep the bounds null
    # where there were no trials.
    low = pl.when(p == 0.0).then(0.0).otherwise(pl.max_horizontal(centre - half, 0.0))
    high = pl.when(p == 1.0).then(1.0).otherwise(pl.min_horizontal(centre + half, 1.0))
    return (
        pl.when(n.is_not_null()).then(low).alias("low"),
        pl.when(n.is_not_null()).then(high).alias("high"),
    )


def newcombe_bounds(
    treated: tuple[pl.Expr, pl.Expr], control: tuple[pl.Expr, pl.Expr], z: float
) -> tuple[pl.Expr, pl.Expr]:
    """Newcombe's hybrid score interval for ``p_treated − p_control``.

    ``treated`` and ``control`` are (successes, trials) pairs; null where either has no
    trials.
    """
    p1 = treated[0].cast(pl.Float64) / treated[1]
    p2 = control[0].cast(pl.Float64) / control[1]
    l1, u1 = wilson_bounds(*treated, z)
    l2, u2 = wilson_bounds(*control, z)
    difference = p1 - p2
    low = difference - ((p1 - l1) ** 2 + (u2 - p2) ** 2).sqrt()
    high = difference + ((u1 - p1) ** 2 + (p2 - l2) ** 2).sqrt()
    return low.alias("difference_low"), high.alias("difference_high")


def optout_report(
    offers: pl.DataFrame,
    consent: pl.DataFrame,
    *,
    by: str = "campaign",
    start: datetime | None = None,
    end: datetime | None = None,
    window_days: float = 7.0,
    rule: str = "last",
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Opt-out economics per group of offers decided in ``[start, end)``.

    Parameters
    ----------
    offers, consent : polars.DataFrame
        The frames described in ``cortesia.batch.optout_attribution``.
    by : {"action", "campaign", "channel", "segment"}
        The grouping; its value goes to the ``group`` column (null → ``"unknown"``).
    start, end : datetime, optional
        Period on ``decided_at`` (time-zone aware), start included, end excluded.
        Opt-outs are attributed over all offers first, so an offer outside the period still
        takes its share of an opt-out it preceded.
    window_days, rule
        The attribution window and rule (``"last"`` or ``"even"``).
    confidence
        Level of every interval.

    Returns
    -------
    polars.DataFrame
        ``REPORT_COLUMNS``, one row per group, sorted by group (see docs/optout-report.md).

    Raises
    ------
    cortesia.errors.ValidationError
        Unknown grouping, naive or inverted period, bad confidence, window or rule, or a
        frame missing a column.
    """
    if by not in GROUPINGS:
        raise ValidationError("by", by, f"must be one of {', '.join(GROUPINGS)}")
    z = z_score(confidence)
    scored = offers_with_optouts(offers, consent, window_days=window_days, rule=rule)
    in_period = scored.filter(period_filter(start, end))
    key = pl.col(GROUPINGS[by]).cast(pl.String).fill_null(UNKNOWN).alias("group")
    totals = in_period.group_by(key).agg(*_sums()).sort("group")
    return totals.with_columns(*_rates(z)).with_columns(*_increments(z)).select(REPORT_COLUMNS)


def period_filter(
    start: datetime | None, end: datetime | None, column: str = "decided_at"
) -> pl.Expr:
    """``start ≤ column < end`` (either end optional); refuses naive or inverted bounds.

    The column must hold UTC instants; the bounds may be in any time zone.
    """
    for field, bound in (("start", start), ("end", end)):
        if bound is not None and bound.utcoffset() is None:
            raise ValidationError(field, bound, "needs a time zone")
    if start is not None and end is not None and end <= start:
        raise ValidationError("end", end, "must come after start")
    keep = pl.lit(True)
    if start is not None:
        keep = keep & (pl.col(column) >= start.astimezone(UTC))
    if end is not None:
        keep = keep & (pl.col(column) < end.astimezone(UTC))
    return keep


def _sums() -> list[pl.Expr]:
    treated = pl.col("control").is_null()
    held = ~treated
    responded = pl.col("responded").fill_null(False)
    return [
        treated.sum().cast(pl.Int64).alias("contacts"),
        (treated & responded).sum().cast(pl.Int64).alias("responses"),
        held.sum().cast(pl.Int64).alias("control_size"),
        (held & responded).sum().cast(pl.Int64).alias("control_responses"),
        pl.col("value").filter(treated).mean().alias("mean_value"),
        pl.col("opt_outs").filter(treated).sum().alias("opt_outs"),
        pl.col("opt_outs").filter(held).sum().alias("control_opt_outs"),
        pl.col("value_eroded").filter(treated).sum().alias("value_eroded"),
        pl.col("cost").filter(treated).sum().fill_null(0.0).alias("cost"),
    ]


def _rate(successes: str, trials: str, name: str, z: float) -> list[pl.Expr]:
    low, high = wilson_bounds(pl.col(successes), pl.col(trials), z)
    rate = pl.when(pl.col(trials) > 0).then(pl.col(successes) / pl.col(trials))
    return [rate.alias(name), low.alias(f"{name}_low"), high.alias(f"{name}_high")]


def _rates(z: float) -> list[pl.Expr]:
    return [
        *_rate("responses", "contacts", "response_rate", z),
        *_rate("control_responses", "control_size", "control_rate", z),
        *_rate("opt_outs", "contacts", "opt_out_rate", z),
        *_rate("control_opt_outs", "control_size", "control_opt_out_rate", z),
    ]


def _increments(z: float) -> list[pl.Expr]:
    contacts = pl.col("contacts").cast(pl.Float64)
    incremental = pl.col("responses") - contacts * pl.col("control_rate")
    low, high = newcombe_bounds(
        (pl.col("responses"), pl.col("contacts")),
        (pl.col("control_responses"), pl.col("control_size")),
        z,
    )
    value = pl.col("mean_value")
    increment = incremental * value
    # A negative mean value swaps the ends of the interval.
    ends = (contacts * low * value, contacts * high * value)
    value_low, value_high = pl.min_horizontal(*ends), pl.max_horizontal(*ends)
    losses = pl.col("value_eroded") + pl.col("cost")
    return [
        incremental.alias("incremental_responses"),
        (contacts * low).alias("incremental_responses_low"),
        (contacts * high).alias("incremental_responses_high"),
        increment.alias("incremental_value"),
        value_low.alias("incremental_value_low"),
        value_high.alias("incremental_value_high"),
        (increment - losses).alias("net_value"),
        (value_low - losses).alias("net_value_low"),
        (value_high - losses).alias("net_value_high"),
        (pl.col("value_eroded") > increment).alias("eroded_exceeds_incremental"),
    ]
