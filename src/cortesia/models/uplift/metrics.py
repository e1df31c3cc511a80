"""How well an uplift model ranks customers: Qini and uplift curves, their areas, uplift@k.

The definitions are scikit-uplift's (``sklift.metrics`` 0.5), number for number, so a
figure printed here can be compared with any published with that library; the tests hold
them to it. Customers are sorted by predicted uplift, best first; tied predictions form
one step of a curve (they cannot be ordered among themselves).

- **Uplift curve** at the first ``n`` customers: (response rate of the treated among them
  − that of the controls among them) × ``n``.
- **Qini curve** at ``n``: treated responders − control responders × (treated / controls)
  among the first ``n``: the extra responders the treatment bought, controls rescaled.
- **Random reference**: the straight line from (0, 0) to the curve's end, what a random
  ranking earns on average. **Perfect reference**: the curve of an oracle ranking
  (responders in treatment first, responders in control last).
- **AUUC** (``uplift_auc_score``) and **Qini coefficient** (``qini_auc_score``): the area
  between the model's curve and the random line, divided by the area between the perfect
  curve and the random line. 1 is perfect, 0 random, negative worse than random.
- **uplift@k**: response rate of the treated minus that of the controls among the top
  ``k`` share, taken over everyone (``overall``) or within each group (``by_group``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cortesia.errors import ValidationError

Floats = NDArray[np.float64]
Strategy = Literal["overall", "by_group"]


@dataclass(frozen=True, slots=True)
class Curve:
    """Points of a gain curve: ``x`` customers targeted, ``y`` the gain at that point."""

    x: Floats
    y: Floats

    def area(self) -> float:
        """Trapezoidal area under the curve."""
        return float(np.trapezoid(self.y, self.x))


@dataclass(frozen=True, slots=True)
class UpliftScores:
    """The held-out figures of an uplift model (see the module docstring)."""

    qini_auc: float
    auuc: float
    uplift_at_30: float
    rows: int

    def as_dict(self) -> dict[str, float | int]:
        """JSON-ready figures, named as on the command line."""
        return {
            "qini_auc": self.qini_auc,
            "auuc": self.auuc,
            "uplift_at_30": self.uplift_at_30,
            "rows": self.rows,
        }


def _binary(name: str, values: ArrayLike) -> NDArray[np.int64]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValidationError(name, array.shape, "must be one-dimensional")
    present = np.unique(array)
    if not np.isin(present, (0, 1)).all():
        raise ValidationError(name, present[:5].tolist(), "must hold only 0 and 1")
    return array.astype(np.int64)


def _checked(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike
) -> tuple[NDArray[np.int64], Floats, NDArray[np.int64]]:
    y = _binary("outcome", y_true)
    t = _binary("treatment", treatment)
    scores = np.asarray(uplift, dtype=np.float64)
    if not (len(y) == len(t) == len(scores)):
        raise ValidationError("uplift", (len(y), len(scores), len(t)), "lengths differ")
    if len(np.unique(t)) < 2:
        raise ValidationError("treatment", int(t[0]) if len(t) else None, "needs both groups")
    return y, scores, t


def _cumulative_counts(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike
) -> tuple[Floats, Floats, Floats, Floats, Floats]:
    """At each distinct prediction, best first: people, treated, responders in each group."""
    y, scores, t = _checked(y_true, uplift, treatment)
    order = np.argsort(scores, kind="mergesort")[::-1]
    y, scores, t = y[order], scores[order], t[order]
    # The last index of each run of equal scores: ties are one step of the curve.
    ends = np.r_[np.flatnonzero(np.diff(scores)), scores.size - 1]
    treated = np.cumsum(t, dtype=np.float64)[ends]
    responders_treated = np.cumsum(y * t, dtype=np.float64)[ends]
    responders_control = np.cumsum(y * (1 - t), dtype=np.float64)[ends]
    people = (ends + 1).astype(np.float64)
    return people, treated, people - treated, responders_treated, responders_control


def _ratio(numerator: Floats, denominator: Floats) -> Floats:
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator != 0)


def _from_origin(x: Floats, y: Floats) -> Curve:
    if x.size == 0 or x[0] != 0 or y[0] != 0:
        x, y = np.r_[0.0, x], np.r_[0.0, y]
    return Curve(x, y)


def uplift_curve(y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike) -> Curve:
    """The uplift curve of a ranking (scikit-uplift's ``uplift_curve``).

    Examples
    --------
    >>> curve = uplift_curve([1, 0, 1, 0], [0.4, 0.3, 0.2, 0.1], [1, 1, 0, 0])
    >>> curve.x.tolist(), curve.y.tolist()
    ([0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 1.0, -1.5, 0.0])
    """
    people, treated, controls, resp_t, resp_c = _cumulative_counts(y_true, uplift, treatment)
    gain = (_ratio(resp_t, treated) - _ratio(resp_c, controls)) * people
    return _from_origin(people, gain)


def qini_curve(y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike) -> Curve:
    """The Qini curve of a ranking (scikit-uplift's ``qini_curve``).

    Examples
    --------
    >>> qini_curve([1, 0, 1, 0], [0.4, 0.3, 0.2, 0.1], [1, 1, 0, 0]).y.tolist()
    [0.0, 1.0, 1.0, -1.0, 0.0]
    """
    people, treated, controls, resp_t, resp_c = _cumulative_counts(y_true, uplift, treatment)
    return _from_origin(people, resp_t - resp_c * _ratio(treated, controls))


def perfect_uplift_curve(y_true: ArrayLike, treatment: ArrayLike) -> Curve:
    """The uplift curve of the best possible ranking (scikit-uplift's definition)."""
    y, t = _binary("outcome", y_true), _binary("treatment", treatment)
    control_responders = int(np.sum((y == 1) & (t == 0)))
    treated_non_responders = int(np.sum((y == 0) & (t == 1)))
    tie_breaker = y if control_responders > treated_non_responders else t
    return uplift_curve(y, 2 * (y == t) + tie_breaker, t)


def perfect_qini_curve(
    y_true: ArrayLike, treatment: ArrayLike, *, negative_effect: bool = True
) -> Curve:
    """The Qini curve of the best possible ranking.

    With ``negative_effect`` the oracle also puts the control responders (whom the
    treatment would have lost) last; without it the curve rises straight to the total gain.
    """
    y, t = _binary("outcome", y_true), _binary("treatment", treatment)
    if negative_effect:
        return qini_curve(y, y * t - y * (1 - t), t)
    total = float(y[t == 1].sum() - (t == 1).sum() * y[t == 0].sum() / (t == 0).sum())
    return Curve(np.array([0.0, total, float(len(y))]), np.array([0.0, total, total]))


def random_curve(curve: Curve) -> Curve:
    """The random reference of a curve: a straight line from the origin to its end."""
    return Curve(np.array([0.0, curve.x[-1]]), np.array([0.0, curve.y[-1]]))


def _normalised_area(actual: Curve, perfect: Curve) -> float:
    baseline = random_curve(perfect).area()
    best = perfect.area() - baseline
    return (actual.area() - baseline) / best if best != 0 else 0.0


def uplift_auc_score(y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike) -> float:
    """AUUC: the uplift curve's area over random, as a share of the perfect curve's.

    Examples
    --------
    >>> y, t = [1, 0, 1, 0, 1, 0], [1, 1, 1, 0, 0, 0]
    >>> round(uplift_auc_score(y, [0.9, 0.8, 0.7, 0.3, 0.2, 0.1], t), 4)
    0.3
    """
    return _normalised_area(
        uplift_curve(y_true, uplift, treatment), perfect_uplift_curve(y_true, treatment)
    )


def qini_auc_score(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike, *, negative_effect: bool = True
) -> float:
    """The Qini coefficient: the Qini curve's area over random, as a share of the perfect's."""
    return _normalised_area(
        qini_curve(y_true, uplift, treatment),
        perfect_qini_curve(y_true, treatment, negative_effect=negative_effect),
    )


def _top(count: float | int, total: int) -> int:
    if isinstance(count, float):
        if not 0 < count < 1:
            raise ValidationError("k", count, "a share must lie strictly between 0 and 1")
        return int(total * count)
    if not 0 < count < total:
        raise ValidationError("k", count, f"a count must lie between 1 and {total - 1}")
    return count


def uplift_at_k(
    y_true: ArrayLike,
    uplift: ArrayLike,
    treatment: ArrayLike,
    *,
    strategy: Strategy = "overall",
    k: float | int = 0.3,
) -> float:
    """Treated minus control response rate among the customers ranked in the top ``k``.

    ``k`` is a share (float in (0, 1)) or a count (int). ``overall`` takes the top ``k`` of
    everyone, then compares the two groups inside it; ``by_group`` takes the top ``k`` of
    each group separately. An empty group gives NaN, as in scikit-uplift.

    Examples
    --------
    >>> y, t = [1, 0, 1, 0, 1, 0], [1, 1, 0, 1, 0, 0]
    >>> uplift_at_k(y, [0.9, 0.8, 0.7, 0.3, 0.2, 0.1], t, k=0.5)
    -0.5
    """
    y, scores, t = _checked(y_true, uplift, treatment)
    if strategy not in ("overall", "by_group"):
        raise ValidationError("strategy", strategy, "must be overall or by_group")
    top = _top(k, len(y))
    order = np.argsort(scores, kind="mergesort")[::-1]
    y, t = y[order], t[order]
    if strategy == "overall":
        y, t = y[:top], t[:top]
        return _mean(y[t == 1]) - _mean(y[t == 0])
    treated_top = int(t.sum() * k) if isinstance(k, float) else k
    control_top = int((1 - t).sum() * k) if isinstance(k, float) else k
    if treated_top > t.sum() or control_top > (1 - t).sum():
        raise ValidationError("k", k, "is larger than a group")
    return _mean(y[t == 1][:treated_top]) - _mean(y[t == 0][:control_top])


def _mean(values: NDArray[np.int64]) -> float:
    return float(values.mean()) if values.size else float("nan")


def uplift_scores(y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike) -> UpliftScores:
    """Qini coefficient, AUUC and uplift@30 % (overall) of one ranking."""
    return UpliftScores(
        qini_auc=qini_auc_score(y_true, uplift, treatment),
        auuc=uplift_auc_score(y_true, uplift, treatment),
        uplift_at_30=uplift_at_k(y_true, uplift, treatment, strategy="overall", k=0.3),
        rows=len(np.asarray(y_true)),
    )
