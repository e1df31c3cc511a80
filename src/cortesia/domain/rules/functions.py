"""The fixed set of functions a rule may call, with what they take and give.

Both interpreters implement each of them (``row.py`` and ``batch/rule_frames.py``); this table
is what the parser checks calls against and what the documentation lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from cortesia.domain.rules.nodes import ANY, BOOL, NUMBER, Kind

STRING = frozenset({Kind.STRING})
DATE = frozenset({Kind.DATE})


@dataclass(frozen=True, slots=True)
class Function:
    """One function: how many arguments, of which kinds, giving which kind, and what it does."""

    name: str
    min_args: int
    max_args: int | None
    takes: frozenset[Kind]
    gives: frozenset[Kind]
    summary: str

    def arity(self) -> str:
        """How many arguments, in words (for messages)."""
        if self.max_args is None:
            return f"at least {self.min_args} arguments"
        if self.min_args == self.max_args:
            plural = "" if self.min_args == 1 else "s"
            return f"{self.min_args} argument{plural}"
        return f"{self.min_args} to {self.max_args} arguments"


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("abs", 1, 1, NUMBER, NUMBER, "absolute value of a number"),
        Function("min", 2, None, NUMBER, NUMBER, "smallest number; null if any is null"),
        Function("max", 2, None, NUMBER, NUMBER, "largest number; null if any is null"),
        Function(
            "round",
            1,
            2,
            NUMBER,
            NUMBER,
            "round(x) or round(x, digits) with digits 0–9, halves away from zero",
        ),
        Function("coalesce", 1, None, ANY, ANY, "first argument that is not null"),
        Function("lower", 1, 1, STRING, STRING, "text in lower case"),
        Function("upper", 1, 1, STRING, STRING, "text in upper case"),
        Function("days_since", 1, 1, DATE, NUMBER, "whole days from a date to `today`"),
        Function("days_until", 1, 1, DATE, NUMBER, "whole days from `today` to a date"),
        Function("date", 1, 1, STRING, DATE, 'a date literal: date("2026-05-01")'),
    )
}

#: The most digits ``round`` accepts (10**9 and its products stay exact in a float).
MAX_ROUND_DIGITS = 9

__all__ = ["BOOL", "DATE", "FUNCTIONS", "MAX_ROUND_DIGITS", "STRING", "Function"]
