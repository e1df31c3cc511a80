"""Any value, made small and safe for a JSON problem document.

A problem echoes what the caller sent, and a caller can send anything JSON (or
Python's JSON reader) accepts: ``1e400`` reads as infinity, ``"\\ud800"`` as a lone
surrogate, a body may nest thousands of levels deep. None of these may turn a
400-class answer into a 500, so every function here is total: it never raises.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping

MAX_TEXT = 200
MAX_ITEMS = 20
MAX_DEPTH = 4
# About 190 decimal digits: beyond this an integer is summarised, since Python refuses
# to print integers of more than 4,300 digits and nobody reads 190.
_MAX_INT_BITS = 630


def safe_text(value: object, limit: int = MAX_TEXT) -> str:
    """``value`` as text that encodes as UTF-8, cut to ``limit`` characters.

    >>> safe_text("\\ud800x")
    '\\\\ud800x'
    >>> len(safe_text("a" * 500))
    201
    """
    try:
        text = value if isinstance(value, str) else str(value)
        # A lone surrogate cannot be encoded: show it escaped instead.
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    except Exception:  # a value whose __str__ fails still gets a name
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit] + "…"


def json_safe(value: object) -> object:
    """``value`` as JSON can carry it, small: problems never echo a whole body.

    Text is cut to 200 characters; a list or object too big or too deep to show is
    summarised; infinities and NaN are shown as text. Never raises.

    >>> json_safe(list(range(10001)))
    'list of 10001 items'
    >>> json_safe({"a": 1})
    {'a': 1}
    >>> json_safe(float("inf")), json_safe(float("nan")), json_safe(b"ok")
    ('inf', 'nan', 'ok')
    """
    try:
        return _safe(value, 0)
    except Exception:  # e.g. a mapping whose iteration fails: say what it was
        return f"<{type(value).__name__}>"


def _safe(value: object, depth: int) -> object:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            return f"integer of about {int(value.bit_length() * math.log10(2)) + 1} digits"
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return safe_text(bytes(value[: MAX_TEXT * 4]).decode("utf-8", errors="replace"))
    if isinstance(value, Mapping | list | tuple | set | frozenset):
        return _small_or_summary(value, depth)
    return safe_text(value)


def _small_or_summary(value: Collection[object], depth: int) -> object:
    if isinstance(value, Mapping):
        summary = f"object with {len(value)} field{'s' if len(value) != 1 else ''}"
    else:
        summary = f"list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if len(value) > MAX_ITEMS or depth >= MAX_DEPTH:
        return summary
    shown: object
    if isinstance(value, Mapping):
        shown = {safe_text(k): _safe(v, depth + 1) for k, v in value.items()}
    else:
        shown = [_safe(v, depth + 1) for v in value]
    if len(json.dumps(shown, ensure_ascii=False, allow_nan=False)) > MAX_TEXT:
        return summary
    return shown
