"""Key arrays: distinct and sorted, change lists applied, channel lists counted.

Every function takes and returns NumPy arrays: keys are ``int64``, added days
``uint16`` aligned with the keys (0 = not given), or None when no day is known.

>>> keys, days = distinct(np.array([5, 3, 5, 1]), np.array([9, 0, 4, 2], np.uint16))
>>> keys.tolist(), days.tolist()
([1, 3, 5], [2, 0, 4])
>>> keys, days = apply_changes(keys, days, np.array([2, 5]), None, np.array([3]))
>>> keys.tolist(), days.tolist()
([1, 2, 5], [2, 0, 4])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Keys = NDArray[np.int64]
Days = NDArray[np.uint16]
_UNKNOWN_LAST = np.uint16(0xFFFF)


def _firsts(keys: Keys) -> NDArray[np.bool_]:
    """True at the first of each run of equal keys in a sorted array."""
    first = np.empty(keys.size, bool)
    if keys.size:
        first[0] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
    return first


def distinct(keys: Keys, days: Days | None = None) -> tuple[Keys, Days | None]:
    """Sorted distinct keys; a key given several days keeps the earliest known one.

    ``keys`` is sorted in place when no days come with it (a 250-million-key list
    is sorted without a copy).
    """
    if days is None:
        keys.sort()
        first = _firsts(keys)
        # Registry files rarely repeat a number: then the sorted array is the answer, no copy.
        return (keys if first.all() else keys[first]), None
    # Unknown days (0) sort after every known day so the earliest known one comes first.
    ranked = np.where(days == 0, _UNKNOWN_LAST, days)
    order = np.lexsort((ranked, keys))
    keys, days = keys[order], days[order]
    first = _firsts(keys)
    return keys[first], days[first]


def apply_changes(
    keys: Keys,
    days: Days | None,
    added: Keys,
    added_days: Days | None,
    removed: Keys,
) -> tuple[Keys, Days | None]:
    """The list after removing ``removed`` and adding ``added`` (all sorted and distinct).

    A number added again keeps the day it was first listed when that day is known.
    """
    keys, days = _remove(keys, days, removed)
    if added.size == 0:
        return keys, days
    at = np.searchsorted(keys, added)
    known = at < keys.size
    known[known] = keys[at[known]] == added[known]
    if days is None and added_days is None:
        return np.insert(keys, at[~known], added[~known]), None
    days = days if days is not None else np.zeros(keys.size, np.uint16)
    added_days = added_days if added_days is not None else np.zeros(added.size, np.uint16)
    unknown_before = days[at[known]] == 0
    days[at[known][unknown_before]] = added_days[known][unknown_before]
    new = ~known
    return np.insert(keys, at[new], added[new]), np.insert(days, at[new], added_days[new])


def _remove(keys: Keys, days: Days | None, removed: Keys) -> tuple[Keys, Days | None]:
    if removed.size == 0 or keys.size == 0:
        return keys.copy(), None if days is None else days.copy()
    at = np.searchsorted(keys, removed)
    inside = at < keys.size
    at = at[inside]
    gone = at[keys[at] == removed[inside]]
    return np.delete(keys, gone), None if days is None else np.delete(days, gone)


def count_union(lists: Sequence[Keys]) -> int:
    """How many distinct keys the sorted ``lists`` hold together."""
    if len(lists) == 1:
        return int(lists[0].size)
    if not lists:
        return 0
    merged = np.concatenate(lists)
    merged.sort()
    return int(np.count_nonzero(_firsts(merged)))


def last_wins(
    keys: Keys, flags: NDArray[np.bool_]
) -> tuple[Keys, NDArray[np.bool_], NDArray[np.intp]]:
    """For keys repeated in a change list, the last row wins: distinct keys, their
    flag, and the row each came from (all sorted by key)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    last = np.empty(ordered.size, bool)
    if ordered.size:
        last[-1] = True
        np.not_equal(ordered[1:], ordered[:-1], out=last[:-1])
    rows = order[last]
    return keys[rows], flags[rows], rows
