"""Send time: each customer's best local hours per channel, from their response history.

For a customer, channel and local hour h, the response rate is estimated by shrinking the
customer's own record (n sends, r responses at h) towards their segment's rate at h:

    p(h) = (r + κ · p_segment(h)) / (n + κ)

so a customer with many sends at an hour speaks for themselves, one with few takes the
segment's profile. The weight of the customer's own evidence is n / (n + κ). The segment's
profile is shrunk the same way to the channel's (with ``segment_strength``), and the
channel's to its overall rate, itself shrunk to ``prior_rate``. Neighbouring hours behave
alike, so the customer's n and r at h also borrow ``neighbour_weight`` of their counts at
h − 1 and h + 1 (the day wraps round).

κ (``prior_strength``) is estimated from the data when not given (empirical Bayes): the
customers of a segment differ from the segment's hour profile by some variance τ², found
by the method of moments (DerSimonian and Laird's estimator, 1986, over the cells of
customer × hour), and a Beta prior with that mean and variance has κ = p(1 − p) / τ² − 1.
Customers who all behave like their segment give a large κ (trust the segment); customers
who differ a lot give a small one (trust each customer's own record).

Hours are the customer's local hours (0–23): the caller converts with the customer's
time zone, as the decision variables do.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cortesia.errors import ValidationError

HOURS = 24


class _Cells:
    """Sufficient statistics of a segment × channel over its customer × hour cells."""

    __slots__ = ("count", "responses", "sends", "squares", "sum_rate_squares")

    def __init__(self) -> None:
        self.sends = np.zeros(HOURS)  # Σ n per hour
        self.responses = np.zeros(HOURS)  # Σ r per hour
        self.squares = np.zeros(HOURS)  # Σ n² per hour
        self.sum_rate_squares = np.zeros(HOURS)  # Σ r² / n per hour
        self.count = np.zeros(HOURS)  # cells with n > 0 per hour

    def add(self, hour: int, n: float, r: float, sign: float) -> None:
        """Add (``sign`` = 1) or remove (``sign`` = -1) one cell's contribution."""
        if n <= 0:
            return
        self.sends[hour] += sign * n
        self.responses[hour] += sign * r
        self.squares[hour] += sign * n * n
        self.sum_rate_squares[hour] += sign * r * r / n
        self.count[hour] += sign


class _History:
    """One customer's sends and responses per hour on one channel."""

    __slots__ = ("responses", "segment", "sends")

    def __init__(self, segment: str) -> None:
        self.segment = segment
        self.sends = np.zeros(HOURS)
        self.responses = np.zeros(HOURS)


class SendTime:
    """Best send hours per customer and channel, shrunk to the segment when evidence is thin.

    Parameters
    ----------
    prior_strength
        κ: how many sends of the customer's own weigh as much as the segment's profile.
        ``None`` estimates it per segment and channel from the data (empirical Bayes).
    fallback_strength
        κ while the data cannot estimate it yet (too few customers or responses).
    segment_strength
        How many sends of the segment weigh as much as the channel's profile at an hour.
    prior_rate
        The response rate before any evidence.
    max_strength
        The estimated κ is kept within ``[1, max_strength]``.
    neighbour_weight
        Each hour borrows this share of the customer's sends and responses at the hours on
        either side (0 keeps hours apart): who answers at 20:00 likely answers at 21:00.

    Examples
    --------
    >>> model = SendTime(prior_strength=10.0, neighbour_weight=0.0)
    >>> for day in range(60):
    ...     model.learn_one("ana", "young", "sms", 21, day % 2 == 0)
    ...     model.learn_one("ana", "young", "sms", 9, day % 10 == 0)
    ...     model.learn_one("luis", "young", "sms", 9, day % 3 == 0)
    >>> model.best_hours("ana", "young", "sms", k=1)
    [21]
    >>> model.best_hours("new customer", "young", "sms", k=1)
    [21]
    >>> round(float(model.hour_profile("ana", "young", "sms")[21]), 2)
    0.49
    """

    def __init__(
        self,
        prior_strength: float | None = None,
        *,
        fallback_strength: float = 20.0,
        segment_strength: float = 50.0,
        prior_rate: float = 0.05,
        max_strength: float = 1000.0,
        neighbour_weight: float = 0.5,
    ) -> None:
        for name, value in (
            ("prior_strength", prior_strength),
            ("fallback_strength", fallback_strength),
            ("segment_strength", segment_strength),
            ("max_strength", max_strength),
        ):
            if value is not None and not value > 0:
                raise ValidationError(name, value, "must be positive")
        if not 0.0 <= neighbour_weight <= 1.0:
            raise ValidationError("neighbour_weight", neighbour_weight, "must be from 0 to 1")
        if not 0.0 < prior_rate < 1.0:
            raise ValidationError("prior_rate", prior_rate, "must be strictly between 0 and 1")
        self.prior_strength = prior_strength
        self.fallback_strength = fallback_strength
        self.segment_strength = segment_strength
        self.prior_rate = prior_rate
        self.max_strength = max_strength
        self.neighbour_weight = neighbour_weight
        self._customers: dict[tuple[str, str], _History] = {}
        self._segments: dict[tuple[str, str], _Cells] = {}
        self._channels: dict[str, _Cells] = {}
        self._n = 0

    @property
    def n_seen(self) -> int:
        """How many sends the model has learned from."""
        return self._n

    def learn_one(
        self, customer_id: str, segment: str, channel: str, hour: int, responded: bool
    ) -> None:
        """Record one send at local ``hour`` and whether the customer responded to it."""
        if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour < HOURS:
            raise ValidationError("hour", hour, "must be a whole hour from 0 to 23")
        history = self._customers.get((customer_id, channel))
        if history is None:
            history = self._customers[(customer_id, channel)] = _History(segment)
        elif history.segment != segment:  # the customer moved: their record moves with them
            self._move(history, channel, segment)
        n, r, y = history.sends[hour], history.responses[hour], float(responded)
        cells = self._cells(segment, channel)
        cells.add(hour, n, r, -1.0)
        cells.add(hour, n + 1.0, r + y, 1.0)
        channel_cells = self._channels.setdefault(channel, _Cells())
        channel_cells.sends[hour] += 1.0
        channel_cells.responses[hour] += y
        history.sends[hour], history.responses[hour] = n + 1.0, r + y
        self._n += 1

    def strength(self, segment: str, channel: str) -> float:
        """κ for the segment and channel: given, or estimated by the method of moments."""
        if self.prior_strength is not None:
            return self.prior_strength
        cells = self._segments.get((segment, channel))
        if cells is None:
            return self.fallback_strength
        seen = cells.sends > 0
        sends, responses = cells.sends[seen], cells.responses[seen]
        rate = responses / sends
        spread = cells.sum_rate_squares[seen] - responses * rate
        excess = float(np.sum(spread - (cells.count[seen] - 1.0) * rate * (1.0 - rate)))
        denominator = float(np.sum(sends - cells.squares[seen] / sends))
        mean = float(responses.sum() / sends.sum()) if seen.any() else 0.0
        if denominator <= 0.0 or not 0.0 < mean < 1.0:
            return self.fallback_strength
        if excess <= 0.0:  # no more spread than chance: every customer is like the segment
            return self.max_strength
        kappa = mean * (1.0 - mean) / (excess / denominator) - 1.0
        return min(max(kappa, 1.0), self.max_strength)

    def segment_profile(self, segment: str, channel: str) -> NDArray[np.float64]:
        """The segment's response rate per local hour 0–23 on the channel."""
        return self._segment_rates(segment, channel)

    def _segment_rates(self, segment: str, channel: str) -> NDArray[np.float64]:
        base = self._channel_profile(channel)
        cells = self._segments.get((segment, channel))
        if cells is None:
            return base
        m = self.segment_strength
        return (cells.responses + m * base) / (cells.sends + m)

    def hour_profile(self, customer_id: str, segment: str, channel: str) -> NDArray[np.float64]:
        """The customer's response rate per local hour 0–23 on the channel, shrunk."""
        prior = self._segment_rates(segment, channel)
        history = self._customers.get((customer_id, channel))
        if history is None:
            return prior
        kappa = self.strength(segment, channel)
        sends, responses = self._pooled(history.sends), self._pooled(history.responses)
        return (responses + kappa * prior) / (sends + kappa)

    def shrinkage(self, customer_id: str, segment: str, channel: str) -> NDArray[np.float64]:
        """Per hour, the weight of the customer's own record: n / (n + κ), in [0, 1)."""
        history = self._customers.get((customer_id, channel))
        sends = np.zeros(HOURS) if history is None else self._pooled(history.sends)
        return sends / (sends + self.strength(segment, channel))

    def best_hours(self, customer_id: str, segment: str, channel: str, k: int = 3) -> list[int]:
        """The ``k`` local hours with the highest response rate, best first (ties: earlier)."""
        if not 1 <= k <= HOURS:
            raise ValidationError("k", k, "must be from 1 to 24")
        profile = self.hour_profile(customer_id, segment, channel)
        order = np.argsort(-profile, kind="stable")
        return [int(hour) for hour in order[:k]]

    def _channel_profile(self, channel: str) -> NDArray[np.float64]:
        cells = self._channels.get(channel)
        if cells is None:
            return np.full(HOURS, self.prior_rate)
        m = self.segment_strength
        overall = float(cells.responses.sum() + m * self.prior_rate) / float(cells.sends.sum() + m)
        return (cells.responses + m * overall) / (cells.sends + m)

    def _pooled(self, counts: NDArray[np.float64]) -> NDArray[np.float64]:
        # Neighbouring hours behave alike: each hour borrows part of the customer's evidence
        # beside it. The segment's profile is not pooled, so an untried hour next to a good
        # one borrows less than the good one has and cannot outrank it.
        w = self.neighbour_weight
        if w == 0.0:
            return counts
        return counts + w * (np.roll(counts, 1) + np.roll(counts, -1))

    def _cells(self, segment: str, channel: str) -> _Cells:
        return self._segments.setdefault((segment, channel), _Cells())

    def _move(self, history: _History, channel: str, segment: str) -> None:
        old, new = self._cells(history.segment, channel), self._cells(segment, channel)
        for hour in range(HOURS):
            n, r = history.sends[hour], history.responses[hour]
            old.add(hour, n, r, -1.0)
            new.add(hour, n, r, 1.0)
        history.segment = segment
