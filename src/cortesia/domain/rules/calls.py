"""Checking a function call while walking a rule: known name, arity, argument kinds."""

from __future__ import annotations

import ast
import difflib
from datetime import date
from typing import NoReturn, Protocol

from cortesia.domain.rules.functions import FUNCTIONS, MAX_ROUND_DIGITS, Function
from cortesia.domain.rules.nodes import Call, Const, Kind, Node


class Walker(Protocol):
    """What the syntax walker offers the call checks."""

    def walk(self, node: ast.AST, depth: int) -> Node: ...

    def fail(self, column: int, reason: str) -> NoReturn: ...

    def column(self, node: ast.AST) -> int: ...

    def after(self, node: ast.AST) -> int: ...

    def need(self, operand: Node, kinds: frozenset[Kind], reason: str) -> None: ...


def check_call(walker: Walker, node: ast.Call, depth: int) -> Node:
    """Our node for a call of one of ``FUNCTIONS``, or a :class:`RuleError` saying why not."""
    column = walker.column(node)
    if isinstance(node.func, ast.Attribute):
        walker.fail(
            walker.after(node.func.value),
            "method calls such as `x.lower()` are not supported; call a function: `lower(x)`",
        )
    if not isinstance(node.func, ast.Name):
        walker.fail(column, "only the rule functions can be called")
    function = FUNCTIONS.get(node.func.id)
    if function is None:
        walker.fail(column, _unknown(node.func.id))
    if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
        walker.fail(column, f"{function.name}() takes plain arguments, without names or `*`")
    count = len(node.args)
    if count < function.min_args or (function.max_args is not None and count > function.max_args):
        walker.fail(column, f"{function.name}() takes {function.arity()}, got {count}")
    if function.name == "date":
        return _date_literal(walker, node.args[0], column)
    args = tuple(walker.walk(arg, depth) for arg in node.args)
    for arg in args:
        walker.need(arg, function.takes, f"{function.name}() needs {_takes(function)}")
    if function.name == "round" and len(args) == 2:
        _check_digits(walker, args[1])
    gives = function.gives
    if function.name == "coalesce":
        gives = frozenset().union(*(arg.kinds for arg in args))
    return Call(function.name, args, column, gives)


def _unknown(name: str) -> str:
    close = difflib.get_close_matches(name, list(FUNCTIONS), n=1)
    hint = f"; did you mean `{close[0]}`?" if close else ""
    return f"unknown function `{name}`{hint} (functions: {', '.join(sorted(FUNCTIONS))})"


def _takes(function: Function) -> str:
    words = {Kind.NUMBER: "numbers", Kind.STRING: "a string", Kind.DATE: "a date"}
    return " or ".join(words.get(kind, kind.value) for kind in Kind if kind in function.takes)


def _date_literal(walker: Walker, arg: ast.AST, column: int) -> Node:
    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
        walker.fail(walker.column(arg), 'date() takes a literal such as date("2026-05-01")')
    try:
        value = date.fromisoformat(arg.value)
    except ValueError:
        walker.fail(walker.column(arg), f"{arg.value!r} is not a date written YYYY-MM-DD")
    return Const(value, column)


def _check_digits(walker: Walker, digits: Node) -> None:
    value = digits.value if isinstance(digits, Const) else None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ROUND_DIGITS:
        walker.fail(
            digits.column, f"round() digits must be a whole number from 0 to {MAX_ROUND_DIGITS}"
        )
