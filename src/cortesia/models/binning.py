"""Adaptive binning of one predictor, with the evidence counted in every bin.

The ADM-style model (``cortesia.models.adm``) scores a customer by the bins their values
fall in. Each predictor keeps, per bin, how many positive and negative outcomes it saw:

- a **numeric** predictor summarises its values in a streaming histogram (at most
  ``fine_bins`` weighted points, each with its outcome counts); its scoring bins are
  equal-frequency groups of those points, rebuilt as evidence grows (one bin per
  ``min_bin_evidence`` outcomes, at most ``max_bins``);
- a **symbolic** predictor has one bin per value seen at least ``min_bin_evidence`` times
  and a residual bin for the rest (and for values beyond ``max_values``).

Both have a MISSING bin. A bin's log-odds follow Pega ADM's smoothing, with P and N the
predictor's positives and negatives and B its number of bins::

    log((pos + 1/B) / (P + 1)) - log((neg + 1/B) / (N + 1))
"""

from __future__ import annotations

import heapq
import itertools
import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cortesia.errors import ValidationError
from cortesia.models.base import is_missing, is_numeric

MISSING = "MISSING"
RESIDUAL = "Residual"


@dataclass(frozen=True, slots=True)
class Bin:
    """One bin of a predictor: what falls in it and the evidence it holds."""

    label: str
    positives: int
    negatives: int
    log_odds: float


def bin_log_odds(pos: int, neg: int, total_pos: int, total_neg: int, n_bins: int) -> float:
    """A bin's smoothed log-odds (Pega ADM's formula, see the module docstring).

    Examples
    --------
    >>> round(bin_log_odds(10, 10, 20, 80, 4), 3)
    1.35
    """
    share = 1.0 / n_bins
    return math.log((pos + share) / (total_pos + 1)) - math.log((neg + share) / (total_neg + 1))


def auc_from_counts(
    positives: Sequence[float], negatives: Sequence[float], *, ordered: bool = False
) -> float:
    """AUC of a score taking one value per bin.

    By default the bins are ranked by their positive rate: this is Pega's predictor
    *performance*, 0.5 for a useless predictor and 1.0 for one whose bins separate the
    outcomes perfectly. With ``ordered=True`` the bins are already in score order,
    lowest first (a histogram of scores).

    Examples
    --------
    >>> auc_from_counts([0, 10], [10, 0]), auc_from_counts([5, 5], [5, 5])
    (1.0, 0.5)
    >>> auc_from_counts([10, 0], [0, 10], ordered=True)
    0.0
    """
    pairs = list(zip(positives, negatives, strict=True))
    if not ordered:
        pairs.sort(key=lambda b: (b[0] + 1e-9) / (b[0] + b[1] + 2e-9))
    total_pos = sum(p for p, _ in pairs)
    total_neg = sum(n for _, n in pairs)
    if total_pos == 0 or total_neg == 0:
        return 0.5
    below = 0.0
    wins = 0.0
    for pos, neg in pairs:
        wins += pos * (below + 0.5 * neg)
        below += neg
    return wins / (total_pos * total_neg)


class NumericBinning:
    """Equal-frequency bins of a numeric predictor, rebuilt as evidence grows.

    Between rebuilds the values are summarised by at most ``fine_bins`` weighted points
    (a streaming histogram, Ben-Haim & Tom-Tov 2010): a new value adds a point, and the
    two closest points merge when there are too many. A discrete predictor with few
    distinct values is thus counted exactly, and a drifting one keeps its resolution
    where the values are now. The scoring bins are equal-frequency groups of points,
    cut half-way between neighbours.

    Examples
    --------
    >>> binning = NumericBinning(max_bins=4, min_bin_evidence=10)
    >>> for v in range(100):
    ...     binning.learn(float(v), v >= 50)
    >>> binning.rebuild()
    >>> [b.label for b in binning.bins()]
    ['< 25.5', '[25.5, 49.5)', '[49.5, 74.5)', '>= 74.5', 'MISSING']
    >>> binning.index(60.0), binning.index(None)
    (2, 4)
    """

    kind = "numeric"

    def __init__(self, *, max_bins: int, min_bin_evidence: int, fine_bins: int = 64) -> None:
        self.max_bins = max_bins
        self.min_bin_evidence = min_bin_evidence
        self.fine_bins = fine_bins
        self._points: list[float] = []  # sorted distinct summary points
        self._point_counts: list[list[int]] = []  # per point: negatives, positives
        self._edges: list[float] = []  # scoring bin boundaries: value >= edge goes right
        self._edges_array = np.empty(0)
        self._pos = [0, 0]  # per scoring bin, the MISSING bin last
        self._neg = [0, 0]

    def index(self, value: object) -> int:
        """The bin ``value`` falls in (the last bin is MISSING)."""
        if is_missing(value):
            return len(self._edges) + 1
        if not is_numeric(value):
            raise ValidationError("value", value, "a numeric predictor needs int or float values")
        return bisect_right(self._edges, value)

    def indices(self, column: NDArray[np.generic]) -> NDArray[np.intp]:
        """``index`` for every entry of a column."""
        if column.dtype.kind not in "iuf":
            return np.array([self.index(v) for v in column.tolist()], dtype=np.intp)
        values = column.astype(np.float64)
        found = np.searchsorted(self._edges_array, values, side="right")
        return np.where(np.isnan(values), len(self._edges) + 1, found)

    def learn(self, value: object, y: bool) -> None:
        """Count one outcome in the bin of ``value`` and in the summary points."""
        i = self.index(value)
        (self._pos if y else self._neg)[i] += 1
        if i <= len(self._edges):
            self._add_point(float(value), int(y))  # type: ignore[arg-type]  # index() checked

    def add(self, value: float | None, y: bool, count: int) -> None:
        """Count ``count`` outcomes ``y`` of one value (None: missing) at once.

        Examples
        --------
        >>> binning = NumericBinning(max_bins=4, min_bin_evidence=1)
        >>> binning.add(3.0, True, 5)
        >>> binning.add(None, False, 2)
        >>> binning.counts()
        ([5, 0], [0, 2])
        """
        if value is None:
            i = len(self._edges) + 1
        else:
            i = bisect_right(self._edges, value)
            self._add_point(value, int(y), count, merge=False)
        (self._pos if y else self._neg)[i] += count

    def compact(self) -> None:
        """Merge the closest summary points until at most ``fine_bins`` remain (after
        ``add``, which leaves that to one pass: a heap of the gaps between neighbours).

        Examples
        --------
        >>> binning = NumericBinning(max_bins=4, min_bin_evidence=1, fine_bins=3)
        >>> for value in (0.0, 1.0, 1.5, 10.0):
        ...     binning.add(value, True, 1)
        >>> binning.compact()
        >>> binning._points
        [0.0, 1.25, 10.0]
        """
        points, counts = self._points, self._point_counts
        n = len(points)
        excess = n - self.fine_bins
        if excess <= 0:
            return
        after = list(range(1, n + 1))  # the next live point; n is the end
        before = list(range(-1, n - 1))
        version = [0] * n  # bumped when a point absorbs its neighbour
        gaps = [(points[i + 1] - points[i], i, 0, 0) for i in range(n - 1)]
        heapq.heapify(gaps)
        while excess:
            _, i, seen_i, seen_j = heapq.heappop(gaps)
            j = after[i]
            if version[i] != seen_i or j == n or version[j] != seen_j:
                continue  # a gap that has changed since it was pushed
            left, right = counts[i], counts[j]
            w_left, w_right = left[0] + left[1], right[0] + right[1]
            points[i] = (points[i] * w_left + points[j] * w_right) / (w_left + w_right)
            counts[i] = [left[0] + right[0], left[1] + right[1]]
            version[i] += 1
            version[j] = -1  # merged away
            k = after[i] = after[j]
            if k < n:
                before[k] = i
                heapq.heappush(gaps, (points[k] - points[i], i, version[i], version[k]))
            h = before[i]
            if h >= 0:
                heapq.heappush(gaps, (points[i] - points[h], h, version[h], version[i]))
            excess -= 1
        live = [i for i in range(n) if version[i] >= 0]
        self._points = [points[i] for i in live]
        self._point_counts = [counts[i] for i in live]

    def rebuild(self) -> None:
        """Re-cut the scoring bins into equal-frequency groups of the summary points."""
        if not self._points:
            return
        weights = [neg + pos for neg, pos in self._point_counts]
        n_bins = max(1, min(self.max_bins, sum(weights) // self.min_bin_evidence))
        cumulative = list(itertools.accumulate(weights))
        step = cumulative[-1] / n_bins
        ends_set = {bisect_left(cumulative, k * step) for k in range(1, n_bins)}
        # a value holding more than a bin's share (pdays = 999) gets a bin of its own
        ends_set.update(e - d for e, w in enumerate(weights) if w >= step for d in (0, 1))
        ends = sorted(e for e in ends_set if 0 <= e < len(self._points) - 1)
        self._edges = [(self._points[e] + self._points[e + 1]) / 2.0 for e in ends]
        self._edges_array = np.array(self._edges)
        bounds = [0, *(e + 1 for e in ends), len(self._points)]
        groups = [self._point_counts[a:b] for a, b in itertools.pairwise(bounds)]
        self._neg = [sum(c[0] for c in g) for g in groups] + [self._neg[-1]]
        self._pos = [sum(c[1] for c in g) for g in groups] + [self._pos[-1]]

    def counts(self) -> tuple[list[int], list[int]]:
        """Positives and negatives per bin, the MISSING bin last."""
        return self._pos, self._neg

    def bins(self) -> list[Bin]:
        """Every bin with its label, evidence and log-odds."""
        shown = [f"{e:g}" for e in self._edges]
        if not shown:
            labels = ["all values"]
        else:
            middle = [f"[{a}, {b})" for a, b in itertools.pairwise(shown)]
            labels = [f"< {shown[0]}", *middle, f">= {shown[-1]}"]
        return _bins([*labels, MISSING], self._pos, self._neg)

    def _add_point(self, value: float, y: int, count: int = 1, *, merge: bool = True) -> None:
        points = self._points
        j = bisect_left(points, value)
        if j < len(points) and points[j] == value:
            self._point_counts[j][y] += count
            return
        points.insert(j, value)
        self._point_counts.insert(j, [0, count] if y else [count, 0])
        if merge and len(points) > self.fine_bins:
            gaps = [b - a for a, b in itertools.pairwise(points)]
            k = gaps.index(min(gaps))
            left, right = self._point_counts[k], self._point_counts.pop(k + 1)
            n_left, n_right = sum(left), sum(right)
            points[k] = (points[k] * n_left + points.pop(k + 1) * n_right) / (n_left + n_right)
            self._point_counts[k] = [left[0] + right[0], left[1] + right[1]]


class SymbolicBinning:
    """One bin per frequent value, a residual bin for the rare ones, and MISSING.

    Examples
    --------
    >>> binning = SymbolicBinning(min_bin_evidence=3)
    >>> for value, y in [("a", True)] * 3 + [("b", False)] * 3 + [("c", True)]:
    ...     binning.learn(value, y)
    >>> binning.rebuild()
    >>> [(b.label, b.positives, b.negatives) for b in binning.bins()]
    [('Residual', 1, 0), ('a', 3, 0), ('b', 0, 3), ('MISSING', 0, 0)]
    >>> binning.index("b"), binning.index("never seen")
    (2, 0)
    """

    kind = "symbolic"

    def __init__(self, *, min_bin_evidence: int, max_values: int = 1000) -> None:
        self.min_bin_evidence = min_bin_evidence
        self.max_values = max_values
        self._values: dict[str, list[int]] = {}  # value → [negatives, positives]
        self._overflow = [0, 0]  # values beyond max_values
        self._bin_of: dict[str, int] = {}  # frequent values; 0 is the residual bin
        self._labels: list[str] = [RESIDUAL]
        self._pos = [0, 0]  # residual, frequent values…, MISSING last
        self._neg = [0, 0]

    def index(self, value: object) -> int:
        """The bin ``value`` falls in (0 is the residual bin, the last is MISSING)."""
        if is_missing(value):
            return len(self._labels)
        return self._bin_of.get(str(value), 0)

    def indices(self, column: NDArray[np.generic]) -> NDArray[np.intp]:
        """``index`` for every entry of a column."""
        return np.array([self.index(v) for v in column.tolist()], dtype=np.intp)

    def learn(self, value: object, y: bool) -> None:
        """Count one outcome in the bin of ``value``."""
        self.add(None if is_missing(value) else str(value), y, 1)

    def add(self, value: str | None, y: bool, count: int) -> None:
        """Count ``count`` outcomes ``y`` of one value (None: missing) at once.

        Examples
        --------
        >>> binning = SymbolicBinning(min_bin_evidence=1)
        >>> binning.add("gold", True, 3)
        >>> binning.add(None, False, 1)
        >>> binning.counts()
        ([3, 0], [0, 1])
        """
        if value is None:
            (self._pos if y else self._neg)[len(self._labels)] += count
            return
        (self._pos if y else self._neg)[self._bin_of.get(value, 0)] += count
        counts = self._values.get(value)
        if counts is None and len(self._values) < self.max_values:
            counts = self._values[value] = [0, 0]
        (counts if counts is not None else self._overflow)[int(y)] += count

    def rebuild(self) -> None:
        """Give every value seen ``min_bin_evidence`` times its own bin."""
        frequent = sorted(k for k, c in self._values.items() if sum(c) >= self.min_bin_evidence)
        self._bin_of = {k: i for i, k in enumerate(frequent, start=1)}
        self._labels = [RESIDUAL, *frequent]
        rare = [c for k, c in self._values.items() if k not in self._bin_of] + [self._overflow]
        missing_neg, missing_pos = self._neg[-1], self._pos[-1]
        self._neg = [sum(c[0] for c in rare), *(self._values[k][0] for k in frequent), missing_neg]
        self._pos = [sum(c[1] for c in rare), *(self._values[k][1] for k in frequent), missing_pos]

    def counts(self) -> tuple[list[int], list[int]]:
        """Positives and negatives per bin, the MISSING bin last."""
        return self._pos, self._neg

    def bins(self) -> list[Bin]:
        """Every bin with its label, evidence and log-odds."""
        return _bins([*self._labels, MISSING], self._pos, self._neg)


def _bins(labels: list[str], pos: list[int], neg: list[int]) -> list[Bin]:
    total_pos, total_neg, n = sum(pos), sum(neg), len(labels)
    return [
        Bin(label, p, q, bin_log_odds(p, q, total_pos, total_neg, n))
        for label, p, q in zip(labels, pos, neg, strict=True)
    ]
