"""The Pega-ADM-style baseline: naive Bayes over adaptively binned predictors.

Every predictor (a key of ``x``) is binned (``cortesia.models.binning``): numeric ones in
equal-frequency intervals, symbolic ones by value with a residual bin. Each bin counts
the positive and negative outcomes it saw, and its log-odds follow from the counts. The
model's score for a customer is Pega's average of the active predictors' log-odds,

    score = Σ log-odds(bin of x_j) / (1 + number of active predictors)

and a predictor is *active* when its own AUC (its *performance*, the importance shown
by ``predictors()``) reaches ``min_predictor_auc``. Bins and active predictors are
rebuilt whenever the evidence doubles from ``grace`` outcomes on, and at least every
``rebuild_every`` outcomes.

Pega maps the score to a propensity through its classifier bins; here a two-weight
online Bayesian logistic regression (Platt scaling, ``BayesianLogistic``) learns that
map from the score each outcome had *before* it was learned, which keeps it honest,
monotone and uncertain when evidence is thin: ``proba_interval`` and
``sample_proba_one`` come from it. ``auc`` is the model's progressive AUC: every
outcome ranked by the propensity the model gave before learning it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cortesia.errors import ValidationError
from cortesia.models.base import Batch, Features, as_columns, is_missing, is_numeric
from cortesia.models.binning import (
    Bin,
    NumericBinning,
    SymbolicBinning,
    auc_from_counts,
    bin_log_odds,
)
from cortesia.models.logistic import BayesianLogistic

Binning = NumericBinning | SymbolicBinning

_SCORE = "score"
_AUC_BUCKETS = 2000  # progressive AUC from propensities bucketed on the log-odds scale


@dataclass(frozen=True, slots=True)
class PredictorReport:
    """One predictor as an analyst inspects it: kind, importance, bins."""

    name: str
    kind: str
    auc: float
    active: bool
    bins: list[Bin]


class AdaptiveNaiveBayes:
    """Naive Bayes over adaptively binned predictors, after Pega's ADM.

    Parameters
    ----------
    max_bins
        At most this many bins per numeric predictor (besides MISSING).
    min_bin_evidence
        Outcomes per numeric bin, and outcomes a symbolic value needs for its own bin.
    min_predictor_auc
        A predictor takes part in the score once its AUC reaches this.
    grace
        Outcomes before the first binning; bins are rebuilt each time evidence doubles,
        and at least every ``rebuild_every`` outcomes.
    rebuild_every
        The longest run of outcomes between two rebuilds.
    prior_rate
        The propensity before any evidence (the cold start of a new action).
    prior_variance
        Prior variance of the score-to-propensity calibration weights.
    seed
        Seeds the generator ``sample_proba_one`` uses when given none.

    Examples
    --------
    >>> model = AdaptiveNaiveBayes(grace=20, min_bin_evidence=10)
    >>> for i in range(400):
    ...     model.learn_one({"age": i % 80, "plan": "gold" if i % 3 else "basic"}, i % 80 > 50)
    >>> model.predict_proba_one({"age": 70}) > 0.8 > 0.2 > model.predict_proba_one({"age": 10})
    True
    >>> [(p.name, p.active) for p in model.predictors()]
    [('age', True), ('plan', False)]
    >>> round(model.auc, 2)
    0.98
    """

    def __init__(
        self,
        *,
        max_bins: int = 20,
        min_bin_evidence: int = 50,
        min_predictor_auc: float = 0.52,
        grace: int = 100,
        rebuild_every: int = 1000,
        prior_rate: float = 0.5,
        prior_variance: float = 1.0,
        seed: int = 0,
    ) -> None:
        for name, value in (("max_bins", max_bins), ("min_bin_evidence", min_bin_evidence)):
            if value < 1:
                raise ValidationError(name, value, "must be at least 1")
        for name, value in (("grace", grace), ("rebuild_every", rebuild_every)):
            if value < 1:
                raise ValidationError(name, value, "must be at least 1")
        self.max_bins = max_bins
        self.min_bin_evidence = min_bin_evidence
        self.min_predictor_auc = min_predictor_auc
        self.grace = grace
        self.rebuild_every = rebuild_every
        self.prior_rate = prior_rate
        self.prior_variance = prior_variance
        self.seed = seed
        self._predictors: dict[str, Binning] = {}
        self._active: list[str] = []
        self._calibration = BayesianLogistic(prior_variance, prior_rate=prior_rate, seed=seed)
        self._auc_pos = [0] * _AUC_BUCKETS
        self._auc_neg = [0] * _AUC_BUCKETS
        self._n = 0
        self._positives = 0
        self._next_rebuild = grace

    @property
    def n_seen(self) -> int:
        """How many outcomes the model has learned from."""
        return self._n

    @property
    def positives(self) -> int:
        """How many of them were positive."""
        return self._positives

    @property
    def auc(self) -> float:
        """Progressive AUC: outcomes ranked by the propensity given before learning them."""
        return auc_from_counts(self._auc_pos, self._auc_neg, ordered=True)

    def predictors(self) -> list[PredictorReport]:
        """Every predictor with its kind, AUC (importance), activity and bins."""
        return [
            PredictorReport(
                name, binning.kind, _predictor_auc(binning), name in self._active, binning.bins()
            )
            for name, binning in sorted(self._predictors.items())
        ]

    def learn_one(self, x: Features, y: bool) -> None:
        """Count one outcome in the bins of ``x``, after scoring it for calibration."""
        for name, value in x.items():
            if name not in self._predictors and not is_missing(value):
                self._predictors[name] = self._new_binning(value)
        score = self._score(x)
        before = self._calibration.predict_proba_one({_SCORE: score})
        (self._auc_pos if y else self._auc_neg)[_auc_bucket(before)] += 1
        self._calibration.learn_one({_SCORE: score}, y)
        for name, binning in self._predictors.items():
            binning.learn(x.get(name), y)
        self._n += 1
        self._positives += int(y)
        if self._n >= self._next_rebuild:
            self._rebuild()

    def predict_proba_one(self, x: Features) -> float:
        """P(y = True | x): the calibrated naive-Bayes score."""
        return self._calibration.predict_proba_one({_SCORE: self._score(x)})

    def proba_interval(self, x: Features, level: float = 0.9) -> tuple[float, float]:
        """A credible interval of P(y = True | x) from the calibration's posterior."""
        return self._calibration.proba_interval({_SCORE: self._score(x)}, level)

    def sample_proba_one(self, x: Features, rng: np.random.Generator | None = None) -> float:
        """A posterior draw of P(y = True | x) (Thompson sampling)."""
        return self._calibration.sample_proba_one({_SCORE: self._score(x)}, rng)

    def predict_proba_many(self, batch: Batch) -> NDArray[np.float64]:
        """``predict_proba_one`` for every row of ``batch`` (rows or columns)."""
        columns, n = as_columns(batch)
        score = np.zeros(n)
        for name in self._active:
            binning = self._predictors[name]
            table = np.array(self._log_odds_table(binning))
            column = columns.get(name)
            if column is None:
                score += table[-1]
            else:
                score += table[binning.indices(column)]
        score /= 1 + len(self._active)
        return self._calibration.predict_proba_many({_SCORE: score})

    def _score(self, x: Features) -> float:
        score = 0.0
        for name in self._active:
            binning = self._predictors[name]
            pos, neg = binning.counts()
            i = binning.index(x.get(name))
            score += bin_log_odds(pos[i], neg[i], sum(pos), sum(neg), len(pos))
        return score / (1 + len(self._active))

    def _log_odds_table(self, binning: Binning) -> list[float]:
        pos, neg = binning.counts()
        total_pos, total_neg = sum(pos), sum(neg)
        return [
            bin_log_odds(p, q, total_pos, total_neg, len(pos))
            for p, q in zip(pos, neg, strict=True)
        ]

    def _new_binning(self, value: object) -> Binning:
        if is_numeric(value):
            return NumericBinning(max_bins=self.max_bins, min_bin_evidence=self.min_bin_evidence)
        return SymbolicBinning(min_bin_evidence=self.min_bin_evidence)

    def _rebuild(self) -> None:
        for binning in self._predictors.values():
            binning.rebuild()
        self._active = [
            name
            for name, binning in self._predictors.items()
            if _predictor_auc(binning) >= self.min_predictor_auc
        ]
        self._next_rebuild = self._n + min(self._n, self.rebuild_every)


def _predictor_auc(binning: Binning) -> float:
    pos, neg = binning.counts()
    return auc_from_counts(pos, neg)


def _auc_bucket(p: float) -> int:
    logit = math.log(p / (1.0 - p)) if 0.0 < p < 1.0 else (-10.0 if p <= 0 else 10.0)
    return min(_AUC_BUCKETS - 1, max(0, int((logit + 10.0) * _AUC_BUCKETS / 20.0)))
