"""A sliding-window limit per client, for the public pages (no API key, so no other brake)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from cortesia.errors import RateLimitedError

WINDOW_S = 60.0


class SlidingWindowLimiter:
    """At most ``per_minute`` requests per client in any 60 seconds.

    Each client keeps the instants of its last ``per_minute`` requests; one more is
    allowed once the oldest of them is a full minute old. (A token bucket would let a
    burst of ``per_minute`` through and then refill during the same minute.)

    >>> now = [0.0]
    >>> limiter = SlidingWindowLimiter(2, clock=lambda: now[0])
    >>> limiter.take("1.2.3.4"); limiter.take("1.2.3.4")
    >>> limiter.take("1.2.3.4")
    Traceback (most recent call last):
    ...
    cortesia.errors.RateLimitedError: too many requests; retry after 60 s
    >>> now[0] = 60.0
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
        self.limit = per_minute
        self._clock = clock
        self._max_clients = max_clients
        self._recent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> None:
        """Count one request of ``client``, or raise RateLimitedError (not counted)."""
        with self._lock:
            now = self._clock()
            recent = self._recent.get(client)
            if recent is None:
                recent = self._recent[client] = deque(maxlen=self.limit)
            if len(recent) == self.limit and now - recent[0] < WINDOW_S:
                raise RateLimitedError(max(1, math.ceil(recent[0] + WINDOW_S - now)))
            recent.append(now)
            if len(self._recent) > self._max_clients:
                self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        # A client silent for a full window is the same as no client: dropping it bounds memory.
        for client, recent in list(self._recent.items()):
            if now - recent[-1] >= WINDOW_S:
                del self._recent[client]
        while len(self._recent) > self._max_clients:
            del self._recent[next(iter(self._recent))]
