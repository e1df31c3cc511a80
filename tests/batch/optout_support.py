"""Builders of the offers and consent frames the opt-out economics read, by hand or generated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
UTC_US = pl.Datetime("us", "UTC")

OFFER_SCHEMA = pl.Schema(
    {
        "decision_id": pl.String,
        "customer_id": pl.String,
        "decided_at": UTC_US,
        "action_id": pl.String,
        "campaign": pl.String,
        "channel": pl.String,
        "purpose": pl.String,
        "segment": pl.String,
        "control": pl.String,
        "value": pl.Float64,
        "eroded_value": pl.Float64,
        "cost": pl.Float64,
        "responded": pl.Boolean,
        "contacts_30d": pl.Int64,
        "days_since_last": pl.Float64,
    }
)
CONSENT_SCHEMA = pl.Schema(
    {
        "customer_id": pl.String,
        "channel": pl.String,
        "purpose": pl.String,
        "occurred_at": UTC_US,
        "kind": pl.String,
        "source": pl.String,
        "value": pl.Float64,
    }
)


def day(days: float) -> datetime:
    """``T0`` plus ``days``."""
    return T0 + timedelta(days=days)


def offer(decision_id: str, customer_id: str, at: datetime, **fields: Any) -> dict[str, Any]:
    """One offer row: a treated SMS marketing offer of campaign ``c`` unless told otherwise."""
    row: dict[str, Any] = {
        "decision_id": decision_id,
        "customer_id": customer_id,
        "decided_at": at,
        "action_id": "a",
        "campaign": "c",
        "channel": "sms",
        "purpose": "marketing",
        "segment": "s",
        "control": None,
        "value": 10.0,
        "eroded_value": 100.0,
        "cost": 0.5,
        "responded": False,
        "contacts_30d": 0,
        "days_since_last": None,
    }
    row.update(fields)
    return row


def change(
    customer_id: str, at: datetime, kind: str = "withdrawn", **fields: Any
) -> dict[str, Any]:
    """One consent change: an SMS marketing withdrawal through an unsubscribe link by default."""
    row: dict[str, Any] = {
        "customer_id": customer_id,
        "channel": "sms",
        "purpose": "marketing",
        "occurred_at": at,
        "kind": kind,
        "source": "unsubscribe",
        "value": None,
    }
    row.update(fields)
    return row


def offers_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=OFFER_SCHEMA)


def consent_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=CONSENT_SCHEMA)


@dataclass(frozen=True)
class Campaign:
    """A campaign with known truths: rates with and without contact, values, cost."""

    name: str
    response_treated: float
    response_control: float
    optout_treated: float
    optout_control: float
    value: float
    eroded_value: float
    cost: float


def generate(
    campaign: Campaign, customers: int, *, control_share: float = 0.2, seed: int = 7
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One offer per customer over 20 days; responses and opt-outs drawn at the known rates.

    An opt-out comes 0-5 days after its offer (inside the default window), with the
    customer's L as its value.
    """
    rng = np.random.default_rng(seed)
    held = rng.random(customers) < control_share
    decided = [day(float(d)) for d in rng.uniform(0, 20, customers)]
    responded = rng.random(customers) < np.where(
        held, campaign.response_control, campaign.response_treated
    )
    opted_out = rng.random(customers) < np.where(
        held, campaign.optout_control, campaign.optout_treated
    )
    delays = rng.uniform(0, 5, customers)
    ids = [f"{campaign.name}-{n}" for n in range(customers)]
    offers = offers_frame(
        [
            offer(
                f"d-{ids[n]}",
                ids[n],
                decided[n],
                action_id=f"{campaign.name}-offer",
                campaign=campaign.name,
                control="action" if held[n] else None,
                value=campaign.value,
                eroded_value=campaign.eroded_value,
                cost=campaign.cost,
                responded=bool(responded[n]),
            )
            for n in range(customers)
        ]
    )
    consent = consent_frame(
        [
            change(
                ids[n], decided[n] + timedelta(days=float(delays[n])), value=campaign.eroded_value
            )
            for n in np.flatnonzero(opted_out)
        ]
    )
    return offers, consent
