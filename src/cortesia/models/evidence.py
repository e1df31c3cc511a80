"""The binned evidence of a model that does not score by bins, kept as Pega's ADM shows it.

A Bayesian logistic model reads a predictor through one weight; Pega's ADM, and the
analysts who use it, read it through bins: intervals or values, each with the positive
and negative outcomes it saw, and the predictor's AUC over those bins (its
*performance*). ``BinnedEvidence`` keeps that evidence beside such a model, fed the same
outcomes, so it can be inspected and exported as ADM models are
(``cortesia.models.adm_export``). It never changes the model's scores.

Its predictors are binned by ``cortesia.models.binning`` (a streaming histogram per
numeric predictor, counts per value for symbolic ones). Learning only counts; the bins
are cut when they are read, from all the evidence so far, on a copy, so learning stays
cheap and reading changes nothing. It also keeps the model's score distribution: each
outcome counted at the propensity the model gave *before* learning it, in buckets of
logit(propensity) over [-10, 10) (the classifier rows of the export).
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cortesia.errors import ValidationError
from cortesia.models.adm import PredictorReport
from cortesia.models.base import Features, is_missing, is_numeric
from cortesia.models.binning import (
    Bin,
    NumericBinning,
    SymbolicBinning,
    auc_from_counts,
    bin_log_odds,
)

Binning = NumericBinning | SymbolicBinning

LOGIT_SPAN = 10.0  # score histograms cover logit(propensity) in [-10, 10)
SCORE_BUCKETS = 400  # 0.05 on the logit scale: ample for at most a few dozen classifier bins


@dataclass(frozen=True, slots=True)
class ScoreBin:
    """One interval of propensity with the outcomes scored in it."""

    lower: float
    upper: float
    positives: int
    negatives: int


def logit_bucket(p: float, buckets: int) -> int:
    """The bucket of propensity ``p`` among ``buckets`` equal steps of logit over [-10, 10).

    Examples
    --------
    >>> logit_bucket(0.5, 400), logit_bucket(0.0, 400), logit_bucket(1.0, 400)
    (200, 0, 399)
    """
    if not 0.0 < p < 1.0:
        return 0 if p <= 0 else buckets - 1
    logit = math.log(p / (1.0 - p))
    return min(buckets - 1, max(0, int((logit + LOGIT_SPAN) * buckets / (2 * LOGIT_SPAN))))


def score_bins(positives: Sequence[int], negatives: Sequence[int]) -> list[ScoreBin]:
    """The non-empty buckets of a logit histogram, as propensity intervals, lowest first.

    Examples
    --------
    >>> found = score_bins([0, 3, 0, 1], [0, 2, 0, 0])
    >>> [(round(b.lower, 4), round(b.upper, 4), b.positives, b.negatives) for b in found]
    [(0.0067, 0.5, 3, 2), (0.9933, 1.0, 1, 0)]
    """
    buckets = len(positives)
    width = 2 * LOGIT_SPAN / buckets
    return [
        ScoreBin(_sigmoid(i * width - LOGIT_SPAN), _sigmoid((i + 1) * width - LOGIT_SPAN), p, q)
        for i, (p, q) in enumerate(zip(positives, negatives, strict=True))
        if p or q
    ]


def _as_number(value: object) -> float | None:
    """A numeric predictor's value: text where numbers were seen is unreadable, so missing."""
    kind = type(value)
    if kind is float or kind is int:
        return None if value != value else float(value)  # type: ignore[arg-type]
    if is_missing(value) or not is_numeric(value):
        return None
    return float(value)


def _as_symbol(value: object) -> str | None:
    return None if is_missing(value) else str(value)


def _sigmoid(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-logit))


@dataclass(frozen=True, slots=True)
class ModelEvidence:
    """What a model's datamart rows show.

    ``performance`` is the model's AUC on the 0–1 scale; ``score_bins`` its score
    distribution (propensity intervals, lowest first) for the classifier rows.
    """

    technique: str
    positives: int
    responses: int
    performance: float
    predictors: list[PredictorReport]
    score_bins: list[ScoreBin]


class BinnedEvidence:
    """Per predictor, bins with their positives and negatives; and the score histogram.

    Parameters
    ----------
    max_bins
        At most this many bins per numeric predictor (besides MISSING).
    min_bin_evidence
        Outcomes per numeric bin, and outcomes a symbolic value needs for its own bin.
    min_predictor_auc
        A predictor is reported *active* once its AUC over its bins reaches this (Pega's
        usual threshold). For a model that reads every predictor, 0 reports them all
        active.
    ignore
        Names that are no predictors here (a model's own context, constant within it).

    Examples
    --------
    >>> evidence = BinnedEvidence(min_bin_evidence=10)
    >>> for i in range(200):
    ...     x = {"age": i % 80, "plan": "gold" if i % 3 else "basic"}
    ...     evidence.learn(x, i % 80 > 50, 0.3)
    >>> [(p.name, p.active, round(p.auc, 2)) for p in evidence.predictors()]
    [('age', True, 1.0), ('plan', False, 0.51)]
    >>> [(b.label, b.positives, b.negatives) for b in evidence.predictors()[1].bins]
    [('Residual', 0, 0), ('basic', 20, 47), ('gold', 38, 95), ('MISSING', 0, 0)]
    >>> evidence.n_seen, evidence.positives, sum(b.negatives for b in evidence.score_bins())
    (200, 58, 142)
    """

    def __init__(
        self,
        *,
        max_bins: int = 10,
        min_bin_evidence: int = 20,
        min_predictor_auc: float = 0.52,
        ignore: Iterable[str] = (),
    ) -> None:
        for name, value in (("max_bins", max_bins), ("min_bin_evidence", min_bin_evidence)):
            if value < 1:
                raise ValidationError(name, value, "must be at least 1")
        self.max_bins = max_bins
        self.min_bin_evidence = min_bin_evidence
        self.min_predictor_auc = min_predictor_auc
        self.ignore = frozenset(ignore)
        self._predictors: dict[str, Binning] = {}
        self._known = set(self.ignore)  # predictors and ignored names: what x usually holds
        # per predictor: the positives and negatives learned before it first appeared,
        # which belong in its MISSING bin
        self._absent_before: dict[str, tuple[int, int]] = {}
        self._score_pos = [0] * SCORE_BUCKETS
        self._score_neg = [0] * SCORE_BUCKETS
        self._n = 0
        self._positives = 0

    @property
    def n_seen(self) -> int:
        """How many outcomes were counted."""
        return self._n

    @property
    def positives(self) -> int:
        """How many of them were positive."""
        return self._positives

    def learn(self, x: Features, y: bool, score: float) -> None:
        """Count one outcome in the bins of ``x``; ``score`` is the propensity the model
        gave it before learning it."""
        self.learn_many([(x, y, score)])

    def learn_many(self, rows: Sequence[tuple[Features, bool, float]]) -> None:
        """Count many outcomes, in order, as ``learn`` would one by one: each distinct
        value of a predictor is counted once with its multiplicity, which is what makes
        a batch cheap (a numeric summary may merge its points in another order)."""
        if not rows:
            return
        starts = self._introduce(rows)
        ys = [y for _, y, _ in rows]
        for name, binning in self._predictors.items():
            start = starts.get(name, 0)
            part = rows[start:] if start else rows
            values = [x.get(name) for x, _, _ in part]
            outcomes = ys[start:] if start else ys
            tally = Counter(zip(map(type, values), values, outcomes, strict=True))
            if isinstance(binning, NumericBinning):
                for (_, value, y), count in tally.items():
                    binning.add(_as_number(value), y, count)
                binning.compact()
            else:
                for (_, value, y), count in tally.items():
                    binning.add(_as_symbol(value), y, count)
        score_pos, score_neg = self._score_pos, self._score_neg
        for _, y, score in rows:
            (score_pos if y else score_neg)[logit_bucket(score, SCORE_BUCKETS)] += 1
        positives = sum(ys)
        self._n += len(rows)
        self._positives += positives

    def _introduce(self, rows: Sequence[tuple[Features, bool, float]]) -> dict[str, int]:
        """Add the predictors ``rows`` show for the first time (with a present value); the
        row each one starts counting from, the outcomes before it going to its MISSING."""
        starts: dict[str, int] = {}
        known, n, positives = self._known, self._n, self._positives
        for r, (x, y, _) in enumerate(rows):
            if not x.keys() <= known:
                for name, value in x.items():
                    if name in known or is_missing(value):
                        continue
                    self._predictors[name] = self._binning(value)
                    known.add(name)
                    self._absent_before[name] = (positives, n - positives)
                    starts[name] = r
            n += 1
            positives += int(y)
        return starts

    def _binning(self, value: object) -> Binning:
        if is_numeric(value):
            return NumericBinning(max_bins=self.max_bins, min_bin_evidence=self.min_bin_evidence)
        return SymbolicBinning(min_bin_evidence=self.min_bin_evidence)

    def predictors(self) -> list[PredictorReport]:
        """Every predictor, by name, with its kind, AUC, activity and bins (MISSING last)."""
        return [self._report(name, binning) for name, binning in sorted(self._predictors.items())]

    def score_bins(self) -> list[ScoreBin]:
        """The score distribution: the non-empty propensity intervals, lowest first."""
        return score_bins(self._score_pos, self._score_neg)

    def _report(self, name: str, binning: Binning) -> PredictorReport:
        cut = copy.deepcopy(binning)
        cut.rebuild()
        labels = [b.label for b in cut.bins()]
        pos, neg = (list(counts) for counts in cut.counts())
        absent_pos, absent_neg = self._absent_before[name]
        pos[-1] += absent_pos
        neg[-1] += absent_neg
        total_pos, total_neg = sum(pos), sum(neg)
        bins = [
            Bin(label, p, q, bin_log_odds(p, q, total_pos, total_neg, len(labels)))
            for label, p, q in zip(labels, pos, neg, strict=True)
        ]
        auc = auc_from_counts(pos, neg)
        return PredictorReport(name, cut.kind, auc, auc >= self.min_predictor_auc, bins)


def merge_score_bins(bins: Sequence[ScoreBin], max_bins: int) -> list[ScoreBin]:
    """Consecutive score bins merged into at most ``max_bins`` of similar evidence.

    Examples
    --------
    >>> bins = [ScoreBin(i / 10, (i + 1) / 10, i, 1) for i in range(10)]
    >>> [(b.lower, b.upper, b.positives) for b in merge_score_bins(bins, 3)]
    [(0.0, 0.6, 15), (0.6, 0.9, 21), (0.9, 1.0, 9)]
    """
    total = sum(b.positives + b.negatives for b in bins)
    merged: list[ScoreBin] = []
    first: ScoreBin | None = None
    pos = neg = seen = 0
    for j, b in enumerate(bins):
        first = first or b
        pos, neg = pos + b.positives, neg + b.negatives
        seen += b.positives + b.negatives
        if j == len(bins) - 1 or seen >= total * (len(merged) + 1) / max_bins:
            merged.append(ScoreBin(first.lower, b.upper, pos, neg))
            first, pos, neg = None, 0, 0
    return merged
