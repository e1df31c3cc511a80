"""Recovered opt-ins: customers who came back after opting out, by the touchpoint that won them.

A ``"granted"`` consent change is a **recovery** when, just before it, the customer was opted
out of part of what they now grant: among the customer's earlier changes on scopes that
overlap the grant's (some channel × purpose lies in both, with the ledger's coverage:
``all`` channels, ``all`` purposes, ``marketing`` over its topics), the latest change of at
least one scope is a ``"withdrawn"``. A grant after a grant, or a first grant, is not a recovery.

Recoveries are counted by ``source`` (invoice, app, call_centre, pos, web, …), with the
value they bring back: Σ of the grant's ``value`` (the customer's L on that channel and
purpose; an unknown value counts as 0 and is reported in ``value_unknown``).
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from cortesia.batch.optout_attribution import GRANTED, WITHDRAWN, check_columns, utc_instants
from cortesia.batch.optout_report import period_filter
from cortesia.domain.vocabulary import ALL_PURPOSES, BUILT_IN_PURPOSES, MARKETING, Channel

RECOVERY_COLUMNS = ("source", "recovered", "customers", "value_recovered", "value_unknown")
_REQUIRED = ("customer_id", "channel", "purpose", "occurred_at", "kind", "source", "value")


def recovered_grants(consent: pl.DataFrame) -> pl.DataFrame:
    """The grants that recovered an opt-out, one row each, in time order.

    Columns: ``customer_id``, ``channel``, ``purpose``, ``occurred_at``, ``source``,
    ``value``.
    """
    check_columns(consent, _REQUIRED, "consent")
    consent = utc_instants(consent, "occurred_at", "consent")
    changes = consent.filter(pl.col("kind").is_in([WITHDRAWN, GRANTED])).with_row_index("seq")
    grants = changes.filter(pl.col("kind") == GRANTED).select(
        pl.col("seq").alias("grant_id"),
        "customer_id",
        pl.col("channel").alias("grant_channel"),
        pl.col("purpose").alias("grant_purpose"),
        pl.col("occurred_at").alias("granted_at"),
    )
    earlier = grants.join(changes, on="customer_id").filter(
        (pl.col("occurred_at") < pl.col("granted_at")) & _overlaps()
    )
    # The state of each earlier scope just before the grant: its latest change (ties: the
    # one recorded last).
    latest = earlier.sort("occurred_at", "seq").group_by("grant_id", "channel", "purpose").last()
    recovered = latest.filter(pl.col("kind") == WITHDRAWN).select("grant_id").unique()
    return (
        changes.join(recovered, left_on="seq", right_on="grant_id", how="semi")
        .sort("occurred_at", "seq")
        .select("customer_id", "channel", "purpose", "occurred_at", "source", "value")
    )


def recovered_optins(
    consent: pl.DataFrame, *, start: datetime | None = None, end: datetime | None = None
) -> pl.DataFrame:
    """Recovered opt-ins by touchpoint, for grants in ``[start, end)``.

    Returns
    -------
    polars.DataFrame
        ``RECOVERY_COLUMNS``: ``source``, ``recovered`` (grants), ``customers`` (distinct),
        ``value_recovered`` (Σ value), ``value_unknown`` (grants without a value); sorted by
        value recovered, highest first, then source.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> t = [datetime(2026, 11, d, tzinfo=timezone.utc) for d in (1, 2, 3)]
    >>> consent = pl.DataFrame({"customer_id": ["c1"] * 3, "channel": ["sms", "sms", "sms"],
    ...     "purpose": ["marketing"] * 3, "occurred_at": t,
    ...     "kind": ["granted", "withdrawn", "granted"], "source": ["web", "unsubscribe", "pos"],
    ...     "value": [None, 40.0, 40.0]})
    >>> recovered_optins(consent).row(0)
    ('pos', 1, 1, 40.0, 0)
    """
    grants = recovered_grants(consent).filter(period_filter(start, end, "occurred_at"))
    return (
        grants.group_by("source")
        .agg(
            pl.len().cast(pl.Int64).alias("recovered"),
            pl.col("customer_id").n_unique().cast(pl.Int64).alias("customers"),
            pl.col("value").cast(pl.Float64).fill_null(0.0).sum().alias("value_recovered"),
            pl.col("value").is_null().sum().cast(pl.Int64).alias("value_unknown"),
        )
        .sort(["value_recovered", "source"], descending=[True, False])
        .select(RECOVERY_COLUMNS)
    )


def _purposes_meet(one: pl.Expr, other: pl.Expr) -> pl.Expr:
    def topic(purpose: pl.Expr) -> pl.Expr:
        return ~purpose.is_in(sorted(BUILT_IN_PURPOSES))

    return (
        (one == other)
        | (one == ALL_PURPOSES)
        | (other == ALL_PURPOSES)
        | ((one == MARKETING) & topic(other))
        | ((other == MARKETING) & topic(one))
    )


def _overlaps() -> pl.Expr:
    """Two scopes overlap when some channel × purpose lies in both."""
    grant_channel, channel = pl.col("grant_channel"), pl.col("channel")
    channels = (grant_channel == channel) | (grant_channel == Channel.ALL.value)
    channels = channels | (channel == Channel.ALL.value)
    return channels & _purposes_meet(pl.col("grant_purpose"), pl.col("purpose"))
