"""The row interpreter: a rule's tree compiled once into nested closures.

Each node becomes a small function of the environment, specialised by node type and by the
shape of its operands, so the common eligibility test — a variable against a literal, such as
``tenure >= 12`` or ``plan in ["a", "b"]`` — costs one dictionary lookup, one class check and
one comparison. Sub-trees that read no variable are computed once, here. Every function
returns a *normal* value (see :mod:`cortesia.domain.rules.values`): ``None``, bool, int,
float, str or date.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from cortesia.domain.rules.nodes import (
    Arith,
    Call,
    Compare,
    Const,
    IfElse,
    InList,
    IsNone,
    Logic,
    Name,
    Negate,
    Node,
    Not,
    names_read,
)
from cortesia.domain.rules.row_calls import compile_call
from cortesia.domain.rules.row_logic import compile_logic, compile_not
from cortesia.domain.rules.values import EQUATABLE, NUMS, ORDERED, PLAIN, normal

Env = Mapping[str, Any]
Fn = Callable[[Env], Any]
Slow = Callable[[Any], Any]
_Fast = Callable[[str, Any, Slow], Fn]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
# ``1 < x`` is ``x > 1``: a literal on the left is turned round to use the fast paths.
_SWAP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

# Fast paths for a variable against a literal number: exact int/float (NaN excluded by
# ``v == v``) compares directly; anything else goes the slow way through ``normal``.
_NUMBER_FAST: dict[str, _Fast] = {
    "==": lambda k, c, slow: (
        lambda env: (v == c) if ((v := env.get(k)).__class__ in NUMS and v == v) else slow(v)
    ),
    "!=": lambda k, c, slow: (
        lambda env: (v != c) if ((v := env.get(k)).__class__ in NUMS and v == v) else slow(v)
    ),
    "<": lambda k, c, slow: (
        lambda env: (v < c) if ((v := env.get(k)).__class__ in NUMS and v == v) else slow(v)
    ),
    "<=": lambda k, c, slow: (
        lambda env: (v <= c) if ((v := env.get(k)).__class__ in NUMS and v == v) else slow(v)
    ),
    ">": lambda k, c, slow: (
        lambda env: (v > c) if ((v := env.get(k)).__class__ in NUMS and v == v) else slow(v)
    ),
    ">=": lambda k, c, slow: (
        lambda env: (v >= c) if ((v := env.get(k)).__class__ in NUMS and v == v) else slow(v)
    ),
}
_STRING_FAST: dict[str, _Fast] = {
    "==": lambda k, c, slow: (
        lambda env: (v == c) if (v := env.get(k)).__class__ is str else slow(v)
    ),
    "!=": lambda k, c, slow: (
        lambda env: (v != c) if (v := env.get(k)).__class__ is str else slow(v)
    ),
}


def compile_tree(node: Node) -> Fn:
    """The closure computing ``node`` for one environment."""
    if not isinstance(node, Const | Name) and not names_read(node):
        node = constant(node)
    return _COMPILERS[type(node)](node)


def constant(node: Node) -> Const:
    """A variable-free sub-tree replaced by its value, computed once."""
    if isinstance(node, Const):
        return node
    value = _COMPILERS[type(node)](node)({})
    return Const(value, node.column)


def _const(node: Const) -> Fn:
    value = node.value

    def run(env: Env) -> Any:
        return value

    return run


def _name(node: Name) -> Fn:
    key = node.name

    def run(env: Env) -> Any:
        value = env.get(key)
        return value if value.__class__ in PLAIN else normal(value)

    return run


def _compare(node: Compare) -> Fn:
    op, left, right = node.op, node.left, node.right
    if not names_read(left) and isinstance(right, Name):
        op, left, right = _SWAP[op], right, left
    if isinstance(left, Name) and not names_read(right):
        return _name_vs_literal(op, left.name, constant(right).value)
    return _generic_compare(op, compile_tree(left), compile_tree(right))


def _name_vs_literal(op: str, key: str, literal: Any) -> Fn:
    fn = _OPS[op]
    allowed = EQUATABLE if op in ("==", "!=") else ORDERED
    literal_class = literal.__class__
    if literal_class not in allowed:
        return _const(Const(None, 0))

    def slow(value: Any) -> Any:
        value = normal(value)
        kind = value.__class__
        if kind is literal_class or (kind in NUMS and literal_class in NUMS):
            return fn(value, literal)
        return None

    fast = None
    if literal_class in NUMS:
        fast = _NUMBER_FAST.get(op)
    elif literal_class is str:
        fast = _STRING_FAST.get(op)
    if fast is not None:
        return fast(key, literal, slow)

    def run(env: Env) -> Any:
        return slow(env.get(key))

    return run


def _generic_compare(op: str, left: Fn, right: Fn) -> Fn:
    fn = _OPS[op]
    allowed = EQUATABLE if op in ("==", "!=") else ORDERED

    def run(env: Env) -> Any:
        a = left(env)
        b = right(env)
        ka = a.__class__
        kb = b.__class__
        if (ka is kb and ka in allowed) or (ka in NUMS and kb in NUMS):
            return fn(a, b)
        return None

    return run


def _in_list(node: InList) -> Fn:
    members = frozenset(node.values)
    classes = frozenset({value.__class__ for value in node.values})
    if classes <= NUMS:
        classes = NUMS
    negated = node.negated
    operand = compile_tree(node.operand)

    def run(env: Env) -> Any:
        value = operand(env)
        if value.__class__ in classes:
            return (value in members) is not negated
        return None

    if not isinstance(node.operand, Name):
        return run
    key = node.operand.name

    def fast(env: Env) -> Any:
        value = env.get(key)
        if value.__class__ in classes and value == value:
            return (value in members) is not negated
        value = normal(value)
        return (value in members) is not negated if value.__class__ in classes else None

    return fast


def _is_none(node: IsNone) -> Fn:
    operand = compile_tree(node.operand)
    negated = node.negated

    def run(env: Env) -> Any:
        return (operand(env) is None) is not negated

    return run


def _negate(node: Negate) -> Fn:
    operand = compile_tree(node.operand)
    plus = node.plus

    def run(env: Env) -> Any:
        value = operand(env)
        if value.__class__ in NUMS:
            return value if plus else -value
        return None

    return run


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,  # Python's floor modulo: the sign of the divisor, as Polars
}


def _arith(node: Arith) -> Fn:
    fn = _ARITH[node.op]
    left = compile_tree(node.left)
    right = compile_tree(node.right)

    def run(env: Env) -> Any:
        a = left(env)
        b = right(env)
        if a.__class__ in NUMS and b.__class__ in NUMS:
            try:
                result = fn(a, b)
            except ArithmeticError:  # division by zero, or an int too big for a float
                return None
            return result if result == result else None
        return None

    return run


def _if_else(node: IfElse) -> Fn:
    test = compile_tree(node.test)
    then = compile_tree(node.then)
    otherwise = compile_tree(node.otherwise)

    def run(env: Env) -> Any:
        return then(env) if test(env) is True else otherwise(env)

    return run


_COMPILERS: dict[type, Callable[[Any], Fn]] = {
    Const: _const,
    Name: _name,
    Compare: _compare,
    InList: _in_list,
    IsNone: _is_none,
    Negate: _negate,
    Arith: _arith,
    IfElse: _if_else,
    Logic: lambda node: compile_logic(node, compile_tree),
    Not: lambda node: compile_not(node, compile_tree),
    Call: lambda node: compile_call(node, compile_tree),
}
