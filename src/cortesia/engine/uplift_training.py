"""Uplift models trained on the workspace's own control groups.

For each action with enough offers sent and held back in the period, two models learn
from the customers' attributes what a contact changes: the response (positive outcome)
and the opt-out (attributed within the report's window). Each is scored on a held-out
share; the decision uses a model only when its Qini coefficient passes the catalog's bar
(``uplift_min_qini``). Models are kept as model snapshots (``uplift:<action>:<target>``)
with an index (``uplift-index``), so every process finds them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

from cortesia.batch.optout_attribution import offers_with_optouts
from cortesia.engine.decision_ports import ModelSnapshot
from cortesia.engine.ports import Clock, Store
from cortesia.engine.reports import ReportService
from cortesia.errors import ValidationError

INDEX = "uplift-index"
ACTION_FEATURE = "action_id"  # the action, a feature of its group's pooled model
TARGETS = ("response", "opt_out")


def snapshot_name(action_id: str, target: str) -> str:
    return f"uplift:{action_id}:{target}"


@dataclass(frozen=True, slots=True)
class UpliftTraining:
    """What to learn from: the days of decisions before ``until``, the learner, and the
    fewest offers per arm (sent, held back) and positives an action needs."""

    days: int = 90
    method: str = "x"
    min_arm: int = 100
    min_positives: int = 10
    seed: int = 42
    until: datetime | None = None

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValidationError("days", self.days, "must be at least 1")
        if self.min_arm < 10:
            raise ValidationError("min_arm", self.min_arm, "must be at least 10")


def train_uplift(
    store: Store, clock: Clock, reports: ReportService, plan: UpliftTraining
) -> dict[str, Any]:
    """Train every action, and every action group, that has the data; return what was
    trained and what was skipped and why."""
    end = plan.until or clock.now()
    period = reports.period(end - timedelta(days=plan.days), end)
    frames = reports.frames(period)
    offers = offers_with_optouts(
        frames.offers, frames.consent, window_days=period.window_days
    ).sort("decided_at", "customer_id", "action_id")  # not by decision id: those are random
    found: dict[str, list[dict[str, Any]]] = {"trained": [], "skipped": []}
    for (action_id,), rows in offers.partition_by(
        "action_id", as_dict=True, maintain_order=True
    ).items():
        _train(store, clock, rows, str(action_id), plan, found)
    # A group's model pools its actions (the action is one of its features): what an
    # action without enough data of its own falls back on.
    for (group,), rows in (
        offers.drop_nulls("group").partition_by("group", as_dict=True, maintain_order=True).items()
    ):
        _train(store, clock, rows, group_key(str(group)), plan, found)
    index = {t["model"]: _position(store, t["model"]) for t in found["trained"]}
    _save(store, clock, INDEX, json.dumps(index).encode())
    return {"period": period.as_dict(), **found}


def group_key(group: str) -> str:
    """The key of an action group's pooled models (``uplift:group=<group>:<target>``)."""
    return f"group={group}"


def _train(
    store: Store,
    clock: Clock,
    rows: pl.DataFrame,
    key: str,
    plan: UpliftTraining,
    found: dict[str, list[dict[str, Any]]],
) -> None:
    from cortesia.models.uplift.files import model_bytes  # scikit-learn: the learn extra
    from cortesia.models.uplift.model import fit_uplift_model

    columns = _features(store, rows["customer_id"].to_list())
    if key.startswith("group="):
        columns[ACTION_FEATURE] = rows["action_id"].to_numpy()
    treatment = rows["control"].is_null().to_numpy().astype(np.int64)
    outcomes = {
        "response": rows["responded"].to_numpy().astype(np.int64),
        "opt_out": (rows["opt_outs"] > 0).to_numpy().astype(np.int64),
    }
    for target, outcome in outcomes.items():
        why = _too_little(treatment, outcome, plan)
        if why is not None:
            found["skipped"].append({"action": key, "target": target, "reason": why})
            continue
        model = fit_uplift_model(
            columns, treatment, outcome, target=target, method=plan.method, seed=plan.seed
        )
        name = snapshot_name(key, target)
        _save(store, clock, name, model_bytes(model))
        holdout = model.metadata.holdout
        found["trained"].append(
            {
                "action": key,
                "target": target,
                "model": name,
                "rows": int(treatment.size),
                "holdout": None if holdout is None else holdout.as_dict(),
            }
        )


def _too_little(
    treatment: np.ndarray[Any, Any], outcome: np.ndarray[Any, Any], plan: UpliftTraining
) -> str | None:
    sent, held = int(treatment.sum()), int((treatment == 0).sum())
    if min(sent, held) < plan.min_arm:
        return f"{sent} sent and {held} held back; each arm needs {plan.min_arm}"
    positives = int(outcome.sum())
    if positives < plan.min_positives:
        return f"{positives} positive outcomes; needs {plan.min_positives}"
    return None


def _features(store: Store, customers: list[str]) -> dict[str, Any]:
    """The customers' attributes as columns (the same names a decision's variables use)."""
    rows: list[dict[str, object]] = []
    for customer_id in customers:
        customer = store.get_customer(customer_id)
        found = customer.attributes if customer is not None else {}
        # Plain scalars only: dates (birthdays, due dates) would be categories of one.
        rows.append({k: v for k, v in found.items() if isinstance(v, str | int | float)})
    frame = pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()
    return {name: frame[name].to_numpy() for name in frame.columns}


def _save(store: Store, clock: Clock, name: str, state: bytes) -> None:
    latest = store.latest_model_snapshot(name)
    position = 1 if latest is None else latest.position + 1
    store.save_model_snapshot(ModelSnapshot(name, position, clock.now(), state))


def _position(store: Store, name: str) -> int:
    latest = store.latest_model_snapshot(name)
    return 0 if latest is None else latest.position
