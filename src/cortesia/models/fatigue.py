"""Opt-out risk: P(opt-out | contact, features), the ``p_optout`` of the arbitration.

``OptOutRisk`` learns online from contacts whose outcome was ``opted_out`` or
``complained`` (positives, see :func:`is_opt_out`) or anything else (negatives). It reads
the decision's own variables (``cortesia.engine.decision_env``) and turns them into
features whose effect on the risk can be read and is sensible to extrapolate:

- counts (``contacts_1d``, ``contacts_7d``, ``contacts_30d``, the same on the contact's
  channel as ``contacts_<window>_<channel>``, ``rejects_30d``, ``accepts_30d``,
  ``opt_outs_30d``) become ``log1p(min(count, count_cap))``: the tenth message of a week
  annoys less *extra* than the second, and a runaway count cannot dominate;
- ``days_since_last_contact`` becomes ``recency = 1 / (1 + days)``, 0 when the customer
  was never contacted (null), 1 for a contact today;
- ``propensity`` (the action's relevance to this customer) is used as is, in [0, 1];
- ``hour`` becomes a band (night 22–6, morning 7–11, afternoon 12–17, evening 18–21),
  ``weekday`` (1 = Monday) a day type (weekday, weekend); ``channel`` and ``purpose``
  stay symbolic.

The learner underneath is :class:`~cortesia.models.logistic.BayesianLogistic`, so every
risk carries its uncertainty (``proba_interval``, ``sample_proba_one``). Opt-outs are rare
(≈ 0.1–1 % of contacts), so the prior is a low rate: the intercept's prior mean is set so
that a first contact with a channel, purpose, hour and weekday scores ``prior_rate`` after
the posterior averaging (which pulls an uncertain model towards one half). The learner
speaks through the probit curve it fits, whose light tails keep a rare event's
probability calibrated.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from cortesia.domain.decisions import OPT_OUTS
from cortesia.errors import ValidationError
from cortesia.models.base import Batch, Columns, Features, as_columns, is_missing, is_numeric
from cortesia.models.logistic import BayesianLogistic
from cortesia.models.probit import BETA2, normal_cdf, probit_proba_array

WINDOWS = ("1d", "7d", "30d")
COUNTS = (
    "contacts_1d",
    "contacts_7d",
    "contacts_30d",
    "rejects_30d",
    "accepts_30d",
    "opt_outs_30d",
)
SYMBOLS = ("channel", "purpose", "hour_band", "day_type")
_BAND_ENDS = np.array([7, 12, 18, 22])
_BAND_NAMES = np.array(["night", "morning", "afternoon", "evening", "night"])
_BANDS = ((7, "night"), (12, "morning"), (18, "afternoon"), (22, "evening"), (24, "night"))


def is_opt_out(outcome: str) -> bool:
    """Whether an outcome counts as a positive for the opt-out risk.

    Examples
    --------
    >>> [is_opt_out(o) for o in ("opted_out", "complained", "rejected", "accepted")]
    [True, True, False, False]
    """
    return outcome in OPT_OUTS


CHANNEL_COUNTS = tuple(f"channel_contacts_{window}" for window in WINDOWS)
_NO_CHANNEL = ("",) * len(WINDOWS)


@functools.cache
def _channel_keys(channel: str) -> tuple[str, ...]:
    """The decision variables of a channel's own contact counts, one per window."""
    return tuple(f"contacts_{window}_{channel}" for window in WINDOWS)


def hour_band(hour: int) -> str:
    """The part of the day an hour (0–23, customer-local) falls in.

    Examples
    --------
    >>> [hour_band(h) for h in (3, 9, 15, 20, 23)]
    ['night', 'morning', 'afternoon', 'evening', 'night']
    """
    return next(band for end, band in _BANDS if hour < end)


_HOUR_BANDS = tuple(hour_band(hour) for hour in range(24))


def _number(name: str, value: object) -> float | None:
    kind = type(value)
    if kind is int or kind is float:  # the common case, checked first
        return None if value != value else float(value)  # type: ignore[arg-type]
    if is_missing(value):
        return None
    if not is_numeric(value):
        raise ValidationError(name, value, "must be a number")
    return float(value)


def _floats(name: str, column: NDArray[np.generic]) -> NDArray[np.float64]:
    """A column as floats, NaN where missing (the columnar twin of :func:`_number`)."""
    if column.dtype.kind in "iuf":
        return column.astype(np.float64)
    values = [_number(name, v) for v in column.tolist()]
    return np.array([math.nan if v is None else v for v in values], dtype=np.float64)


def _whole(name: str, column: NDArray[np.generic], low: int, high: int) -> NDArray[np.float64]:
    """Whole numbers from ``low`` to ``high`` (NaN where missing), else the first misfit."""
    values = _floats(name, column)
    bad = ~np.isnan(values) & ~((values >= low) & (values <= high) & (values == np.floor(values)))
    if bad.any():
        raise ValidationError(name, float(values[bad][0]), f"must be a whole {low} to {high}")
    return values


def _symbolic(labels: NDArray[np.str_], source: NDArray[np.float64]) -> NDArray[np.generic]:
    # Plain strings take the learner's fast path; a missing value needs an object column.
    absent = np.isnan(source)
    if not absent.any():
        return labels
    column = labels.astype(object)
    column[absent] = None
    return column


class OptOutRisk:
    """Online Bayesian opt-out risk per contact, with monotone feature transforms.

    Parameters
    ----------
    prior_rate
        The opt-out rate per contact before any evidence (rare: 0.1–1 %).
    prior_variance
        Prior variance of every weight of the logistic model underneath.
    count_cap
        Counts are capped here before ``log1p``.
    seed
        Seeds the generator of ``sample_proba_one`` when given none.

    Examples
    --------
    >>> risk = OptOutRisk(prior_rate=0.005)
    >>> calm = {"channel": "sms", "purpose": "marketing", "contacts_7d": 0, "hour": 10,
    ...         "weekday": 2}
    >>> round(risk.predict_proba_one(calm), 4)
    0.005
    >>> for i in range(3000):
    ...     risk.learn_one(calm, False)
    ...     busy = dict(calm, contacts_7d=12)
    ...     risk.learn_one(busy, i % 20 == 0)
    >>> risk.predict_proba_one(busy) > 3 * risk.predict_proba_one(calm)
    True
    """

    def __init__(
        self,
        prior_rate: float = 0.005,
        *,
        prior_variance: float = 0.1,
        count_cap: float = 100.0,
        seed: int = 0,
    ) -> None:
        if not 0.0 < prior_rate < 1.0:
            raise ValidationError("prior_rate", prior_rate, "must be strictly between 0 and 1")
        if not count_cap > 0:
            raise ValidationError("count_cap", count_cap, "must be positive")
        self.prior_rate = prior_rate
        self.prior_variance = prior_variance
        self.count_cap = count_cap
        self.seed = seed
        # The bias and every (still unseen) symbol add prior variance to a first score.
        spread = math.sqrt(1.0 + prior_variance * (1 + len(SYMBOLS)) / BETA2)
        intercept_rate = normal_cdf(NormalDist().inv_cdf(prior_rate) * spread)
        self._model = BayesianLogistic(prior_variance, prior_rate=intercept_rate, seed=seed)

    @property
    def n_seen(self) -> int:
        """How many contacts the model has learned from."""
        return self._model.n_seen

    def weights(self) -> dict[str, tuple[float, float]]:
        """Posterior mean and deviation of every transformed feature (standardised scale)."""
        return self._model.weights()

    def features(self, x: Features) -> dict[str, object]:
        """The transformed features the model sees for the decision variables ``x``.

        Examples
        --------
        >>> f = OptOutRisk().features({"channel": "sms", "contacts_7d_sms": 3, "hour": 23})
        >>> f["channel_contacts_7d"] == math.log1p(3), f["recency"], f["hour_band"]
        (True, 0.0, 'night')
        """
        found: dict[str, object] = {}
        channel = x.get("channel")
        cap = self.count_cap
        for name in COUNTS:
            value = x.get(name)
            if type(value) is int and 0 <= value <= cap:  # the common case, checked first
                found[name] = math.log1p(value)
            else:
                found[name] = self._count(name, value)
        keys = _channel_keys(channel) if isinstance(channel, str) else _NO_CHANNEL
        for feature, key in zip(CHANNEL_COUNTS, keys, strict=True):
            found[feature] = self._count(key, x.get(key))
        days = _number("days_since_last_contact", x.get("days_since_last_contact"))
        found["recency"] = 0.0 if days is None else 1.0 / (1.0 + max(days, 0.0))
        relevance = _number("propensity", x.get("propensity"))
        found["relevance"] = None if relevance is None else min(max(relevance, 0.0), 1.0)
        hour = _number("hour", x.get("hour"))
        found["hour_band"] = None if hour is None else _HOUR_BANDS[self._hour(hour)]
        weekday = _number("weekday", x.get("weekday"))
        found["day_type"] = None if weekday is None else self._day_type(weekday)
        found["channel"], found["purpose"] = channel, x.get("purpose")
        return found

    def learn_one(self, x: Features, y: bool) -> None:
        """Learn one contact: ``y`` is whether it ended in an opt-out or a complaint."""
        self._model.learn_one(self.features(x), y)

    def learn_scored(self, x: Features, y: bool) -> float:
        """``predict_proba_one(x)`` as it was before learning ``y``, then ``learn_one``:
        the features are derived once for both."""
        return self._model.learn_scored(self.features(x), y)

    def predict_proba_one(self, x: Features) -> float:
        """P(opt-out | this contact), averaged over the posterior."""
        return self._model.predict_proba_one(self.features(x))

    def proba_interval(self, x: Features, level: float = 0.9) -> tuple[float, float]:
        """The central credible interval of the opt-out risk at ``level``."""
        return self._model.proba_interval(self.features(x), level)

    def sample_proba_one(self, x: Features, rng: np.random.Generator | None = None) -> float:
        """One posterior draw of the opt-out risk (Thompson sampling)."""
        return self._model.sample_proba_one(self.features(x), rng)

    def predict_proba_many(self, batch: Batch) -> NDArray[np.float64]:
        """``predict_proba_one`` for every row of ``batch`` (rows or columns), vectorised."""
        columns, n = as_columns(batch)
        return self._model.predict_proba_many(self._feature_columns(columns, n))

    def predict_proba_offers(
        self, x: Features, offers: Sequence[tuple[str, str]], relevance: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """``predict_proba_one`` for every offer one customer is weighed for (the decision's
        path): ``x`` holds the customer's decision variables, ``offers`` each offer's
        channel and purpose, ``relevance`` each offer's propensity (NaN: unknown).

        The customer's history is encoded once per distinct channel and purpose, and each
        offer's relevance added to it, instead of one row per offer.

        Examples
        --------
        >>> risk = OptOutRisk(prior_rate=0.01)
        >>> x = {"contacts_7d": 2, "hour": 10, "weekday": 2}
        >>> offers = [("sms", "marketing"), ("email", "marketing")]
        >>> said = risk.predict_proba_offers(x, offers, np.array([0.1, 0.3]))
        >>> alone = risk.predict_proba_one({**x, "channel": "sms", "purpose": "marketing",
        ...                                 "propensity": 0.1})
        >>> bool(abs(said[0] - alone) < 1e-12)
        True
        """
        n = len(offers)
        mean, var = np.empty(n), np.empty(n)
        rows: dict[tuple[str, str], list[int]] = {}
        for r, offer in enumerate(offers):
            rows.setdefault(offer, []).append(r)
        for (channel, purpose), where in rows.items():
            found = self.features({**x, "channel": channel, "purpose": purpose})
            found["relevance"] = None  # added per offer below
            mean[where], var[where] = self._model.linear_score(found)
        propensity = np.clip(np.asarray(relevance, dtype=np.float64), 0.0, 1.0)
        self._model.add_numeric_column("relevance", propensity, mean, var)
        return probit_proba_array(mean, var)

    def _count(self, name: str, value: object) -> float | None:
        count = _number(name, value)
        return None if count is None else math.log1p(min(max(count, 0.0), self.count_cap))

    @staticmethod
    def _hour(hour: float) -> int:
        if not (0 <= hour < 24 and hour == int(hour)):
            raise ValidationError("hour", hour, "must be a whole hour from 0 to 23")
        return int(hour)

    @staticmethod
    def _day_type(weekday: float) -> str:
        if not (1 <= weekday <= 7 and weekday == int(weekday)):
            raise ValidationError("weekday", weekday, "must be 1 (Monday) to 7 (Sunday)")
        return "weekend" if weekday >= 6 else "weekday"

    def _feature_columns(self, columns: Columns, n: int) -> dict[str, NDArray[np.generic]]:
        missing = np.full(n, math.nan)
        found: dict[str, NDArray[np.generic]] = {}
        for name in COUNTS:
            found[name] = self._counts(_floats(name, columns[name]) if name in columns else missing)
        channels = np.asarray(columns.get("channel", np.full(n, None, dtype=object)))
        names = {c for c in np.unique(channels.astype(str)).tolist() if c != "None"}
        for window in WINDOWS:
            values = missing.copy()
            for channel in sorted(names):
                key = f"contacts_{window}_{channel}"
                if key in columns:
                    rows = channels == channel
                    values[rows] = _floats(key, columns[key])[rows]
            found[f"channel_contacts_{window}"] = self._counts(values)
        days = _floats("days_since_last_contact", columns.get("days_since_last_contact", missing))
        found["recency"] = np.where(np.isnan(days), 0.0, 1.0 / (1.0 + np.maximum(days, 0.0)))
        found["relevance"] = np.clip(
            _floats("propensity", columns.get("propensity", missing)), 0, 1
        )
        found.update(self._calendar_columns(columns, missing))
        for name in ("channel", "purpose"):
            if name in columns:
                found[name] = columns[name]
        return found

    def _counts(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.log1p(np.clip(values, 0.0, self.count_cap))

    def _calendar_columns(
        self, columns: Columns, missing: NDArray[np.float64]
    ) -> dict[str, NDArray[np.generic]]:
        hours = _whole("hour", columns.get("hour", missing), 0, 23)
        days = _whole("weekday", columns.get("weekday", missing), 1, 7)
        bands = _BAND_NAMES[np.searchsorted(_BAND_ENDS, np.nan_to_num(hours), side="right")]
        types = np.where(days >= 6, "weekend", "weekday")
        return {"hour_band": _symbolic(bands, hours), "day_type": _symbolic(types, days)}
