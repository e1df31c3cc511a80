"""Lifetime values: fit the models, keep each customer's residual value, and say what of
it an opt-out puts at risk (L).

- **Contractual** customers (postpaid, subscriptions): the shifted-beta-geometric model on
  a subscriber file (tenure in periods, churned flag, margin per period). An active
  customer's residual value is margin × DERL, the discounted expected residual lifetime
  in periods (Fader & Hardie); a churned customer has none.
- **Non-contractual** customers (prepaid, retail): BG/NBD and Gamma-Gamma on a transaction
  log, over a horizon of periods. Their expected periods are P(alive) × the discounted
  count of the horizon's periods.

A fit replaces the values of the customers it scored and is saved, with its parameters,
as the model snapshot ``clv`` (``cortesia clv show``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from cortesia.batch.clv_frames import read_subscribers, read_transactions, rfm_summary
from cortesia.domain.vocabulary import MARKETING, Channel
from cortesia.engine.catalog import CatalogService
from cortesia.engine.decision_ports import ModelSnapshot
from cortesia.engine.eroded_value import LifetimeErodedValue
from cortesia.engine.ports import Clock, Store
from cortesia.engine.value_ports import CustomerValue
from cortesia.errors import NotFoundError, ValidationError
from cortesia.models.clv import customer_lifetime_value, fit_bgnbd, fit_gamma_gamma, fit_sbg

SNAPSHOT = "clv"
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True, slots=True)
class SubscriberColumns:
    customer: str = "customer_id"
    tenure: str = "tenure"
    churned: str = "churned"
    margin: str = "margin"


@dataclass(frozen=True, slots=True)
class TransactionColumns:
    customer: str = "customer_id"
    date: str = "date"
    amount: str = "amount"
    date_format: str = "%Y-%m-%d"
    separator: str = ","


@dataclass(frozen=True, slots=True)
class ValueTerms:
    """How value is counted: discount per period, the period's length, the horizon."""

    discount_rate: float = 0.01  # per period: 1 % a month is about 12.7 % a year
    period_days: float = DAYS_PER_MONTH
    horizon: int | None = None  # periods; None: the whole residual life (sBG only)
    margin_share: float = 1.0  # of a transaction's amount (BG/NBD and Gamma-Gamma)

    def __post_init__(self) -> None:
        if not 0.0 <= self.discount_rate < 1.0:
            raise ValidationError("discount", self.discount_rate, "must be from 0 to below 1")
        if self.period_days <= 0:
            raise ValidationError("period_days", self.period_days, "must be above 0")
        if self.horizon is not None and self.horizon < 1:
            raise ValidationError("horizon", self.horizon, "must be at least 1 period")
        if not 0.0 < self.margin_share <= 1.0:
            raise ValidationError("margin_share", self.margin_share, "must be above 0, at most 1")


class ValueService:
    """Fit lifetime-value models and read customers' values."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def fit_subscribers(
        self, path: Path, columns: SubscriberColumns, terms: ValueTerms
    ) -> dict[str, Any]:
        """sBG on a subscriber file; every active customer's residual value."""
        frame = read_subscribers(
            path,
            customer_col=columns.customer,
            tenure_col=columns.tenure,
            churned_col=columns.churned,
            margin_col=columns.margin,
        )
        model = fit_sbg(frame["tenure"].to_numpy(), frame["churned"].to_numpy())
        active = frame.filter(~frame["churned"])
        tenure = active["tenure"].to_numpy()
        periods = model.derl(terms.discount_rate, tenure, terms.horizon)
        residual = active["margin"].to_numpy() * periods
        return self._save(
            "sbg",
            model.to_dict(),
            active["customer"].to_list(),
            residual,
            periods,
            terms,
            len(frame),
        )

    def fit_transactions(
        self,
        path: Path,
        columns: TransactionColumns,
        terms: ValueTerms,
        end: date,
        unit_days: int = 7,
    ) -> dict[str, Any]:
        """BG/NBD and Gamma-Gamma on a transaction log, over ``terms.horizon`` periods."""
        horizon = terms.horizon or 12
        log = read_transactions(
            path,
            customer_col=columns.customer,
            date_col=columns.date,
            amount_col=columns.amount,
            date_format=columns.date_format,
            separator=columns.separator,
        )
        rfm = rfm_summary(log, observation_end=end, unit="weeks" if unit_days == 7 else "days")
        x, t_x, t_obs = (rfm[c].to_numpy() for c in ("x", "t_x", "T"))
        purchases = fit_bgnbd(x, t_x, t_obs)
        buyers = rfm.filter((rfm["x"] > 0) & (rfm["monetary"] > 0))
        spend = fit_gamma_gamma(buyers["x"].to_numpy(), buyers["monetary"].to_numpy())
        period = terms.period_days / unit_days
        residual = customer_lifetime_value(
            purchases,
            spend,
            (x, t_x, t_obs, rfm["monetary"].to_numpy()),
            horizon=horizon,
            discount_rate=terms.discount_rate,
            period=period,
            margin=terms.margin_share,
        )
        alive = purchases.probability_alive(x, t_x, t_obs)
        discounted = sum((1 + terms.discount_rate) ** -k for k in range(1, horizon + 1))
        params = {"purchases": purchases.to_dict(), "spend": spend.to_dict()}
        ids = rfm["customer"].to_list()
        return self._save("bgnbd", params, ids, residual, alive * discounted, terms, len(rfm))

    def _save(
        self,
        kind: str,
        params: dict[str, Any],
        customers: list[str],
        residual: np.ndarray[Any, Any],
        periods: np.ndarray[Any, Any],
        terms: ValueTerms,
        fitted_on: int,
    ) -> dict[str, Any]:
        now = self._clock.now()
        latest = self._store.latest_model_snapshot(SNAPSHOT)
        version = 1 if latest is None else latest.position + 1
        label = f"{kind}@{version}"
        values = [
            CustomerValue(c, float(v), float(p), terms.period_days, label, now)
            for c, v, p in zip(customers, residual, periods, strict=True)
        ]
        saved = self._store.save_customer_values(values)
        summary = {
            "model": kind,
            "version": version,
            "fitted_at": now.isoformat(),
            "parameters": params,
            "terms": {
                "discount_rate": terms.discount_rate,
                "period_days": terms.period_days,
                "horizon": terms.horizon,
                "margin_share": terms.margin_share,
            },
            "customers_fitted": fitted_on,
            "customers_valued": saved,
            "residual_value": _spread(residual),
        }
        state = json.dumps(summary).encode()
        self._store.save_model_snapshot(ModelSnapshot(SNAPSHOT, version, now, state))
        return summary

    def summary(self) -> dict[str, Any]:
        """The latest fit: model, parameters, terms and the spread of values."""
        latest = self._store.latest_model_snapshot(SNAPSHOT)
        if latest is None:
            raise NotFoundError("lifetime-value model", SNAPSHOT)
        found: dict[str, Any] = json.loads(latest.state)
        found["customers_with_value"] = self._store.count_customer_values()
        return found

    def of_customer(self, customer_id: str) -> CustomerValue:
        """The customer's value; NotFoundError when no fit valued them."""
        found = self._store.customer_value(customer_id)
        if found is None:
            raise NotFoundError("customer value", customer_id)
        return found


def _spread(values: np.ndarray[Any, Any]) -> dict[str, float]:
    if values.size == 0:
        return {"count": 0}
    quartiles = np.percentile(values, [25, 50, 75])
    return {
        "count": int(values.size),
        "mean": float(values.mean()),
        "p25": float(quartiles[0]),
        "median": float(quartiles[1]),
        "p75": float(quartiles[2]),
        "total": float(values.sum()),
    }


def value_view(value: CustomerValue) -> dict[str, object]:
    """A customer's value as the CLI and the API show it."""
    return {
        "customer": value.customer_id,
        "residual_value": value.residual_value,
        "expected_periods": value.expected_periods,
        "period_days": value.period_days,
        "expected_days": value.expected_periods * value.period_days,
        "model": value.model,
        "fitted_at": value.fitted_at.isoformat(),
    }


def customer_value_view(engine_parts: ValueParts, customer_id: str) -> dict[str, object]:
    """The customer's value and, per channel, the L of a marketing opt-out there."""
    value = engine_parts.values.of_customer(customer_id)
    found = value_view(value)
    customer = engine_parts.store.get_customer(customer_id)
    env: dict[str, object] = dict(customer.attributes) if customer is not None else {}
    env.update(engine_parts.eroded.customer_env(customer_id))
    try:
        economics = engine_parts.catalog.current().economics
    except NotFoundError:
        return found
    found["eroded_value"] = {
        channel.value: engine_parts.eroded.eroded_value(env, channel, MARKETING, economics)
        for channel in Channel
        if channel is not Channel.ALL
    }
    found["eroded_source"] = {
        channel.value: engine_parts.eroded.source(env, channel, economics.eroded_value_attribute)
        for channel in Channel
        if channel is not Channel.ALL
    }
    return found


@dataclass(frozen=True, slots=True)
class ValueParts:
    """What a customer's value view reads."""

    store: Store
    values: ValueService
    eroded: LifetimeErodedValue
    catalog: CatalogService
