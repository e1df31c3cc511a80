"""A rule: its text, its kind (condition or number), what it reads, and how to evaluate it."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cortesia.domain.rules.errors import RuleError
from cortesia.domain.rules.nodes import BOOL, NUMBER, Const, Kind, Node, names_read
from cortesia.domain.rules.refusals import describe
from cortesia.domain.rules.row import Fn, compile_tree
from cortesia.domain.rules.syntax import parse_tree


class RuleKind(StrEnum):
    """What a rule gives: a condition (eligibility) or a number (value, levers)."""

    CONDITION = "condition"
    NUMBER = "number"


_CONDITION = RuleKind.CONDITION  # a module global: one lookup less on the hot path


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """A parsed, checked rule with its compiled row interpreter.

    Equal (and hashed) by text and kind. ``tree`` is what the columnar translation reads.
    """

    text: str
    kind: RuleKind
    names: frozenset[str]
    tree: Node = field(repr=False)
    _run: Fn = field(repr=False)

    def evaluate(self, env: Mapping[str, object]) -> object:
        """True, False or None for a condition; a float or None for a number."""
        return self._run(env)

    def holds(self, env: Mapping[str, object]) -> bool:
        """True only when the condition is true: false and null are both "no"."""
        if self.kind is _CONDITION:
            return self._run(env) is True
        raise TypeError(f"rule `{self.text}` is a number rule; use number()")

    def number(self, env: Mapping[str, object]) -> float | None:
        """The value of a number rule, or None when it is null."""
        if self.kind is not RuleKind.NUMBER:
            raise TypeError(f"rule `{self.text}` is a condition; use holds() or evaluate()")
        result: float | None = self._run(env)
        return result

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Rule):
            return NotImplemented
        return self.text == other.text and self.kind is other.kind

    def __hash__(self) -> int:
        return hash((self.text, self.kind))


def parse_rule(text: str, kind: RuleKind, *, where: str = "rule") -> Rule:
    """Parse and check a rule, or raise :class:`RuleError` naming ``where`` and the column.

    Parameters
    ----------
    text
        The rule as the analyst wrote it; surrounding spaces and line breaks are ignored.
    kind
        ``RuleKind.CONDITION`` for eligibility, ``RuleKind.NUMBER`` for values and levers.
    where
        What the rule belongs to, for messages: ``"action data_pack_5gb eligibility"``.
    """
    source = text.strip()
    tree = parse_tree(source, where)
    _check_kind(tree, kind, source, where)
    return Rule(source, kind, names_read(tree), tree, _top(tree, kind))


def constant_rule(value: float) -> Rule:
    """A number rule for a plain number written in a file (its text is the number's repr).

    >>> constant_rule(1.5).number({})
    1.5
    """
    number = float(value)
    if not math.isfinite(number):
        raise RuleError("rule", repr(value), 1, "a number must be finite")
    return parse_rule(repr(number), RuleKind.NUMBER)


def _check_kind(tree: Node, kind: RuleKind, text: str, where: str) -> None:
    wanted = BOOL if kind is RuleKind.CONDITION else NUMBER
    if tree.kinds & wanted:
        return
    if not tree.kinds:
        reason = "the rule is always null (None)"
    elif kind is RuleKind.NUMBER and tree.kinds == BOOL:
        reason = "a number rule cannot be a comparison or condition; it gives true/false"
    else:
        wanted_words = describe(frozenset({Kind.BOOL if wanted == BOOL else Kind.NUMBER}))
        reason = f"a {kind.value} rule must give {wanted_words}; this gives {describe(tree.kinds)}"
    raise RuleError(where, text, 1, reason)


def _top(tree: Node, kind: RuleKind) -> Fn:
    run = compile_tree(tree)
    if kind is RuleKind.CONDITION:
        return run if tree.kinds == BOOL else _as_condition(run)
    if isinstance(tree, Const) and isinstance(tree.value, int | float):
        value = float(tree.value)
        return lambda env: value
    return _as_number(run)


def _as_condition(run: Fn) -> Fn:
    def condition(env: Mapping[str, Any]) -> Any:
        value = run(env)
        return value if value.__class__ is bool else None

    return condition


def _as_number(run: Callable[[Mapping[str, Any]], Any]) -> Fn:
    def number(env: Mapping[str, Any]) -> Any:
        value = run(env)
        kind = value.__class__
        if kind is float:
            return value
        if kind is int:
            try:
                return float(value)
            except OverflowError:
                return None
        return None

    return number
