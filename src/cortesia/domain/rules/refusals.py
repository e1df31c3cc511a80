"""Why a piece of Python is not part of the rule language, in an analyst's words."""

from __future__ import annotations

import ast

from cortesia.domain.rules.nodes import Kind

_REFUSED: dict[type[ast.AST], str] = {
    ast.Subscript: "indexing such as `x[0]` is not supported",
    ast.Lambda: "lambda is not supported",
    ast.ListComp: "comprehensions are not supported",
    ast.SetComp: "comprehensions are not supported",
    ast.DictComp: "comprehensions are not supported",
    ast.GeneratorExp: "comprehensions are not supported",
    ast.Dict: "dictionaries are not supported",
    ast.Set: "sets are not supported; write a list after `in`: `x in [1, 2]`",
    ast.List: "lists are only allowed after `in` / `not in`",
    ast.Tuple: "lists are only allowed after `in` / `not in`",
    ast.JoinedStr: "f-strings are not supported",
    ast.NamedExpr: "assignment (`:=`) is not supported",
    ast.Starred: "`*` unpacking is not supported",
    ast.Await: "`await` is not supported",
    ast.Yield: "`yield` is not supported",
    ast.YieldFrom: "`yield` is not supported",
    ast.Slice: "slices are not supported",
    ast.Pow: "`**` (power) is not supported",
    ast.FloorDiv: "`//` is not supported; use `/` and round()",
    ast.MatMult: "`@` is not supported",
    ast.BitAnd: "`&` is not supported; use `and`",
    ast.BitOr: "`|` is not supported; use `or`",
    ast.BitXor: "`^` is not supported",
    ast.LShift: "`<<` is not supported",
    ast.RShift: "`>>` is not supported",
    ast.Invert: "`~` is not supported; use `not`",
}

_KIND_WORDS = {
    Kind.NUMBER: "a number",
    Kind.STRING: "a string",
    Kind.BOOL: "a condition (true/false)",
    Kind.DATE: "a date",
}


def refusal(node: ast.AST) -> str:
    """The reason ``node`` is refused."""
    reason = _REFUSED.get(type(node))
    if reason is not None:
        return reason
    if isinstance(node, ast.Constant):
        return f"{type(node.value).__name__} values are not supported"
    return f"`{type(node).__name__}` is not part of the rule language"


def describe(kinds: frozenset[Kind]) -> str:
    """Kinds of value in words: ``a number``, ``a string or a date``, ``null (None)``…"""
    if not kinds:
        return "null (None)"
    if kinds == frozenset(Kind):
        return "any value"
    return " or ".join(_KIND_WORDS[kind] for kind in Kind if kind in kinds)
