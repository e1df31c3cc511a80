"""One rule, two interpreters: the row closures and the Polars translation agree on every row.

Random rules are drawn from the grammar (numbers, strings, dates, conditions, functions, lists,
chains, if/else), over columns of fixed kinds and two columns whose dtype is itself drawn
(so strings meet numbers, booleans meet numbers…), with nulls, NaN, infinities, zeros and
halves everywhere.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from cortesia.batch.rule_frames import evaluate_frame, rule_expr
from cortesia.domain.rules import RuleError, RuleKind, parse_rule

SETTINGS = settings(
    max_examples=400,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

TEXT = st.text(alphabet="abAB ñÑßé", max_size=3)
INTS = st.integers(-50, 50) | st.sampled_from([0, 1, -1, 2**31, -(2**40)])
FLOATS = st.floats(-1e3, 1e3) | st.sampled_from(
    [0.0, -0.0, 0.5, 2.5, -2.5, 0.125, 1e300, float("nan"), float("inf"), -float("inf")]
)
DATES = st.dates(date(2025, 1, 1), date(2027, 12, 31))
DTYPES: dict[str, tuple[pl.DataType, st.SearchStrategy[Any]]] = {
    "int": (pl.Int64(), INTS),
    "float": (pl.Float64(), FLOATS),
    "string": (pl.String(), TEXT),
    "bool": (pl.Boolean(), st.booleans()),
    "date": (pl.Date(), DATES),
    "null": (pl.Null(), st.none()),
}
FIXED = {"n": "int", "x": "float", "s": "string", "t": "string", "b": "bool", "c": "bool"}
FIXED |= {"d": "date", "today": "date"}
NUMBER_NAMES = ["n", "x", "v", "w", "missing"]
STRING_NAMES = ["s", "t", "v", "w", "missing"]
BOOL_NAMES = ["b", "c", "v", "w"]
DATE_NAMES = ["d", "v", "missing"]


@st.composite
def frames(draw: st.DrawFn) -> pl.DataFrame:
    kinds = dict(FIXED)
    kinds["v"] = draw(st.sampled_from(sorted(DTYPES)))
    kinds["w"] = draw(st.sampled_from(sorted(DTYPES)))
    height = draw(st.integers(1, 6))
    columns = {}
    for name, kind in kinds.items():
        dtype, values = DTYPES[kind]
        cells = draw(st.lists(st.none() | values, min_size=height, max_size=height))
        columns[name] = pl.Series(name, cells, dtype=dtype)
    return pl.DataFrame(columns)


def literal_number() -> st.SearchStrategy[str]:
    return st.sampled_from(["0", "1", "2", "3", "-1", "0.5", "2.5", "0.1", "12", "1e3"])


def literal_string() -> st.SearchStrategy[str]:
    return TEXT.map(repr)


def numbers(depth: int) -> st.SearchStrategy[str]:
    leaves = st.one_of(
        literal_number(),
        st.sampled_from(NUMBER_NAMES),
        st.sampled_from(["days_since(d)", "days_until(v)", "days_since(date('2026-03-01'))"]),
    )
    if depth <= 0:
        return leaves
    sub = numbers(depth - 1)
    return st.one_of(
        leaves,
        st.tuples(sub, st.sampled_from("+-*/%"), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        sub.map(lambda a: f"-({a})"),
        sub.map(lambda a: f"abs({a})"),
        st.tuples(sub, sub).map(lambda t: f"min({t[0]}, {t[1]})"),
        st.tuples(sub, sub, sub).map(lambda t: f"max({t[0]}, {t[1]}, {t[2]})"),
        st.tuples(sub, st.integers(0, 3)).map(lambda t: f"round({t[0]}, {t[1]})"),
        sub.map(lambda a: f"round({a})"),
        st.tuples(sub, sub).map(lambda t: f"coalesce({t[0]}, {t[1]})"),
        st.tuples(sub, conditions(depth - 1), anything(depth - 1)).map(
            lambda t: f"({t[0]} if {t[1]} else {t[2]})"
        ),
    )


def strings(depth: int) -> st.SearchStrategy[str]:
    leaves = literal_string() | st.sampled_from(STRING_NAMES)
    if depth <= 0:
        return leaves
    sub = strings(depth - 1)
    return st.one_of(
        leaves,
        sub.map(lambda a: f"lower({a})"),
        sub.map(lambda a: f"upper({a})"),
        st.tuples(sub, sub).map(lambda t: f"coalesce({t[0]}, {t[1]})"),
    )


def dates() -> st.SearchStrategy[str]:
    return st.sampled_from(DATE_NAMES) | DATES.map(lambda d: f"date('{d.isoformat()}')")


def anything(depth: int) -> st.SearchStrategy[str]:
    return st.one_of(numbers(depth), strings(depth), dates(), st.sampled_from(BOOL_NAMES))


def comparisons(depth: int) -> st.SearchStrategy[str]:
    op = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
    same_kind = st.one_of(
        st.tuples(numbers(depth), op, numbers(depth)),
        st.tuples(strings(depth), op, strings(depth)),
        st.tuples(dates(), op, dates()),
        st.tuples(anything(depth), op, anything(depth)),
    )
    chained = st.tuples(numbers(depth), op, numbers(depth), op, numbers(depth))
    return same_kind.map(" ".join).map(lambda s: f"({s})") | chained.map(" ".join)


def memberships(depth: int) -> st.SearchStrategy[str]:
    word = st.sampled_from(["in", "not in"])
    number_list = st.lists(literal_number(), min_size=1, max_size=3).map(", ".join)
    string_list = st.lists(literal_string(), min_size=1, max_size=3).map(", ".join)
    return st.one_of(
        st.tuples(numbers(depth), word, number_list).map(lambda t: f"({t[0]} {t[1]} [{t[2]}])"),
        st.tuples(strings(depth), word, string_list).map(lambda t: f"({t[0]} {t[1]} [{t[2]}])"),
        st.tuples(st.sampled_from(BOOL_NAMES), word).map(lambda t: f"({t[0]} {t[1]} [True])"),
    )


def conditions(depth: int) -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.sampled_from([*BOOL_NAMES, "True", "False"]),
        st.tuples(anything(0), st.sampled_from(["is None", "is not None"])).map(" ".join),
    )
    if depth <= 0:
        return leaves
    sub = conditions(depth - 1)
    return st.one_of(
        leaves,
        comparisons(depth - 1),
        memberships(depth - 1),
        sub.map(lambda a: f"(not {a})"),
        st.lists(sub, min_size=2, max_size=3).map(lambda xs: "(" + " and ".join(xs) + ")"),
        st.lists(sub, min_size=2, max_size=3).map(lambda xs: "(" + " or ".join(xs) + ")"),
        st.tuples(sub, sub, sub).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(sub, sub).map(lambda t: f"coalesce({t[0]}, {t[1]})"),
    )


def parsed(text: str, kind: RuleKind) -> Any:
    try:
        return parse_rule(text, kind)
    except RuleError:
        reject()


def assert_parity(text: str, kind: RuleKind, frame: pl.DataFrame) -> None:
    rule = parsed(text, kind)
    expected = [rule.evaluate(row) for row in frame.to_dicts()]
    series = evaluate_frame(rule, frame)
    assert series.dtype == (pl.Boolean if kind is RuleKind.CONDITION else pl.Float64)
    assert series.len() == frame.height
    got = series.to_list()
    assert got == expected, (text, frame.to_dicts())
    assert [type(value) for value in got] == [type(value) for value in expected]


@SETTINGS
@given(text=conditions(3), frame=frames())
def test_random_conditions_agree_row_by_row(text: str, frame: pl.DataFrame) -> None:
    assert_parity(text, RuleKind.CONDITION, frame)


@SETTINGS
@given(text=numbers(3), frame=frames())
def test_random_number_rules_agree_row_by_row(text: str, frame: pl.DataFrame) -> None:
    assert_parity(text, RuleKind.NUMBER, frame)


EDGE_FRAME = pl.DataFrame(
    {
        "a": [7.5, -7.5, 694867.4738744653, 5.0, None, float("nan")],
        "b": [-2.0, 2.0, 0.001, 0.0, 1.0, 1.0],
        "half": [0.5, -0.5, 2.5, 0.125, 0.49999999999999994, 1e300],
        "plan": ["prepaid", "PrePaid", None, "ß", "", "x"],
        "n": [1, None, 3, 0, -4, 5],
    }
)

EDGES = [
    ("a % b", RuleKind.NUMBER),  # Python's float modulo, bit for bit (Polars' own rounds)
    ("a / b", RuleKind.NUMBER),
    ("round(half)", RuleKind.NUMBER),
    ("round(half, 2)", RuleKind.NUMBER),
    ("coalesce(plan, n) == 'prepaid' or coalesce(plan, n) > 2", RuleKind.CONDITION),
    ("upper(plan) == 'SS'", RuleKind.CONDITION),
    ("min(a, n)", RuleKind.NUMBER),
    ("a > 1 and not (plan in ['prepaid'])", RuleKind.CONDITION),
    ("missing is None and n is not None", RuleKind.CONDITION),
    ("(7 % 2.5) + n", RuleKind.NUMBER),
    ("coalesce(missing, 3) % 2", RuleKind.NUMBER),
    ("plan", RuleKind.CONDITION),
    ("n", RuleKind.NUMBER),
]


@pytest.mark.parametrize(("text", "kind"), EDGES)
def test_known_traps_agree(text: str, kind: RuleKind) -> None:
    assert_parity(text, kind, EDGE_FRAME)


def test_an_absent_column_is_null_and_a_constant_rule_fills_the_frame() -> None:
    frame = pl.DataFrame({"n": [1, 2, 3]})
    assert (
        evaluate_frame(parse_rule("missing > 1", RuleKind.CONDITION), frame).to_list() == [None] * 3
    )
    assert evaluate_frame(parse_rule("2 * 3", RuleKind.NUMBER), frame).to_list() == [6.0] * 3


def test_rule_expr_works_in_a_lazy_query() -> None:
    frame = pl.DataFrame({"tenure": [1, 20, None]}).lazy()
    rule = parse_rule("tenure >= 12", RuleKind.CONDITION)
    out = frame.filter(rule_expr(rule, frame.collect_schema())).collect()
    assert out.get_column("tenure").to_list() == [20]


OPERATORS = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">="]
OPERANDS = ["v", "w", "x", "n", "b", "c", "s", "d", "0.1", "3", "'a'", "True", "date('2026-01-01')"]


@SETTINGS
@given(
    left=st.sampled_from(OPERANDS),
    op=st.sampled_from(OPERATORS),
    right=st.sampled_from(OPERANDS),
    frame=frames(),
)
def test_every_operator_on_every_pair_of_kinds_agrees(
    left: str, op: str, right: str, frame: pl.DataFrame
) -> None:
    kind = RuleKind.NUMBER if op in "+-*/%" else RuleKind.CONDITION
    assert_parity(f"{left} {op} {right}", kind, frame)
