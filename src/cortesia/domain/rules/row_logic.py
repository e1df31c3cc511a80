"""``and``, ``or`` and ``not`` as closures, in three-valued (Kleene) logic.

``and`` is false as soon as one operand is false, true when all are true, null otherwise;
``or`` the mirror image. Operands are evaluated left to right and evaluation stops at the
first operand that settles the answer, which never changes the answer: rules have no effects.
Any operand value other than true or false (null, or a number) counts as null.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cortesia.domain.rules.nodes import Logic, Node, Not

Env = Mapping[str, Any]
Fn = Callable[[Env], Any]
Compile = Callable[[Node], Fn]


def compile_logic(node: Logic, compile_tree: Compile) -> Fn:
    """The closure for an ``and`` / ``or`` node (two operands get their own fast shape)."""
    operands = tuple(compile_tree(operand) for operand in node.operands)
    if node.op == "and":
        return _and2(*operands) if len(operands) == 2 else _and(operands)
    return _or2(*operands) if len(operands) == 2 else _or(operands)


def compile_not(node: Not, compile_tree: Compile) -> Fn:
    """The closure for ``not``: null stays null."""
    operand = compile_tree(node.operand)

    def run(env: Env) -> Any:
        value = operand(env)
        if value is True:
            return False
        if value is False:
            return True
        return None

    return run


def _and2(first: Fn, second: Fn) -> Fn:
    def run(env: Env) -> Any:
        a = first(env)
        if a is False:
            return False
        b = second(env)
        if b is False:
            return False
        return True if a is True and b is True else None

    return run


def _and(operands: tuple[Fn, ...]) -> Fn:
    def run(env: Env) -> Any:
        unknown = False
        for operand in operands:
            value = operand(env)
            if value is False:
                return False
            if value is not True:
                unknown = True
        return None if unknown else True

    return run


def _or2(first: Fn, second: Fn) -> Fn:
    def run(env: Env) -> Any:
        a = first(env)
        if a is True:
            return True
        b = second(env)
        if b is True:
            return True
        return False if a is False and b is False else None

    return run


def _or(operands: tuple[Fn, ...]) -> Fn:
    def run(env: Env) -> Any:
        unknown = False
        for operand in operands:
            value = operand(env)
            if value is True:
                return True
            if value is not False:
                unknown = True
        return None if unknown else False

    return run
