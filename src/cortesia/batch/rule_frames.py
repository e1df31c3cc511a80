"""The columnar interpreter: a rule's tree translated into one Polars expression.

It must give, row by row, exactly what the row interpreter gives (a property test holds them
equal). The row interpreter decides kinds value by value; here a column has one dtype, and an
intermediate result may hold values of several kinds (``coalesce(plan, tenure)`` is a string
in one row and a number in the next). So every node translates to a *typed union*: one
expression per kind it can give, at most one of them non-null in any row. An operation
combines the pairs of kinds it accepts and leaves the rest null — which is how "comparing a
string with a number is null" comes out without Polars ever being asked to compare them.

>>> import polars as pl
>>> from cortesia.domain.rules import RuleKind, parse_rule
>>> frame = pl.DataFrame({"tenure": [3, 20, None], "plan": ["prepaid", "postpaid", "prepaid"]})
>>> rule = parse_rule('tenure >= 12 or plan == "postpaid"', RuleKind.CONDITION)
>>> evaluate_frame(rule, frame).to_list()
[False, True, None]
>>> evaluate_frame(parse_rule("tenure / 2", RuleKind.NUMBER), frame).to_list()
[1.5, 10.0, None]
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from functools import reduce
from typing import Any

import numpy as np
import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from cortesia.domain.rules import Rule, RuleKind
from cortesia.domain.rules.nodes import (
    TODAY,
    Arith,
    Call,
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

Typed = dict[Kind, pl.Expr]

_DTYPES: dict[Kind, pl.DataType] = {
    Kind.NUMBER: pl.Float64(),
    Kind.STRING: pl.String(),
    Kind.BOOL: pl.Boolean(),
    Kind.DATE: pl.Date(),
}
_COMPARE: dict[str, Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_ORDERED = frozenset({Kind.NUMBER, Kind.STRING, Kind.DATE})
_OUTPUT = "__cortesia_rule__"


def rule_expr(rule: Rule, schema: Mapping[str, pl.DataType]) -> pl.Expr:
    """The Polars expression computing ``rule`` over a frame with ``schema``.

    Variables are the frame's columns (a dotted name is one column); an absent column is null.
    Conditions give a Boolean column (true, false or null), numbers a Float64 column.
    """
    typed = _Translator(schema).translate(rule.tree)
    if rule.kind is RuleKind.CONDITION:
        return typed.get(Kind.BOOL, _null(Kind.BOOL))
    return typed.get(Kind.NUMBER, _null(Kind.NUMBER)).cast(pl.Float64)


def evaluate_frame(rule: Rule, frame: pl.DataFrame) -> pl.Series:
    """``rule`` for every row of ``frame``: the same values ``rule.evaluate`` gives per row."""
    expr = rule_expr(rule, frame.schema)
    return frame.with_columns(expr.alias(_OUTPUT)).get_column(_OUTPUT).alias("rule")


def _null(kind: Kind) -> pl.Expr:
    return pl.lit(None, dtype=_DTYPES[kind])


def _first(parts: Sequence[pl.Expr], kind: Kind) -> pl.Expr:
    """The one non-null part per row (parts come from disjoint kinds)."""
    if not parts:
        return _null(kind)
    return parts[0] if len(parts) == 1 else pl.coalesce(parts)


def _column(name: str, dtype: pl.DataType) -> Typed:
    column = pl.col(name)
    if dtype.is_float() or isinstance(dtype, pl.Decimal):
        # NaN is null in a rule (a NaN compares greater than everything in Polars).
        return {Kind.NUMBER: column.cast(pl.Float64).fill_nan(None)}
    if dtype.is_integer():
        return {Kind.NUMBER: column}
    if dtype == pl.String:
        return {Kind.STRING: column}
    if isinstance(dtype, pl.Categorical | pl.Enum):
        return {Kind.STRING: column.cast(pl.String)}
    if dtype == pl.Boolean:
        return {Kind.BOOL: column}
    if dtype == pl.Date:
        return {Kind.DATE: column}
    if isinstance(dtype, pl.Datetime):
        return {Kind.DATE: column.dt.date()}
    return {}  # Null, lists, structs…: a value the row interpreter also reads as null


def _literal(value: object) -> Typed:
    if value is None:
        return {}
    if isinstance(value, bool):
        return {Kind.BOOL: pl.lit(value, dtype=pl.Boolean)}
    if isinstance(value, int):
        return {Kind.NUMBER: pl.lit(value, dtype=pl.Int64)}
    if isinstance(value, float):
        return {Kind.NUMBER: pl.lit(value, dtype=pl.Float64)}
    if isinstance(value, str):
        return {Kind.STRING: pl.lit(value, dtype=pl.String)}
    return {Kind.DATE: pl.lit(value, dtype=pl.Date)}


def _exact(ufunc: np.ufunc, left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """``/`` or ``%`` computed by NumPy, as Python computes them, with null for a zero divisor.

    Polars' float ``%`` is ``a - b * floor(a / b)`` and its division by a literal multiplies
    by the reciprocal; both differ from Python in the last bits. NumPy's ``divide`` is IEEE
    division and its ``remainder`` is Python's floor modulo, bit for bit.
    """

    def compute(series: Sequence[pl.Series]) -> pl.Series:
        size = series[2].len()
        a = np.broadcast_to(series[0].cast(pl.Float64).to_numpy(), size)
        b = np.broadcast_to(series[1].cast(pl.Float64).to_numpy(), size)
        with np.errstate(all="ignore"):  # nulls arrive as NaN and leave as null
            result = np.where(b == 0, np.nan, ufunc(a, b))
        return pl.Series(result, dtype=pl.Float64).fill_nan(None)

    # The row counter makes literal operands broadcast to the frame's height.
    inputs = [left, right, pl.int_range(pl.len())]
    return pl.map_batches(inputs, compute, return_dtype=pl.Float64)


def _arith(op: str, a: pl.Expr, b: pl.Expr) -> pl.Expr:
    # Numbers are computed as 64-bit floats, as the row interpreter's results are read:
    # exact for integers within ±2**53.
    a = a.cast(pl.Float64)
    b = b.cast(pl.Float64)
    if op == "/":
        return _exact(np.divide, a, b)
    if op == "%":
        return _exact(np.remainder, a, b)
    combine = {"+": operator.add, "-": operator.sub, "*": operator.mul}[op]
    result: pl.Expr = combine(a, b)
    return result.fill_nan(None)


class _Translator:
    """Walks a rule's tree into typed unions, reading kinds from the frame's schema."""

    def __init__(self, schema: Mapping[str, pl.DataType]) -> None:
        self.schema = schema

    def translate(self, node: Node) -> Typed:
        method: Callable[[Any], Typed] = getattr(self, "_" + type(node).__name__.lower())
        return method(node)

    def _const(self, node: Const) -> Typed:
        return _literal(node.value)

    def _name(self, node: Name) -> Typed:
        return self.read(node.name)

    def read(self, name: str) -> Typed:
        dtype = self.schema.get(name)
        return {} if dtype is None else _column(name, dtype)

    def _negate(self, node: Negate) -> Typed:
        number = self.translate(node.operand).get(Kind.NUMBER)
        if number is None:
            return {}
        return {Kind.NUMBER: number if node.plus else -number}

    def _arith(self, node: Arith) -> Typed:
        left = self.translate(node.left).get(Kind.NUMBER)
        right = self.translate(node.right).get(Kind.NUMBER)
        if left is None or right is None:
            return {}
        return {Kind.NUMBER: _arith(node.op, left, right)}

    def _compare(self, node: Compare) -> Typed:
        left = self.translate(node.left)
        right = self.translate(node.right)
        fn = _COMPARE[node.op]
        ordering = node.op not in ("==", "!=")
        parts = [
            fn(left[kind], right[kind])
            for kind in Kind
            if kind in left and kind in right and (kind in _ORDERED or not ordering)
        ]
        return {Kind.BOOL: _first(parts, Kind.BOOL)}

    def _inlist(self, node: InList) -> Typed:
        operand = self.translate(node.operand).get(node.kind)
        if operand is None:
            return {Kind.BOOL: _null(Kind.BOOL)}
        values: list[object] = list(node.values)
        if node.kind is Kind.NUMBER:
            operand = operand.cast(pl.Float64)
            values = [float(value) for value in node.values]  # type: ignore[arg-type]
        # A Python list, not a Series: a Series of the column's own dtype is deprecated.
        found = operand.is_in(values)
        return {Kind.BOOL: ~found if node.negated else found}

    def _isnone(self, node: IsNone) -> Typed:
        parts = [expr.is_null() for expr in self.translate(node.operand).values()]
        missing = pl.all_horizontal(parts) if parts else pl.lit(True)
        return {Kind.BOOL: ~missing if node.negated else missing}

    def _not(self, node: Not) -> Typed:
        operand = self.translate(node.operand).get(Kind.BOOL, _null(Kind.BOOL))
        return {Kind.BOOL: ~operand}

    def _logic(self, node: Logic) -> Typed:
        parts = [self.translate(op).get(Kind.BOOL, _null(Kind.BOOL)) for op in node.operands]
        combine = operator.and_ if node.op == "and" else operator.or_
        # Polars' & and | are Kleene's, as the row interpreter's and/or.
        return {Kind.BOOL: reduce(combine, parts)}

    def _ifelse(self, node: IfElse) -> Typed:
        then = self.translate(node.then)
        otherwise = self.translate(node.otherwise)
        test = self.translate(node.test).get(Kind.BOOL)
        if test is None:
            return otherwise
        return {
            kind: pl.when(test)
            .then(then.get(kind, _null(kind)))
            .otherwise(otherwise.get(kind, _null(kind)))
            for kind in Kind
            if kind in then or kind in otherwise
        }

    def _call(self, node: Call) -> Typed:
        args = [self.translate(arg) for arg in node.args]
        return translate_call(node, args, self.read(TODAY))


def translate_call(call: Call, args: list[Typed], today: Typed) -> Typed:
    """The typed union for a call of one of the rule functions."""
    name = call.function
    if name == "coalesce":
        return _coalesce(args)
    if name in ("min", "max"):
        return _extreme(name, args)
    if name in ("days_since", "days_until"):
        day, now = args[0].get(Kind.DATE), today.get(Kind.DATE)
        if day is None or now is None:
            return {}
        span = now - day if name == "days_since" else day - now
        return {Kind.NUMBER: span.dt.total_days()}
    (operand, *_) = args
    if name in ("lower", "upper"):
        text = operand.get(Kind.STRING)
        if text is None:
            return {}
        return {
            Kind.STRING: text.str.to_lowercase() if name == "lower" else text.str.to_uppercase()
        }
    number = operand.get(Kind.NUMBER)
    if number is None:
        return {}
    if name == "abs":
        return {Kind.NUMBER: number.abs()}
    return {Kind.NUMBER: _round(number, call)}


def _round(number: pl.Expr, call: Call) -> pl.Expr:
    digits = call.args[1].value if len(call.args) > 1 and isinstance(call.args[1], Const) else 0
    scale = 10.0 ** (digits if isinstance(digits, int) else 0)
    # The same float operations as the row interpreter's round_half_away.
    scaled = number.cast(pl.Float64) * scale
    return _exact(np.divide, scaled.round(0, mode="half_away_from_zero"), pl.lit(scale))


def _extreme(name: str, args: list[Typed]) -> Typed:
    numbers = [arg.get(Kind.NUMBER) for arg in args]
    present = [number for number in numbers if number is not None]
    if len(present) < len(numbers):
        return {}  # an argument that is never a number: always null
    # Null as soon as one argument is null, unlike Polars' own min_horizontal.
    any_null = pl.any_horizontal([number.is_null() for number in present])
    pick = pl.min_horizontal(present) if name == "min" else pl.max_horizontal(present)
    return {Kind.NUMBER: pl.when(any_null).then(None).otherwise(pick)}


def _coalesce(args: list[Typed]) -> Typed:
    args = [arg for arg in args if arg]  # an argument with no kind is always null
    kinds = [kind for kind in Kind if any(kind in arg for arg in args)]
    if len(kinds) <= 1:
        return {kind: pl.coalesce([arg[kind] for arg in args]) for kind in kinds}
    # Values of several kinds: the first argument that is not null decides, kind by kind.
    present = [pl.any_horizontal([e.is_not_null() for e in arg.values()]) for arg in args]
    result: Typed = {}
    for kind in kinds:
        chain: Then | ChainedThen = pl.when(present[0]).then(args[0].get(kind, _null(kind)))
        for flag, arg in zip(present[1:], args[1:], strict=True):
            chain = chain.when(flag).then(arg.get(kind, _null(kind)))
        result[kind] = chain.otherwise(_null(kind))
    return result
