"""Attribution of opt-outs to the contacts that preceded them.

Two frames come in (the contract the store's query produces):

``offers``
    One row per action a decision chose (treated) or withheld as a control:
    ``decision_id``, ``customer_id``, ``decided_at`` (datetime, UTC), ``action_id``,
    ``campaign``, ``channel``, ``purpose``, ``segment``, ``control`` (null: treated and
    sent; ``"action"`` or ``"global"``: withheld), ``value`` (V), ``eroded_value`` (L),
    ``cost``, ``responded``, ``contacts_30d``, ``days_since_last``.
``consent``
    Consent changes: ``customer_id``, ``channel``, ``purpose``, ``occurred_at`` (datetime,
    UTC), ``kind`` (``"withdrawn"`` or ``"granted"``), ``source``, ``value`` (the
    customer's L on that channel and purpose, may be null).

The rule
--------
A withdrawal (an opt-out) of customer *c* on channel *ch* and purpose *p* at instant *t*
may be caused by any contact of *c* that it covers and that came shortly before it:

- **covers**: the offer's channel is *ch*, or *ch* is ``all``; and the offer's purpose is
  *p*, or *p* is ``all``, or *p* is ``marketing`` and the offer's purpose is a marketing
  topic (the ledger's own coverage: ``vocabulary.channel_covers``/``purpose_covers``);
- **shortly before**: ``t − window ≤ decided_at ≤ t`` (both ends included; default window
  7 days).

Among the treated offers that qualify, the opt-out is shared:

- ``"last"`` (last touch, the default): all of it goes to the latest contact; contacts
  tied at that latest instant split it equally;
- ``"even"``: every qualifying contact gets an equal share.

An opt-out with no qualifying treated contact is **organic**. Each share carries the value
the opt-out erodes: the withdrawal's own ``value`` when known, else the offer's
``eroded_value``, times the share.

Control offers (withheld, ``control`` not null) are attributed the same way but among
themselves, as if they had been sent: an opt-out is credited once among the treated offers
and once among the control offers, so the control group's opt-out rate measures how often
customers opt out anyway, with no contact to blame.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import polars as pl

from cortesia.domain.vocabulary import ALL_PURPOSES, BUILT_IN_PURPOSES, MARKETING, Channel
from cortesia.errors import ValidationError

RULES = ("last", "even")
WITHDRAWN = "withdrawn"
GRANTED = "granted"
OFFER_COLUMNS = (
    "decision_id",
    "customer_id",
    "decided_at",
    "action_id",
    "campaign",
    "channel",
    "purpose",
    "segment",
    "control",
    "value",
    "eroded_value",
    "cost",
    "responded",
    "contacts_30d",
    "days_since_last",
)
CONSENT_COLUMNS = ("customer_id", "channel", "purpose", "occurred_at", "kind", "source", "value")
OFFER_INDEX = "offer_index"


@dataclass(frozen=True, slots=True)
class OptOutAttribution:
    """Who got the blame for each opt-out.

    Attributes
    ----------
    links : polars.DataFrame
        One row per (opt-out, offer) credited: ``optout_id``, ``offer_index`` (the offer's
        row in the input), ``treated`` (False for a control offer), ``share`` (in (0, 1];
        the shares of one opt-out sum to 1 among treated and to 1 among control offers),
        ``eroded`` (L × share).
    organic : polars.DataFrame
        The withdrawals no treated contact preceded within the window: ``optout_id``,
        ``customer_id``, ``channel``, ``purpose``, ``occurred_at``, ``value``.
    """

    links: pl.DataFrame
    organic: pl.DataFrame


def check_columns(frame: pl.DataFrame, required: tuple[str, ...], name: str) -> None:
    """Refuse a frame that lacks any of the ``required`` columns."""
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValidationError(name, missing, f"missing columns: {', '.join(missing)}")


def check_window(window_days: float, rule: str) -> None:
    """Refuse a window that is not positive, or an unknown rule."""
    if not window_days > 0:
        raise ValidationError("window_days", window_days, "must be a positive number of days")
    if rule not in RULES:
        raise ValidationError("rule", rule, f"must be one of {', '.join(RULES)}")


def utc_instants(frame: pl.DataFrame, column: str, name: str) -> pl.DataFrame:
    """``frame`` with ``column`` as UTC microseconds; refuses a column without a time zone."""
    dtype = frame.schema[column]
    if not isinstance(dtype, pl.Datetime) or dtype.time_zone is None:
        raise ValidationError(f"{name}.{column}", str(dtype), "must be a time-zone-aware datetime")
    return frame.with_columns(pl.col(column).dt.convert_time_zone("UTC").dt.cast_time_unit("us"))


def attribute_optouts(
    offers: pl.DataFrame,
    consent: pl.DataFrame,
    *,
    window_days: float = 7.0,
    rule: str = "last",
) -> OptOutAttribution:
    """Share every withdrawal among the contacts that preceded it (see the module docstring).

    Parameters
    ----------
    offers, consent : polars.DataFrame
        The two input frames (``OFFER_COLUMNS``, ``CONSENT_COLUMNS``).
    window_days : float
        How long before an opt-out a contact may be blamed for it.
    rule : {"last", "even"}
        Last touch, or an even split among the contacts in the window.

    Returns
    -------
    OptOutAttribution

    Raises
    ------
    cortesia.errors.ValidationError
        A frame lacks a column, the window is not positive, or the rule is unknown.
    """
    check_columns(offers, OFFER_COLUMNS, "offers")
    check_columns(consent, CONSENT_COLUMNS, "consent")
    check_window(window_days, rule)
    offers = utc_instants(offers, "decided_at", "offers")
    withdrawals = _withdrawals(utc_instants(consent, "occurred_at", "consent"))
    candidates = _candidates(offers, withdrawals, timedelta(days=window_days))
    links = _shares(candidates, rule).select(
        "optout_id",
        OFFER_INDEX,
        "treated",
        "share",
        (pl.coalesce("optout_value", "eroded_value").fill_null(0.0) * pl.col("share")).alias(
            "eroded"
        ),
    )
    blamed = links.filter(pl.col("treated")).select("optout_id").unique()
    organic = withdrawals.join(blamed, on="optout_id", how="anti").select(
        "optout_id",
        "customer_id",
        pl.col("optout_channel").alias("channel"),
        pl.col("optout_purpose").alias("purpose"),
        pl.col("opted_out_at").alias("occurred_at"),
        pl.col("optout_value").alias("value"),
    )
    return OptOutAttribution(links.sort("optout_id", OFFER_INDEX), organic.sort("optout_id"))


def offers_with_optouts(
    offers: pl.DataFrame,
    consent: pl.DataFrame,
    *,
    window_days: float = 7.0,
    rule: str = "last",
) -> pl.DataFrame:
    """The offers with what each was blamed for: ``opt_outs`` (Σ shares) and ``value_eroded``.

    Both are 0.0 for an offer no opt-out followed. Control offers carry their counterfactual
    shares (see the module docstring). An ``offer_index`` column (the input row) is added.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 11, 1, tzinfo=timezone.utc)
    >>> offers = pl.DataFrame({"decision_id": ["d1"], "customer_id": ["c1"],
    ...     "decided_at": [t], "action_id": ["a"], "campaign": ["x"], "channel": ["sms"],
    ...     "purpose": ["marketing"], "segment": ["s"], "control": [None], "value": [10.0],
    ...     "eroded_value": [50.0], "cost": [0.1], "responded": [False],
    ...     "contacts_30d": [0], "days_since_last": [None]})
    >>> consent = pl.DataFrame({"customer_id": ["c1"], "channel": ["all"],
    ...     "purpose": ["marketing"], "occurred_at": [t.replace(day=3)],
    ...     "kind": ["withdrawn"], "source": ["unsubscribe"], "value": [80.0]})
    >>> offers_with_optouts(offers, consent).select("opt_outs", "value_eroded").row(0)
    (1.0, 80.0)
    """
    attribution = attribute_optouts(offers, consent, window_days=window_days, rule=rule)
    per_offer = attribution.links.group_by(OFFER_INDEX).agg(
        pl.col("share").sum().alias("opt_outs"), pl.col("eroded").sum().alias("value_eroded")
    )
    return (
        utc_instants(offers, "decided_at", "offers")
        .with_row_index(OFFER_INDEX)
        .join(per_offer, on=OFFER_INDEX, how="left")
        .with_columns(pl.col("opt_outs", "value_eroded").fill_null(0.0))
        .sort(OFFER_INDEX)
    )


def _withdrawals(consent: pl.DataFrame) -> pl.DataFrame:
    return (
        consent.filter(pl.col("kind") == WITHDRAWN)
        .with_row_index("optout_id")
        .select(
            "optout_id",
            "customer_id",
            pl.col("channel").alias("optout_channel"),
            pl.col("purpose").alias("optout_purpose"),
            pl.col("occurred_at").alias("opted_out_at"),
            pl.col("value").cast(pl.Float64).alias("optout_value"),
        )
    )


def _covers() -> pl.Expr:
    """The ledger's coverage (``channel_covers``, ``purpose_covers``) over whole columns."""
    channel = (pl.col("optout_channel") == pl.col("channel")) | (
        pl.col("optout_channel") == Channel.ALL.value
    )
    purpose = (
        (pl.col("optout_purpose") == pl.col("purpose"))
        | (pl.col("optout_purpose") == ALL_PURPOSES)
        | (
            (pl.col("optout_purpose") == MARKETING)
            & ~pl.col("purpose").is_in(sorted(BUILT_IN_PURPOSES))
        )
    )
    return channel & purpose


def _candidates(offers: pl.DataFrame, withdrawals: pl.DataFrame, window: timedelta) -> pl.DataFrame:
    contacts = offers.with_row_index(OFFER_INDEX).select(
        OFFER_INDEX,
        "customer_id",
        "channel",
        "purpose",
        "decided_at",
        pl.col("eroded_value").cast(pl.Float64),
        pl.col("control").is_null().alias("treated"),
    )
    return withdrawals.join(contacts, on="customer_id").filter(
        _covers()
        & (pl.col("decided_at") <= pl.col("opted_out_at"))
        & (pl.col("decided_at") >= pl.col("opted_out_at") - window)
    )


def _shares(candidates: pl.DataFrame, rule: str) -> pl.DataFrame:
    group = ("optout_id", "treated")
    if rule == "even":
        return candidates.with_columns((1.0 / pl.len().over(group)).alias("share"))
    latest = candidates.filter(pl.col("decided_at") == pl.col("decided_at").max().over(group))
    return latest.with_columns((1.0 / pl.len().over(group)).alias("share"))
