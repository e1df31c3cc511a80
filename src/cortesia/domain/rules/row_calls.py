"""The rule functions as closures for the row interpreter (see ``functions.FUNCTIONS``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from cortesia.domain.rules.nodes import TODAY, Call, Const, Node
from cortesia.domain.rules.values import NUMS, normal, round_half_away

Env = Mapping[str, Any]
Fn = Callable[[Env], Any]
Compile = Callable[[Node], Fn]
_Builder = Callable[[Call, tuple[Fn, ...]], Fn]


def compile_call(node: Call, compile_tree: Compile) -> Fn:
    """The closure for a call of one of the rule functions."""
    args = tuple(compile_tree(arg) for arg in node.args)
    return _BUILDERS[node.function](node, args)


def _abs(node: Call, args: tuple[Fn, ...]) -> Fn:
    (operand,) = args

    def run(env: Env) -> Any:
        value = operand(env)
        return abs(value) if value.__class__ in NUMS else None

    return run


def _extreme(pick: Callable[[list[Any]], Any]) -> _Builder:
    def build(node: Call, args: tuple[Fn, ...]) -> Fn:
        def run(env: Env) -> Any:
            values = [arg(env) for arg in args]
            for value in values:
                if value.__class__ not in NUMS:  # null or not a number: no answer
                    return None
            return pick(values)

        return run

    return build


def _round(node: Call, args: tuple[Fn, ...]) -> Fn:
    operand = args[0]
    digits_node = node.args[1] if len(node.args) > 1 else Const(0, 0)
    digits = digits_node.value if isinstance(digits_node, Const) else 0
    places = digits if isinstance(digits, int) else 0

    def run(env: Env) -> Any:
        value = operand(env)
        return round_half_away(value, places) if value.__class__ in NUMS else None

    return run


def _coalesce(node: Call, args: tuple[Fn, ...]) -> Fn:
    def run(env: Env) -> Any:
        for arg in args:
            value = arg(env)
            if value is not None:
                return value
        return None

    return run


def _case(upper: bool) -> _Builder:
    def build(node: Call, args: tuple[Fn, ...]) -> Fn:
        (operand,) = args

        def run(env: Env) -> Any:
            value = operand(env)
            if value.__class__ is not str:
                return None
            return value.upper() if upper else value.lower()

        return run

    return build


def _days(since: bool) -> _Builder:
    def build(node: Call, args: tuple[Fn, ...]) -> Fn:
        (operand,) = args

        def run(env: Env) -> Any:
            today = normal(env.get(TODAY))
            day = operand(env)
            if today.__class__ is not date or day.__class__ is not date:
                return None
            return (today - day).days if since else (day - today).days

        return run

    return build


_BUILDERS: dict[str, _Builder] = {
    "abs": _abs,
    "min": _extreme(min),
    "max": _extreme(max),
    "round": _round,
    "coalesce": _coalesce,
    "lower": _case(upper=False),
    "upper": _case(upper=True),
    "days_since": _days(since=True),
    "days_until": _days(since=False),
}
