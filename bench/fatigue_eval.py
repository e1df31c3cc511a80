"""Opt-out risk and send time on simulated streams with known generating models.

Opt-out risk: a stream of contacts, each with the decision variables the engine gives
(contacts in the last 1/7/30 days overall and on the channel, days since the last contact,
rejections, the action's propensity, hour, weekday, channel, purpose) and an opt-out drawn
from a known logistic model in which fatigue rises with contact frequency. Measured,
test-then-train in stream order: progressive AUC per 10 % of the stream (convergence)
next to the oracle's (the true probabilities, the ceiling), calibration on the second half
(mean predicted vs observed, ECE over 10 equal-count bins; also the same posterior read
through the logistic curve, as the learner spoke before it reported its probit curve),
``learn_one`` updates/s and columnar scoring rows/s.

Send time: a population in four segments whose response rate peaks at a personal hour
(most near their segment's peak, some anywhere); every customer gets a number of sends at
random hours 7–21, then we pick each customer's best hour and compare its true response
rate with the best possible, for customer-only, segment-only and shrunk estimates.

Run::

    .venv/bin/python bench/fatigue_eval.py            # ≈ 20 s
    .venv/bin/python bench/fatigue_eval.py --contacts 50000
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import numpy as np
from scipy.special import ndtri
from sklearn.metrics import roc_auc_score

from cortesia.models.fatigue import OptOutRisk
from cortesia.models.send_time import SendTime

CHANNELS = ("email", "sms", "push")
CHANNEL_EFFECT = {"email": 0.0, "sms": 0.4, "push": -0.2}


def _fatigue_logit(row: dict[str, object], channel: str) -> float:
    def count(name: str) -> float:
        return math.log1p(float(row[name]))  # type: ignore[arg-type]

    days = row["days_since_last_contact"]
    recency = 0.0 if days is None else 1.0 / (1.0 + float(days))  # type: ignore[arg-type]
    hour = int(row["hour"])  # type: ignore[call-overload]
    return (
        -7.2
        + 0.5 * count("contacts_7d")
        + 0.7 * count(f"contacts_7d_{channel}")
        + 0.6 * count("contacts_1d")
        + 0.3 * count("rejects_30d")
        + 0.8 * recency
        - 8.0 * float(row["propensity"])  # type: ignore[arg-type]
        + (0.9 if hour >= 22 or hour < 7 else 0.0)
        + (0.2 if int(row["weekday"]) >= 6 else 0.0)  # type: ignore[call-overload]
        + CHANNEL_EFFECT[channel]
        + (-0.7 if row["purpose"] == "service" else 0.0)
    )


def fatigue_stream(
    n: int, seed: int = 11
) -> tuple[list[dict[str, object]], list[bool], list[float]]:
    """Contacts, opt-outs and the true opt-out probabilities of a known model."""
    rng = np.random.default_rng(seed)
    rows, outcomes, truths = [], [], []
    for _ in range(n):
        weekly = float(np.clip(rng.lognormal(0.3, 0.9), 0.1, 20.0))  # contacts a week
        c30 = int(rng.poisson(weekly * 30 / 7))
        c7 = int(rng.binomial(c30, 7 / 30))
        c1 = int(rng.binomial(c7, 1 / 7))
        channel = str(rng.choice(CHANNELS, p=[0.5, 0.3, 0.2]))
        share = float(rng.beta(2, 2))
        row: dict[str, object] = {
            "channel": channel,
            "purpose": str(rng.choice(["marketing", "service"], p=[0.7, 0.3])),
            "contacts_1d": c1,
            "contacts_7d": c7,
            "contacts_30d": c30,
            f"contacts_7d_{channel}": int(rng.binomial(c7, share)),
            "days_since_last_contact": (
                0 if c1 else None if c30 == 0 else int(min(rng.geometric(min(weekly / 7, 1)), 29))
            ),
            "rejects_30d": int(rng.binomial(c30, 0.3)),
            "propensity": float(rng.beta(1, 20)),
            "hour": int(rng.choice(24, p=_HOURS)),
            "weekday": int(rng.integers(1, 8)),
        }
        p = 1.0 / (1.0 + math.exp(-_fatigue_logit(row, channel)))
        rows.append(row)
        outcomes.append(bool(rng.random() < p))
        truths.append(p)
    return rows, outcomes, truths


_HOURS = np.array([1.0] * 7 + [4.0] * 15 + [2.0] * 2)
_HOURS /= _HOURS.sum()


def ece(pred: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over equal-count bins of the predictions."""
    order = np.argsort(pred, kind="stable")
    return float(
        sum(
            abs(pred[part].mean() - y[part].mean()) * len(part)
            for part in np.array_split(order, bins)
        )
        / len(pred)
    )


def evaluate_fatigue(n: int) -> None:
    rows, outcomes, truths = fatigue_stream(n)
    y, truth = np.array(outcomes), np.array(truths)
    model = OptOutRisk(prior_rate=0.005, seed=1)
    pred = np.empty(n)
    start = time.perf_counter()
    for i, (x, outcome) in enumerate(zip(rows, outcomes, strict=True)):
        pred[i] = model.predict_proba_one(x)
        model.learn_one(x, outcome)
    both = time.perf_counter() - start
    print(f"contacts {n:,}, opt-outs {y.sum():,} ({y.mean():.3%}), seed 11")
    print(
        f"progressive AUC (all) {roc_auc_score(y, pred):.3f}, oracle {roc_auc_score(y, truth):.3f}"
    )
    print("| tenth | opt-outs | AUC OptOutRisk | AUC oracle | mean predicted | observed |")
    print("|---|---|---|---|---|---|")
    for k, part in enumerate(np.array_split(np.arange(n), 10), start=1):
        print(
            f"| {k} | {y[part].sum()} | {roc_auc_score(y[part], pred[part]):.3f} | "
            f"{roc_auc_score(y[part], truth[part]):.3f} | {pred[part].mean():.4%} | "
            f"{y[part].mean():.4%} |"
        )
    early = [m for m in (1_000, 2_000, 5_000, 10_000, 20_000) if m <= n]
    print(
        "early stream, AUC model / oracle over the first m contacts: "
        + ", ".join(
            f"{m:,}: {roc_auc_score(y[:m], pred[:m]):.3f} / {roc_auc_score(y[:m], truth[:m]):.3f}"
            for m in early
        )
    )
    half = slice(n // 2, n)
    print(
        f"second half: ECE {ece(pred[half], y[half]):.5f} "
        f"(oracle {ece(truth[half], y[half]):.5f}), "
        f"mean predicted {pred[half].mean():.4%} vs observed {y[half].mean():.4%}"
    )
    # The same posterior read through the logistic curve σ(m / √(1 + v/β²)), as
    # BayesianLogistic spoke before it reported its own probit curve Φ(m / √(β² + v)).
    heavy = 1.0 / (1.0 + np.exp(-math.sqrt(8.0 / math.pi) * ndtri(pred[half])))
    print(
        f"second half, read through the logistic curve (before the fix): ECE "
        f"{ece(heavy, y[half]):.5f}, mean predicted {heavy.mean():.4%}"
    )
    fresh = OptOutRisk(prior_rate=0.005, seed=1)
    start = time.perf_counter()
    for x, outcome in zip(rows, outcomes, strict=True):
        fresh.learn_one(x, outcome)
    learn = time.perf_counter() - start
    print(f"learn_one {n / learn:,.0f} updates/s; predict+learn {n / both:,.0f}/s")
    _score_columns(model, rows)
    weights = sorted(model.weights().items(), key=lambda kv: -abs(kv[1][0]))
    print("largest weights:", ", ".join(f"{k} {m:+.2f}±{s:.2f}" for k, (m, s) in weights[:8]))


def _score_columns(model: OptOutRisk, rows: list[dict[str, object]]) -> None:
    names = sorted({name for row in rows for name in row})
    columns = {
        name: np.array([np.nan if row.get(name) is None else row[name] for row in rows])
        for name in names
    }
    start = time.perf_counter()
    many = model.predict_proba_many(columns)
    elapsed = time.perf_counter() - start
    one = np.array([model.predict_proba_one(x) for x in rows[:2000]])
    print(
        f"predict_proba_many on typed columns: {len(rows) / elapsed:,.0f} rows/s; "
        f"max |many − one| over 2,000 rows {np.abs(many[:2000] - one).max():.1e}"
    )


SEGMENT_PEAKS = {"commuter": 8, "office": 12, "evening": 19, "late": 21}


def send_time_population(customers: int, seed: int = 5) -> list[tuple[str, str, int, float]]:
    """(customer id, segment, personal peak hour, base rate) for each customer."""
    rng = np.random.default_rng(seed)
    people = []
    for i in range(customers):
        segment = str(rng.choice(list(SEGMENT_PEAKS)))
        own = rng.random() < 0.35  # a third keep their own hours, unlike their segment
        peak = (
            int(rng.integers(7, 22)) if own else SEGMENT_PEAKS[segment] + int(rng.integers(-1, 2))
        )
        people.append((f"c{i}", segment, peak, float(rng.uniform(0.05, 0.15))))
    return people


def response_rate(hour: int, peak: int, base: float) -> float:
    return base * (0.3 + 1.7 * math.exp(-((hour - peak) ** 2) / (2 * 1.5**2)))


SEND_TIME_MODELS: dict[str, Callable[[], SendTime]] = {
    "customer only": lambda: SendTime(1e-9, neighbour_weight=0.0),
    "shrunk, κ estimated, hours apart": lambda: SendTime(neighbour_weight=0.0),
    "shrunk, κ estimated, neighbours 0.5 (default)": SendTime,
    "shrunk, κ = 20, neighbours 0.5": lambda: SendTime(20.0),
}


def evaluate_send_time(customers: int) -> None:
    print(f"\nsend time: {customers:,} customers, 4 segments, 35 % with their own peak, seed 5")
    print("share of the best achievable response rate at the chosen hour (mean over customers)")
    print(
        "| sends per customer | random hour | segment's best hour | "
        + " | ".join(SEND_TIME_MODELS)
        + " |"
    )
    print("|---" * (3 + len(SEND_TIME_MODELS)) + "|")
    people = send_time_population(customers)
    for sends in (3, 10, 30, 100):
        rng = np.random.default_rng(sends)
        models = {name: make() for name, make in SEND_TIME_MODELS.items()}
        for cid, segment, peak, base in people:
            for hour in rng.integers(7, 22, size=sends).tolist():
                responded = bool(rng.random() < response_rate(hour, peak, base))
                for model in models.values():
                    model.learn_one(cid, segment, "sms", hour, responded)
        default = models["shrunk, κ estimated, neighbours 0.5 (default)"]
        share = dict.fromkeys(["random", "segment", *models], 0.0)
        for cid, segment, peak, base in people:
            best = response_rate(peak, peak, base)
            chosen = {name: m.best_hours(cid, segment, "sms", k=1)[0] for name, m in models.items()}
            chosen["segment"] = int(np.argmax(default.segment_profile(segment, "sms")))
            for name, hour in chosen.items():
                share[name] += response_rate(hour, peak, base) / best
            mean = sum(response_rate(h, peak, base) for h in range(7, 22)) / 15
            share["random"] += mean / best
        kappa = np.mean([default.strength(s, "sms") for s in SEGMENT_PEAKS])
        cells = " | ".join(f"{v / customers:.1%}" for v in share.values())
        print(f"| {sends} (κ̂ {kappa:.0f}) | {cells} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=200_000)
    parser.add_argument("--customers", type=int, default=4_000)
    args = parser.parse_args()
    evaluate_fatigue(args.contacts)
    evaluate_send_time(args.customers)


if __name__ == "__main__":
    main()
