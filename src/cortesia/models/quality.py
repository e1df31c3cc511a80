"""How good a model is, measured as it learns: progressive AUC, calibration, evidence.

Each outcome is scored *before* the model learns from it (test-then-train), so the figures
say how the model did on what it had not seen. Scores fall into 100 bins of probability;
the AUC counts pairs across bins (ties within a bin as half), the calibration error (ECE)
compares each bin's mean prediction with its observed rate.

Examples
--------
>>> quality = RunningQuality()
>>> for p, y in [(0.9, True), (0.8, True), (0.3, False), (0.2, False), (0.7, False)]:
...     quality.add(p, y)
>>> quality.n, quality.positives, round(quality.auc, 3)
(5, 2, 1.0)
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

BINS = 100
# A model this close to a coin toss after this much evidence is flagged.
CHANCE_MARGIN = 0.02
CHANCE_EVIDENCE = 200


class RunningQuality:
    """Progressive AUC, calibration error and evidence of one model."""

    def __init__(self) -> None:
        # Plain lists: one outcome adds to one bin, which a Python list does faster than
        # an array; the figures are computed on arrays when asked.
        self._positive = [0] * BINS
        self._negative = [0] * BINS
        self._predicted = [0.0] * BINS
        self._n = 0
        self._positives = 0
        self.last_update: datetime | None = None

    def add(self, predicted: float, outcome: bool, at: datetime | None = None) -> None:
        """Count one outcome with the probability the model gave it before learning it."""
        index = min(int(predicted * BINS), BINS - 1) if predicted > 0 else 0
        if outcome:
            self._positive[index] += 1
            self._positives += 1
        else:
            self._negative[index] += 1
        self._n += 1
        self._predicted[index] += predicted
        if at is not None:
            self.last_update = at

    @property
    def n(self) -> int:
        return self._n

    @property
    def positives(self) -> int:
        return self._positives

    @property
    def auc(self) -> float:
        """P(a positive scores above a negative); 0.5 until both kinds were seen."""
        positives, negatives = self._positives, self._n - self._positives
        if positives == 0 or negatives == 0:
            return 0.5
        positive, negative = np.array(self._positive), np.array(self._negative)
        below = np.concatenate(([0], np.cumsum(negative)[:-1]))
        pairs = (positive * below).sum() + 0.5 * (positive * negative).sum()
        return float(pairs / (positives * negatives))

    @property
    def calibration_error(self) -> float:
        """Expected calibration error: |mean prediction − observed rate| weighted by bin."""
        positive = np.array(self._positive)
        counts = positive + np.array(self._negative)
        total = counts.sum()
        if total == 0:
            return 0.0
        seen = counts > 0
        gap = np.abs(np.array(self._predicted)[seen] - positive[seen]) / counts[seen]
        return float((gap * counts[seen]).sum() / total)

    @property
    def near_chance(self) -> bool:
        """True when, with enough evidence, the model ranks no better than a coin."""
        return self.n >= CHANCE_EVIDENCE and abs(self.auc - 0.5) < CHANCE_MARGIN

    def as_dict(self) -> dict[str, object]:
        return {
            "auc": round(self.auc, 4),
            "calibration_error": round(self.calibration_error, 4),
            "evidence": self.n,
            "positives": self.positives,
            "last_update": self.last_update.isoformat() if self.last_update else None,
            "flag": "no better than chance" if self.near_chance else None,
        }
