"""A fitted uplift model: the encoder, the learner and what it was fitted on, in one object.

:func:`fit_uplift_model` holds out a stratified share of the data (``holdout``), fits on
the rest and records the held-out Qini coefficient, AUUC and uplift@30 % in the model's
metadata: the figures a decision checks before it trusts the model over the propensity.
The same object scores a file's columns (``predict_columns``) and one customer's mapping
of attributes on the real-time path (``predict_rows``), with the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cortesia.errors import ValidationError
from cortesia.models.uplift.encoding import ColumnEncoder
from cortesia.models.uplift.learners import LEARNERS, UpliftLearner, make_learner
from cortesia.models.uplift.metrics import UpliftScores, uplift_scores
from cortesia.models.uplift.quadrants import QuadrantThresholds, quadrants, thresholds_for

Floats = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class UpliftMetadata:
    """What a model is, what it was fitted on, and how well it ranked held-out customers."""

    method: str
    target: str
    features: tuple[str, ...]
    categorical: tuple[str, ...]
    seed: int
    train_rows: int
    train_treated: int
    train_control: int
    control_rate: float
    thresholds: QuadrantThresholds
    treatment_col: str | None = None
    treatment_value: str | None = None
    control_value: str | None = None
    holdout: UpliftScores | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, as stored in a model file's header."""
        document = asdict(self)
        document["features"] = list(self.features)
        document["categorical"] = list(self.categorical)
        return document

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> UpliftMetadata:
        """The metadata from its JSON form."""
        values = dict(document)
        values["features"] = tuple(values["features"])
        values["categorical"] = tuple(values["categorical"])
        values["thresholds"] = QuadrantThresholds(**values["thresholds"])
        if values.get("holdout") is not None:
            values["holdout"] = UpliftScores(**values["holdout"])
        return cls(**values)


class UpliftModel:
    """Encoder + learner + metadata; scores columns or rows, saves to one checked file."""

    def __init__(
        self, encoder: ColumnEncoder, learner: UpliftLearner, metadata: UpliftMetadata
    ) -> None:
        self.encoder = encoder
        self.learner = learner
        self.metadata = metadata

    def predict_columns(self, columns: Mapping[str, ArrayLike]) -> Floats:
        """The uplift of every customer of a file's columns (feature → array)."""
        return self.learner.predict(self.encoder.transform_columns(columns))

    def predict_rows(self, rows: Sequence[Mapping[str, object]]) -> Floats:
        """The uplift of customers given as attribute mappings (the real-time path)."""
        return self.learner.predict(self.encoder.transform_rows(rows))

    def outcomes_columns(self, columns: Mapping[str, ArrayLike]) -> tuple[Floats, Floats]:
        """(P(respond | treated), P(respond | control)) for a file's columns."""
        return self.learner.predict_outcomes(self.encoder.transform_columns(columns))

    def outcomes_rows(self, rows: Sequence[Mapping[str, object]]) -> tuple[Floats, Floats]:
        """(P(respond | treated), P(respond | control)) for attribute mappings."""
        return self.learner.predict_outcomes(self.encoder.transform_rows(rows))

    def quadrants(self, p_treated: ArrayLike, p_control: ArrayLike) -> NDArray[np.str_]:
        """Each customer's quadrant under this model's own thresholds."""
        return quadrants(p_treated, p_control, self.metadata.thresholds)

    def evaluate(
        self, columns: Mapping[str, ArrayLike], treatment: ArrayLike, outcome: ArrayLike
    ) -> UpliftScores:
        """Qini coefficient, AUUC and uplift@30 % of this model's ranking of ``columns``."""
        return uplift_scores(outcome, self.predict_columns(columns), treatment)

    def save(self, path: Path) -> None:
        """Write the model to ``path`` (see :mod:`cortesia.models.uplift.files`)."""
        from cortesia.models.uplift.files import save_model

        save_model(self, path)

    @classmethod
    def load(cls, path: Path) -> UpliftModel:
        """Read a model written by ``save``; a damaged or foreign file is refused."""
        from cortesia.models.uplift.files import load_model

        return load_model(path)


def stratified_split(
    treatment: ArrayLike, outcome: ArrayLike, share: float, seed: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(fit rows, held-out rows): ``share`` of each treatment × outcome cell held out.

    Examples
    --------
    >>> fit, held = stratified_split([0, 1] * 50, [0] * 60 + [1] * 40, 0.3, seed=1)
    >>> len(fit), len(held), len(set(fit) | set(held))
    (70, 30, 100)
    """
    t, y = np.asarray(treatment), np.asarray(outcome)
    rng = np.random.default_rng(seed)
    held: list[NDArray[np.int64]] = []
    for cell in sorted(set(zip(t.tolist(), y.tolist(), strict=True))):
        rows = np.flatnonzero((t == cell[0]) & (y == cell[1]))
        held.append(rng.permutation(rows)[: round(len(rows) * share)])
    held_rows = np.sort(np.concatenate(held))
    return np.setdiff1d(np.arange(len(t)), held_rows), held_rows


def _subset(columns: Mapping[str, ArrayLike], rows: NDArray[np.int64]) -> dict[str, Any]:
    return {name: np.asarray(values)[rows] for name, values in columns.items()}


def fit_uplift_model(
    columns: Mapping[str, ArrayLike],
    treatment: ArrayLike,
    outcome: ArrayLike,
    *,
    target: str,
    method: str = "x",
    seed: int = 42,
    holdout: float = 0.3,
    categorical: Iterable[str] | None = None,
    treatment_col: str | None = None,
    treatment_value: str | None = None,
    control_value: str | None = None,
) -> UpliftModel:
    """Fit an uplift model; with ``holdout`` > 0, score it on that held-out share first.

    ``categorical`` names the categorical features (default: the text columns). The
    treatment column and its two values are kept in the metadata, so that evaluating
    again needs no column options.
    """
    if method not in LEARNERS:
        raise ValidationError("method", method, f"use one of {', '.join(LEARNERS)}")
    if not 0 <= holdout < 1:
        raise ValidationError("holdout", holdout, "must lie in [0, 1)")
    t, y = np.asarray(treatment).astype(np.int64), np.asarray(outcome).astype(np.int64)
    fit_rows, held_rows = stratified_split(t, y, holdout, seed)
    train = _subset(columns, fit_rows)
    encoder = ColumnEncoder().fit(train, categorical)
    learner = make_learner(method, seed=seed, categorical=encoder.categorical_mask_)
    learner.fit(encoder.transform_columns(train), y[fit_rows], treatment=t[fit_rows])
    control_rate = float(y[fit_rows][t[fit_rows] == 0].mean())
    metadata = UpliftMetadata(
        method=method,
        target=target,
        features=encoder.features_,
        categorical=encoder.categorical_,
        seed=seed,
        train_rows=len(fit_rows),
        train_treated=int(t[fit_rows].sum()),
        train_control=int((1 - t[fit_rows]).sum()),
        control_rate=control_rate,
        thresholds=thresholds_for(control_rate),
        treatment_col=treatment_col,
        treatment_value=treatment_value,
        control_value=control_value,
    )
    model = UpliftModel(encoder, learner, metadata)
    if len(held_rows):
        scores = model.evaluate(_subset(columns, held_rows), t[held_rows], y[held_rows])
        model.metadata = replace(metadata, holdout=scores)
    return model
