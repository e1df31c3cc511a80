"""Do-not-call registries: registry files in, compact memory-mapped indexes out.

``FileRegistries`` keeps versioned snapshots in the workspace; ``MemoryRegistries``
gives the same answers from dictionaries, for tests. Both implement the
``DncRegistries`` port of ``cortesia.engine.ports``.
"""

from __future__ import annotations

from cortesia.adapters.dnc.memory import MemoryRegistries
from cortesia.adapters.dnc.store import FileRegistries

__all__ = ["FileRegistries", "MemoryRegistries"]
