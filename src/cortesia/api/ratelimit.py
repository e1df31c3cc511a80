"""A token bucket per client, for the public pages (no API key, so no other brake)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from cortesia.errors import RateLimitedError


class TokenBucketLimiter:
    """``per_minute`` requests per client, in bursts of up to ``per_minute``.

    >>> now = [0.0]
    >>> limiter = TokenBucketLimiter(2, clock=lambda: now[0])
    >>> limiter.take("1.2.3.4"); limiter.take("1.2.3.4")
    >>> limiter.take("1.2.3.4")
    Traceback (most recent call last):
    ...
    cortesia.errors.RateLimitedError: too many requests; retry after 30 s
    >>> now[0] = 30.0
    >>> limiter.take("1.2.3.4")
    """

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> None:
        """Spend one token of ``client``'s bucket, or raise RateLimitedError."""
        with self._lock:
            now = self._clock()
            tokens, last = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[client] = (tokens, now)
                raise RateLimitedError(max(1, math.ceil((1.0 - tokens) / self.rate)))
            self._buckets[client] = (tokens - 1.0, now)
            if len(self._buckets) > self._max_clients:
                self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        # A bucket that has refilled is the same as no bucket: dropping it bounds memory.
        full_after = self.capacity / self.rate
        for client, (_, last) in list(self._buckets.items()):
            if now - last >= full_after:
                del self._buckets[client]
        while len(self._buckets) > self._max_clients:
            del self._buckets[next(iter(self._buckets))]
