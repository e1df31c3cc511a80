"""From rule text to the node tree: Python's own parser, then a whitelist walk.

The text is parsed with ``ast.parse(mode="eval")`` — nothing is ever evaluated or compiled —
and every node is checked against what the language allows. Anything else (subscripts, method
calls, lambdas, comprehensions, ``**``…) is refused with the column where it starts, as are
mistakes the text alone shows: ``"a" + 1``, ``plan == 3`` with a string on the other side…
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any, NoReturn

from cortesia.domain.rules.calls import check_call
from cortesia.domain.rules.errors import RuleError
from cortesia.domain.rules.nodes import (
    BOOL,
    NUMBER,
    Arith,
    Compare,
    Const,
    IfElse,
    InList,
    IsNone,
    Kind,
    Logic,
    Name,
    Negate,
    Node,
    Not,
)
from cortesia.domain.rules.refusals import describe, refusal

#: Longest rule text accepted, in characters.
MAX_LENGTH = 2000
#: Deepest nesting of operations accepted.
MAX_DEPTH = 50

_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%"}
_COMPARE = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_ORDERABLE = frozenset({Kind.NUMBER, Kind.STRING, Kind.DATE})
_BIGGEST_INT = 2**53


def parse_tree(text: str, where: str) -> Node:
    """Parse rule ``text`` (already stripped) into a checked tree, or raise :class:`RuleError`."""
    if not text:
        raise RuleError(where, text, 1, "the rule is empty")
    if len(text) > MAX_LENGTH:
        raise RuleError(
            where, text[:60] + "…", MAX_LENGTH + 1, f"longer than {MAX_LENGTH} characters"
        )
    if "\0" in text:
        raise RuleError(where, text, text.index("\0") + 1, "the text holds a null character")
    # Line breaks and tabs become spaces, so a rule folded over lines in a YAML file parses
    # and every column stays the character's position in the text.
    flat = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    try:
        tree = ast.parse(flat, mode="eval")
    except SyntaxError as error:
        offset = error.offset if error.offset and error.offset > 0 else len(text) + 1
        raise RuleError(where, text, offset, _syntax_reason(error.msg, flat, offset)) from None
    except (RecursionError, MemoryError):
        raise RuleError(where, text, 1, "nested too deeply") from None
    return _Walker(flat, where).walk(tree.body, 0)


def _syntax_reason(message: str, text: str, column: int) -> str:
    if _single_equals(text, column - 1):
        return "syntax error: a single `=` assigns; compare with `==`"
    if message == "invalid syntax":
        return "syntax error: incomplete or misplaced operator, name or value"
    return f"syntax error: {message}"


def _single_equals(text: str, index: int) -> bool:
    """True when ``text[index]`` is a lone ``=`` (not part of ``==``, ``<=``, ``:=``…)."""
    if not 0 <= index < len(text) or text[index] != "=":
        return False
    before = text[index - 1] if index > 0 else " "
    return before not in "=!<>:" and text[index + 1 : index + 2] != "="


class _Walker:
    """One pass over Python's tree, building ours and refusing what is not allowed."""

    def __init__(self, text: str, where: str) -> None:
        self.text = text
        self.where = where
        self.raw = text.encode("utf-8")
        self.handlers: dict[type[ast.AST], Callable[[Any, int], Node]] = {
            ast.Constant: self._constant,
            ast.Name: self._name,
            ast.Attribute: self._attribute,
            ast.UnaryOp: self._unary,
            ast.BinOp: self._binary,
            ast.BoolOp: self._bool_op,
            ast.Compare: self._compare,
            ast.IfExp: self._if_else,
            ast.Call: self._call,
        }

    def fail(self, column: int, reason: str) -> NoReturn:
        raise RuleError(self.where, self.text, column, reason)

    def column(self, node: ast.AST) -> int:
        """1-based character column where ``node`` starts (ast counts UTF-8 bytes)."""
        offset = getattr(node, "col_offset", 0)
        return len(self.raw[:offset].decode("utf-8", "replace")) + 1

    def after(self, node: ast.AST) -> int:
        """Column of the operator that follows ``node`` (skipping spaces and parentheses)."""
        end = getattr(node, "end_col_offset", None) or 0
        index = len(self.raw[:end].decode("utf-8", "replace"))
        while index < len(self.text) and self.text[index] in " )":
            index += 1
        return index + 1

    def walk(self, node: ast.AST, depth: int) -> Node:
        if depth > MAX_DEPTH:
            self.fail(self.column(node), f"nested too deeply (more than {MAX_DEPTH} levels)")
        handler = self.handlers.get(type(node))
        if handler is None:
            column = self.after(node.value) if isinstance(node, ast.Subscript) else None
            self.fail(column or self.column(node), refusal(node))
        return handler(node, depth + 1)

    def _constant(self, node: ast.Constant, depth: int) -> Node:
        value = node.value
        column = self.column(node)
        if isinstance(value, float) and not abs(value) < float("inf"):
            self.fail(column, "number too large")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _BIGGEST_INT:
            self.fail(column, "whole numbers must lie within ±9,007,199,254,740,992")
        if value is None or isinstance(value, str | int | float | bool):
            return Const(value, column)
        self.fail(column, refusal(node))

    def _name(self, node: ast.Name, depth: int) -> Node:
        return Name(node.id, self.column(node))

    def _attribute(self, node: ast.AST, depth: int) -> Node:
        parts: list[str] = []
        current = node
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        if not isinstance(current, ast.Name):
            self.fail(self.after(current), "only variable names can be dotted (`consent.sms`)")
        parts.append(current.id)
        return Name(".".join(reversed(parts)), self.column(node))

    def _unary(self, node: ast.UnaryOp, depth: int) -> Node:
        column = self.column(node)
        if isinstance(node.op, ast.Not):
            operand = self.walk(node.operand, depth)
            self.need(operand, BOOL, "`not` needs a condition (true/false)")
            return Not(operand, column)
        if not isinstance(node.op, ast.USub | ast.UAdd):
            self.fail(column, refusal(node.op))
        operand = self.walk(node.operand, depth)
        sign = "-" if isinstance(node.op, ast.USub) else "+"
        self.need(operand, NUMBER, f"`{sign}` needs a number")
        if isinstance(operand, Const) and isinstance(operand.value, int | float):
            return Const(-operand.value if sign == "-" else operand.value, column)
        return Negate(operand, column, plus=sign == "+")

    def _binary(self, node: ast.BinOp, depth: int) -> Node:
        op = _ARITH.get(type(node.op))
        column = self.after(node.left)
        if op is None:
            self.fail(column, refusal(node.op))
        left = self.walk(node.left, depth)
        right = self.walk(node.right, depth)
        for side, operand in (("left", left), ("right", right)):
            if not operand.kinds & NUMBER:
                got = describe(operand.kinds)
                self.fail(column, f"`{op}` needs numbers; the {side} side is {got}")
        return Arith(op, left, right, column)

    def _bool_op(self, node: ast.BoolOp, depth: int) -> Node:
        op = "and" if isinstance(node.op, ast.And) else "or"
        operands = tuple(self.walk(value, depth) for value in node.values)
        for operand in operands:
            self.need(operand, BOOL, f"`{op}` joins conditions (true/false)")
        return Logic(op, operands, self.column(node))

    def _if_else(self, node: ast.IfExp, depth: int) -> Node:
        test = self.walk(node.test, depth)
        self.need(test, BOOL, "the test after `if` must be a condition (true/false)")
        then = self.walk(node.body, depth)
        otherwise = self.walk(node.orelse, depth)
        return IfElse(test, then, otherwise, self.column(node), then.kinds | otherwise.kinds)

    def _call(self, node: ast.Call, depth: int) -> Node:
        return check_call(self, node, depth)

    def need(self, operand: Node, kinds: frozenset[Kind], reason: str) -> None:
        """Refuse ``operand`` when it can never give a value of ``kinds``."""
        if not operand.kinds & kinds:
            self.fail(operand.column, f"{reason}; this is {describe(operand.kinds)}")

    def _compare(self, node: ast.Compare, depth: int) -> Node:
        left = self.walk(node.left, depth)
        previous: ast.AST = node.left
        pairs: list[Node] = []
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            column = self.after(previous)
            if isinstance(op, ast.In | ast.NotIn | ast.Is | ast.IsNot):
                if len(node.ops) > 1:
                    self.fail(column, "`in` and `is` cannot be chained; join with `and`")
                return self._membership(op, left, comparator, column, depth)
            right = self.walk(comparator, depth)
            pairs.append(self._pair(_COMPARE[type(op)], left, right, column))
            left, previous = right, comparator
        return pairs[0] if len(pairs) == 1 else Logic("and", tuple(pairs), self.column(node))

    def _pair(self, op: str, left: Node, right: Node, column: int) -> Node:
        for operand in (left, right):
            if isinstance(operand, Const) and operand.value is None:
                self.fail(column, "compare with None using `is None` or `is not None`")
        common = left.kinds & right.kinds
        if op not in ("==", "!=") and not common & _ORDERABLE:
            if common:
                self.fail(column, f"`{op}` does not order true/false values")
            common = frozenset()
        if not common:
            self.fail(
                column,
                f"`{op}` compares {describe(left.kinds)} with {describe(right.kinds)}; "
                "values of different kinds never compare (the result would always be null)",
            )
        return Compare(op, left, right, column)

    def _membership(
        self, op: ast.cmpop, left: Node, comparator: ast.AST, column: int, depth: int
    ) -> Node:
        if isinstance(op, ast.Is | ast.IsNot):
            if not (isinstance(comparator, ast.Constant) and comparator.value is None):
                self.fail(column, "`is` only tests for None (`x is None`); use `==` to compare")
            return IsNone(left, isinstance(op, ast.IsNot), column)
        if not isinstance(comparator, ast.List | ast.Tuple):
            reason = "`in` needs a list of values: `x in [1, 2]`"
            if isinstance(comparator, ast.Set):
                reason = refusal(comparator)
            self.fail(self.column(comparator), reason)
        values: list[Const] = []
        for element in comparator.elts:
            item = self.walk(element, depth)
            if not isinstance(item, Const) or item.value is None:
                self.fail(item.column, "a list after `in` holds only numbers, strings, dates…")
            values.append(item)
        if not values:
            self.fail(self.column(comparator), "the list after `in` is empty")
        kinds = frozenset().union(*(value.kinds for value in values))
        if len(kinds) != 1:
            self.fail(self.column(comparator), "the list after `in` mixes kinds of values")
        (kind,) = kinds
        self.need(left, kinds, f"`in` looks for {describe(kinds)} in the list")
        literals = tuple(v.value for v in values if v.value is not None)
        return InList(left, literals, kind, isinstance(op, ast.NotIn), column)
