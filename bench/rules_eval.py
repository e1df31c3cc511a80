"""Evaluating 200 eligibility rules for one customer: the rule language and its alternatives.

Target (issue 4): 200 eligibility rules for one customer in ≤ 0.3 ms. Rules are drawn with a
fixed seed from what a telco catalog writes — 2 to 4 tests joined by ``and``/``or``, some
``in`` lists, some arithmetic — over customers with the IBM Telco attribute mix plus contact
history, consent and context variables. The same rules are rendered as CEL and as SQL and
measured with the candidates the issue names, where they are installed
(``pip install common-expression-language sqlglot``; neither is a dependency of Cortesía):

- ``cortesia row``: ``Rule.holds`` (parsed Python subset, compiled closures);
- ``cel``: ``cel.compile`` programs executed against one ``cel.Context`` per customer;
- ``sqlglot executor``: the 200 expressions as one ``SELECT`` over a one-row table;
- ``polars sql`` and ``cortesia columnar``: one-row frame per customer, 200 expressions;
- batch: the columnar path over every customer at once (customers per second).

Each figure is the median of ``--runs`` runs. Run:

    .venv/bin/python bench/rules_eval.py --customers 200 --runs 7
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from cortesia.batch.rule_frames import rule_expr
from cortesia.domain.rules import Rule, RuleKind, parse_rule

NUMBERS: dict[str, tuple[float, float, bool]] = {  # name: low, high, is_float
    "tenure": (0, 72, False),
    "monthly_charges": (18, 120, True),
    "total_charges": (18, 8000, True),
    "contacts_7d": (0, 6, False),
    "rejects_30d": (0, 3, False),
    "days_since_last_contact": (1, 120, False),
    "balance": (0, 50, True),
    "data_used_gb": (0, 40, True),
}
STRINGS: dict[str, list[str]] = {
    "contract": ["Month-to-month", "One year", "Two year"],
    "internet_service": ["DSL", "Fiber optic", "No"],
    "payment_method": ["Electronic check", "Mailed check", "Bank transfer", "Credit card"],
    "plan": ["prepaid", "postpaid", "hybrid"],
    "segment": ["mass", "premium", "youth"],
    "country": ["CO", "MX", "ES", "US", "AR"],
    "consent.sms.marketing": ["opted_in", "opted_out", "unknown"],
    "context.inbound_reason": ["billing", "roaming", "tech", "none"],
}
BOOLS = ["senior_citizen", "partner", "dependents", "streaming_tv"]


@dataclass(frozen=True)
class Clause:
    """One test, renderable in the three syntaxes."""

    form: str  # compare | in | bool | arith
    name: str
    op: str
    values: tuple[Any, ...]
    negated: bool = False


def _literal(value: Any, style: str, is_float: bool = False) -> str:
    if isinstance(value, str):
        return "'" + value + "'" if style == "sql" else '"' + value + '"'
    return repr(float(value)) if is_float else str(int(value))


def render(clause: Clause, style: str) -> str:
    """A clause in ``python`` (ours), ``sql`` or ``cel``."""
    name = clause.name if style == "python" else clause.name.replace(".", "_")
    is_float = clause.name in NUMBERS and NUMBERS[clause.name][2]
    if clause.form == "bool":
        word = {"python": "not ", "sql": "NOT ", "cel": "!"}[style]
        return f"{word if clause.negated else ''}{name}"
    if clause.form == "in":
        items = ", ".join(_literal(v, style, is_float) for v in clause.values)
        if style == "sql":
            return f"{name} {'NOT IN' if clause.negated else 'IN'} ({items})"
        if style == "cel" and clause.negated:
            return f"!({name} in [{items}])"
        return f"{name} {'not in' if clause.negated else 'in'} [{items}]"
    op = clause.op
    if style == "sql":
        op = {"==": "=", "!=": "<>"}.get(op, op)
    if clause.form == "arith":
        factor, bound = clause.values
        if style == "cel" and not is_float:
            name = f"double({name})"  # CEL never mixes int and double
        return f"{name} * {_literal(factor, style, True)} {op} {_literal(bound, style, True)}"
    return f"{name} {op} {_literal(clause.values[0], style, is_float)}"


def draw_clause(rng: random.Random) -> Clause:
    form = rng.choices(["compare", "string", "in", "bool", "arith"], [4, 3, 2, 1, 1])[0]
    if form == "string":
        name = rng.choice(sorted(STRINGS))
        return Clause("compare", name, rng.choice(["==", "!="]), (rng.choice(STRINGS[name]),))
    if form == "in":
        name = rng.choice(sorted(STRINGS))
        values = tuple(rng.sample(STRINGS[name], 2))
        return Clause("in", name, "in", values, negated=rng.random() < 0.2)
    if form == "bool":
        return Clause("bool", rng.choice(BOOLS), "", (), negated=rng.random() < 0.5)
    name = rng.choice(sorted(NUMBERS))
    low, high, is_float = NUMBERS[name]
    bound = rng.uniform(low, high) if is_float else rng.randint(int(low), int(high))
    op = rng.choice(["<", "<=", ">", ">="])
    if form == "arith":
        return Clause("arith", name, op, (rng.choice([0.2, 12.0, 1.19]), round(bound * 3, 2)))
    return Clause("compare", name, op, (round(bound, 2) if is_float else bound,))


def draw_rules(rng: random.Random, count: int) -> list[tuple[list[Clause], str]]:
    rules = []
    for _ in range(count):
        clauses = [draw_clause(rng) for _ in range(rng.randint(2, 4))]
        rules.append((clauses, rng.choice(["and", "and", "or"])))
    return rules


def text(rule: tuple[list[Clause], str], style: str) -> str:
    clauses, joiner = rule
    word = {"python": joiner, "sql": joiner.upper(), "cel": "&&" if joiner == "and" else "||"}
    return f" {word[style]} ".join(render(clause, style) for clause in clauses)


def draw_customer(rng: random.Random) -> dict[str, Any]:
    env: dict[str, Any] = {}
    for name, (low, high, is_float) in NUMBERS.items():
        env[name] = round(rng.uniform(low, high), 2) if is_float else rng.randint(low, high)  # type: ignore[arg-type]
    for name, values in STRINGS.items():
        env[name] = rng.choice(values)
    for name in BOOLS:
        env[name] = rng.random() < 0.5
    return env


def median_per_customer(run: Callable[[], None], customers: int, runs: int) -> float:
    """Median over runs of the time per customer, in milliseconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) / customers * 1e3)
    return statistics.median(samples)


def bench_ours(rules: list[Rule], envs: list[dict[str, Any]], runs: int) -> float:
    def run() -> None:
        for env in envs:
            for rule in rules:
                rule.holds(env)

    return median_per_customer(run, len(envs), runs)


def bench_cel(texts: list[str], envs: list[dict[str, Any]], runs: int) -> tuple[float, float]:
    import cel  # type: ignore[import-not-found]

    start = time.perf_counter()
    programs = [cel.compile(source) for source in texts]
    compile_us = (time.perf_counter() - start) / len(texts) * 1e6
    flat = [{k.replace(".", "_"): v for k, v in env.items()} for env in envs]

    def run() -> None:
        for env in flat:
            context = cel.Context(variables=env)
            for program in programs:
                program.execute(context)

    return median_per_customer(run, len(flat), runs), compile_us


def bench_sqlglot(texts: list[str], envs: list[dict[str, Any]], runs: int) -> tuple[float, float]:
    import sqlglot  # type: ignore[import-not-found]
    from sqlglot.executor import execute  # type: ignore[import-not-found]

    start = time.perf_counter()
    for source in texts:
        sqlglot.parse_one(source)
    parse_us = (time.perf_counter() - start) / len(texts) * 1e6
    select = "SELECT " + ", ".join(f"{t} AS r{i}" for i, t in enumerate(texts)) + " FROM c"
    query = sqlglot.parse_one(select)
    flat = [{k.replace(".", "_"): v for k, v in env.items()} for env in envs]

    def run() -> None:
        for env in flat:
            execute(query, tables={"c": [env]})

    return median_per_customer(run, len(flat), runs), parse_us


def bench_frame(exprs: list[pl.Expr], envs: list[dict[str, Any]], runs: int) -> float:
    def run() -> None:
        for env in envs:
            pl.DataFrame([env]).select(exprs)

    return median_per_customer(run, len(envs), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch", type=int, default=100_000, help="customers in the batch run")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    drawn = draw_rules(rng, args.rules)
    envs = [draw_customer(rng) for _ in range(args.customers)]
    sources = [text(rule, "python") for rule in drawn]
    start = time.perf_counter()
    rules = [parse_rule(source, RuleKind.CONDITION) for source in sources]
    parse_us = (time.perf_counter() - start) / len(rules) * 1e6
    print(f"python {platform.python_version()}, {args.rules} rules, {args.customers} customers")
    print(f"example rule: {sources[0]}")
    rows: list[tuple[str, float, str]] = []
    rows.append(
        (
            "cortesia row (Rule.holds)",
            bench_ours(rules, envs, args.runs),
            f"parse {parse_us:.0f} µs/rule",
        )
    )
    if importlib.util.find_spec("cel"):
        ms, us = bench_cel([text(rule, "cel") for rule in drawn], envs, args.runs)
        rows.append(("cel (common-expression-language)", ms, f"compile {us:.0f} µs/rule"))
    if importlib.util.find_spec("sqlglot"):
        few = envs[: max(1, args.customers // 20)]
        ms, us = bench_sqlglot([text(rule, "sql") for rule in drawn], few, max(1, args.runs // 2))
        rows.append(("sqlglot parse + executor", ms, f"parse {us:.0f} µs/rule"))
    few = envs[: max(1, args.customers // 10)]
    sql_exprs = [pl.sql_expr(text(rule, "sql")).alias(f"r{i}") for i, rule in enumerate(drawn)]
    flat = [{k.replace(".", "_"): v for k, v in env.items()} for env in few]
    rows.append(("polars sql, 1-row frame", bench_frame(sql_exprs, flat, args.runs), ""))
    schema = pl.DataFrame([envs[0]]).schema
    ours = [rule_expr(rule, schema).alias(f"r{i}") for i, rule in enumerate(rules)]
    rows.append(("cortesia columnar, 1-row frame", bench_frame(ours, few, args.runs), ""))
    print(f"{'engine':34} {'per customer':>14} {'per rule':>10}")
    for name, ms, note in rows:
        print(f"{name:34} {ms:11.3f} ms {ms / args.rules * 1e3:8.2f} µs  {note}")
    agree = sum(rule.evaluate(env) is True for rule in rules for env in envs[:20])
    print(f"sanity: {agree} of {20 * len(rules)} (rule, customer) pairs hold")
    batch_rng = random.Random(args.seed + 1)
    frame = pl.DataFrame([draw_customer(batch_rng) for _ in range(args.batch)])
    exprs = [rule_expr(rule, frame.schema).alias(f"r{i}") for i, rule in enumerate(rules)]
    seconds = statistics.median(
        _timed(lambda: frame.select(exprs)) for _ in range(max(1, args.runs // 2))
    )
    print(
        f"batch: {args.rules} rules × {args.batch:,} customers in {seconds:.2f} s "
        f"({args.batch / seconds:,.0f} customers/s)"
    )


def _timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
