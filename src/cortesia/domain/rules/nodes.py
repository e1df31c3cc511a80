"""The small tree a rule is parsed into, and the kinds of value a node may give.

Both interpreters (the row closures and the Polars translation) walk this tree, never Python's
``ast``: the whitelist walk in :mod:`cortesia.domain.rules.syntax` is the only door in.
Every node keeps the 1-based column it starts at (for messages) and ``kinds``, the kinds of
non-null value it can give as far as the text alone tells (a variable can give any kind).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Kind(StrEnum):
    """The kinds of value a rule works with; ints and floats are both numbers."""

    NUMBER = "number"
    STRING = "string"
    BOOL = "boolean"
    DATE = "date"


ANY: frozenset[Kind] = frozenset(Kind)
NUMBER: frozenset[Kind] = frozenset({Kind.NUMBER})
BOOL: frozenset[Kind] = frozenset({Kind.BOOL})
NOTHING: frozenset[Kind] = frozenset()

#: A literal value as it appears in a rule (``None`` is the null literal).
Literal = str | int | float | bool | date | None


def kind_of_literal(value: Literal) -> Kind | None:
    """The kind of a literal, ``None`` for the null literal (bool before int: bool is no number)."""
    if isinstance(value, bool):
        return Kind.BOOL
    if isinstance(value, int | float):
        return Kind.NUMBER
    if isinstance(value, str):
        return Kind.STRING
    if isinstance(value, date):
        return Kind.DATE
    return None


@dataclass(frozen=True, slots=True)
class Const:
    """A literal: number, string, true/false, null, or ``date("…")``."""

    value: Literal
    column: int

    @property
    def kinds(self) -> frozenset[Kind]:
        kind = kind_of_literal(self.value)
        return NOTHING if kind is None else frozenset({kind})


@dataclass(frozen=True, slots=True)
class Name:
    """A variable; a dotted path such as ``consent.sms.marketing`` is one flat name."""

    name: str
    column: int
    kinds: frozenset[Kind] = field(default=ANY, repr=False)


@dataclass(frozen=True, slots=True)
class Negate:
    """Unary minus (``plus=True`` for unary plus, which only checks for a number)."""

    operand: Node
    column: int
    plus: bool = False
    kinds: frozenset[Kind] = field(default=NUMBER, repr=False)


@dataclass(frozen=True, slots=True)
class Arith:
    """``+ - * / %`` on numbers."""

    op: str
    left: Node
    right: Node
    column: int
    kinds: frozenset[Kind] = field(default=NUMBER, repr=False)


@dataclass(frozen=True, slots=True)
class Compare:
    """One comparison ``== != < <= > >=``; chains are split into ``and`` of pairs."""

    op: str
    left: Node
    right: Node
    column: int
    kinds: frozenset[Kind] = field(default=BOOL, repr=False)


@dataclass(frozen=True, slots=True)
class InList:
    """``x in [..]`` / ``x not in [..]`` against a list of literals of one kind."""

    operand: Node
    values: tuple[str | int | float | bool | date, ...]
    kind: Kind
    negated: bool
    column: int
    kinds: frozenset[Kind] = field(default=BOOL, repr=False)


@dataclass(frozen=True, slots=True)
class IsNone:
    """``x is None`` / ``x is not None``: never null itself."""

    operand: Node
    negated: bool
    column: int
    kinds: frozenset[Kind] = field(default=BOOL, repr=False)


@dataclass(frozen=True, slots=True)
class Not:
    """``not x`` in three-valued logic."""

    operand: Node
    column: int
    kinds: frozenset[Kind] = field(default=BOOL, repr=False)


@dataclass(frozen=True, slots=True)
class Logic:
    """``and`` / ``or`` over two or more operands, in three-valued (Kleene) logic."""

    op: str
    operands: tuple[Node, ...]
    column: int
    kinds: frozenset[Kind] = field(default=BOOL, repr=False)


@dataclass(frozen=True, slots=True)
class IfElse:
    """``then if test else otherwise``: ``otherwise`` when the test is false or null."""

    test: Node
    then: Node
    otherwise: Node
    column: int
    kinds: frozenset[Kind] = field(default=ANY, repr=False)


@dataclass(frozen=True, slots=True)
class Call:
    """A call of one of the fixed functions (``FUNCTIONS``)."""

    function: str
    args: tuple[Node, ...]
    column: int
    kinds: frozenset[Kind] = field(default=ANY, repr=False)


Node = Const | Name | Negate | Arith | Compare | InList | IsNone | Not | Logic | IfElse | Call


def names_read(node: Node) -> frozenset[str]:
    """Every variable a tree reads (``today`` included when a date function needs it)."""
    if isinstance(node, Name):
        return frozenset({node.name})
    found: set[str] = set()
    if isinstance(node, Call) and node.function in TODAY_FUNCTIONS:
        found.add(TODAY)
    for child in children(node):
        found |= names_read(child)
    return frozenset(found)


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-trees of a node, left to right."""
    if isinstance(node, Negate | Not | InList | IsNone):
        return (node.operand,)
    if isinstance(node, Arith | Compare):
        return (node.left, node.right)
    if isinstance(node, Logic):
        return node.operands
    if isinstance(node, IfElse):
        return (node.test, node.then, node.otherwise)
    if isinstance(node, Call):
        return node.args
    return ()


#: The variable holding the current day, read by ``days_since`` and ``days_until``.
TODAY = "today"
TODAY_FUNCTIONS = frozenset({"days_since", "days_until"})
