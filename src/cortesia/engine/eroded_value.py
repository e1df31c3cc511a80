"""L from lifetime values: the part of a customer's residual value an opt-out stops.

Being contactable on a channel is worth, per day, what the contacts there add over not
contacting (measured on the control groups, per segment and channel:
``batch.contact_dependence``). Over the customer's expected remaining life that is

    L = min(residual value, value of contactability per day × expected remaining days)

A customer without a lifetime value, or a segment and channel not yet measured, falls
back on the catalog's estimate per segment (``SegmentErodedValue``), never above the
customer's residual value when that is known. The decision records which was used.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from cortesia.batch.contact_dependence import contact_value_per_day
from cortesia.domain.catalog import Economics
from cortesia.domain.vocabulary import Channel
from cortesia.engine.decision_ports import ModelSnapshot
from cortesia.engine.ports import Clock, Store
from cortesia.engine.reports import ReportService
from cortesia.engine.scoring import SegmentErodedValue
from cortesia.engine.value_ports import LIFETIME_DAYS, LIFETIME_VALUE

DEPENDENCE = "clv-dependence"
VALUE, DAYS = LIFETIME_VALUE, LIFETIME_DAYS


class LifetimeErodedValue:
    """L from each customer's residual value and the measured value of contactability."""

    def __init__(self, store: Store, refresh_seconds: float = 1.0) -> None:
        self._store = store
        self._refresh = refresh_seconds
        self._read_at = float("-inf")
        self._per_day: dict[tuple[str, str], float] = {}
        self._has_values = False
        self._fallback = SegmentErodedValue()

    def customer_env(self, customer_id: str) -> Mapping[str, object]:
        self._maybe_refresh()
        if not self._has_values:  # no fit yet: no read on the decision path
            return {}
        found = self._store.customer_value(customer_id)
        if found is None:
            return {}
        return {VALUE: found.residual_value, DAYS: found.expected_periods * found.period_days}

    def eroded_value(
        self, env: Mapping[str, object], channel: Channel, purpose: str, economics: Economics
    ) -> float:
        catalog = self._fallback.eroded_value(env, channel, purpose, economics)
        residual, days = env.get(VALUE), env.get(DAYS)
        if not isinstance(residual, float) or not isinstance(days, float):
            return catalog
        segment = env.get(economics.eroded_value_attribute)
        per_day = self._per_day.get((str(segment) if segment else "unknown", channel.value))
        if per_day is None:
            return min(catalog, residual)
        return min(residual, per_day * days)

    def source(self, env: Mapping[str, object], channel: Channel, attribute: str) -> str:
        """Which estimate ``eroded_value`` used: lifetime, capped catalog, or catalog."""
        if not isinstance(env.get(VALUE), float):
            return "catalog"
        segment = env.get(attribute)
        key = (str(segment) if segment else "unknown", channel.value)
        return "lifetime" if key in self._per_day else "catalog capped by lifetime value"

    def _maybe_refresh(self) -> None:
        now = time.monotonic()
        if now - self._read_at < self._refresh:
            return
        self._read_at = now
        self._has_values = self._store.count_customer_values() > 0
        latest = self._store.latest_model_snapshot(DEPENDENCE)
        if latest is not None:
            table = json.loads(latest.state)["per_day"]
            self._per_day = {_key(k): float(v) for k, v in table.items()}


def measure_dependence(
    store: Store,
    clock: Clock,
    reports: ReportService,
    days: int = 90,
    min_control: int = 30,
    until: datetime | None = None,
) -> dict[str, Any]:
    """Measure the value of contactability per segment and channel on the ``days`` of
    decisions before ``until`` (now) and save it for every process (snapshot
    ``clv-dependence``)."""
    end = until or clock.now()
    period = reports.period(end - timedelta(days=days), end)
    offers = reports.frames(period).offers
    per_day = contact_value_per_day(offers, days=days, min_control=min_control)
    table = {f"{segment}|{channel}": value for (segment, channel), value in per_day.items()}
    latest = store.latest_model_snapshot(DEPENDENCE)
    position = 1 if latest is None else latest.position + 1
    found = {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "days": days,
        "min_control": min_control,
        "per_day": table,
    }
    store.save_model_snapshot(
        ModelSnapshot(DEPENDENCE, position, clock.now(), json.dumps(found).encode())
    )
    return found


def _key(text: str) -> tuple[str, str]:
    segment, _, channel = text.partition("|")
    return segment, channel
