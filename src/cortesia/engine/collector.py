"""The cyclic garbage collector paused around bulk work, safely across threads.

Bulk work (a batch of consent events, a customer file) builds thousands of containers
that reference counting alone frees, or that all stay alive. Meanwhile every full
collection rescans the whole live heap for cycles there are none of: a tenth of a consent
batch's time in a process holding a file's rows. Pausing is process-wide, so blocks
count: the collector comes back when the last running block ends, and only if it was on
when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pauses:
    """How many blocks run now, and whether the collector was on before the first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.resume = False


_PAUSES = _Pauses()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector paused (see the module's words)."""
    with _PAUSES.lock:
        if _PAUSES.running == 0:
            _PAUSES.resume = gc.isenabled()
            gc.disable()
        _PAUSES.running += 1
    try:
        yield
    finally:
        with _PAUSES.lock:
            _PAUSES.running -= 1
            if _PAUSES.running == 0 and _PAUSES.resume:
                gc.enable()
