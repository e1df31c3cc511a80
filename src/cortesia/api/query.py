"""Values read from query strings."""

from __future__ import annotations

import re
from datetime import datetime

from cortesia.engine.instants import parse_instant
from cortesia.errors import ValidationError

# A time then a space then an offset's digits: a '+' that the URL turned into a space.
_PLUS_AS_SPACE = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)? \d{2}(?::?\d{2})?$")
PLUS_HINT = "'+' must be written %2B in a URL, e.g. ?at=2026-01-15T00:00:00%2B01:00"


def parse_at(value: str | None, field: str = "at") -> datetime | None:
    """The ``at`` instant of a query, or None when absent.

    In a query string '+' means a space, so ``?at=…T00:00:00+01:00`` arrives as
    ``…T00:00:00 01:00``: the refusal then says how to write it.
    """
    if not value:
        return None
    try:
        return parse_instant(value, field)
    except ValidationError as error:
        if not _PLUS_AS_SPACE.search(value.strip()):
            raise
        raise ValidationError(field, value, f"{error.problem.reason}; {PLUS_HINT}") from None
