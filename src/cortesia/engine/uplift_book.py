"""The trained uplift models as the decision reads them.

``lift(action, target, env, bar)`` answers the model's uplift for this customer (the
change a contact makes to the response, or to the chance of an opt-out) when a model for
that action and target exists and its held-out Qini coefficient is above ``bar``; None
otherwise, and the decision keeps the propensity. Models are read from the store's
snapshots and re-read when retrained (the index is checked every ``refresh_seconds``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from cortesia.engine.ports import Store
from cortesia.engine.uplift_training import ACTION_FEATURE, INDEX, group_key, snapshot_name


class Lift(NamedTuple):
    """One model's answer: the uplift, the customer's quadrant (persuadable, sure thing,
    lost cause, sleeping dog), the model's held-out Qini, and which model."""

    uplift: float
    quadrant: str
    qini: float
    model: str

    def as_dict(self) -> dict[str, object]:
        return {
            "uplift": self.uplift,
            "quadrant": self.quadrant,
            "qini": self.qini,
            "model": self.model,
        }


class UpliftBook:
    """Uplift models by action and target, loaded on demand."""

    def __init__(self, store: Store, refresh_seconds: float = 1.0) -> None:
        self._store = store
        self._refresh = refresh_seconds
        self._read_at = float("-inf")
        self._index: dict[str, int] = {}
        self._models: dict[str, tuple[int, Any]] = {}  # name -> (position, UpliftModel)

    def lift(
        self,
        action_id: str,
        target: str,
        env: Mapping[str, object],
        bar: float,
        group: str | None = None,
    ) -> Lift | None:
        """The action's own model, else its group's pooled model (given the action as a
        feature), when it passes ``bar``; None otherwise."""
        self._maybe_refresh()
        found = self._qualified(snapshot_name(action_id, target), bar)
        features: Mapping[str, object] = env
        if found is None and group is not None:
            found = self._qualified(snapshot_name(group_key(group), target), bar)
            features = {**env, ACTION_FEATURE: action_id}
        if found is None:
            return None
        name, model = found
        # P(respond | contact) and P(respond | no contact), both within [0, 1]: the uplift
        # is their difference, the quadrant follows from the pair.
        treated, control = model.outcomes_rows([features])
        quadrant = str(model.quadrants(treated, control)[0])
        uplift = float(treated[0] - control[0])
        qini = float(model.metadata.holdout.qini_auc)
        return Lift(uplift, quadrant, qini, f"{name}@{self._index[name]}")

    def _qualified(self, name: str, bar: float) -> tuple[str, Any] | None:
        position = self._index.get(name)
        if position is None:
            return None
        model = self._model(name, position)
        holdout = model.metadata.holdout
        if holdout is None or not holdout.qini_auc > bar:
            return None
        return name, model

    @property
    def empty(self) -> bool:
        self._maybe_refresh()
        return not self._index

    def _model(self, name: str, position: int) -> Any:
        held = self._models.get(name)
        if held is not None and held[0] == position:
            return held[1]
        from cortesia.models.uplift.files import model_from_bytes  # the learn extra

        snapshot = self._store.latest_model_snapshot(name)
        if snapshot is None:
            raise LookupError(name)
        model = model_from_bytes(snapshot.state, Path(f"<store>/{name}"))
        self._models[name] = (snapshot.position, model)
        return model

    def _maybe_refresh(self) -> None:
        now = time.monotonic()
        if now - self._read_at < self._refresh:
            return
        self._read_at = now
        latest = self._store.latest_model_snapshot(INDEX)
        self._index = {} if latest is None else dict(json.loads(latest.state))
