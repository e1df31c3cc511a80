"""Propensity learners on UCI Bank Marketing: online in time order vs offline boosting.

The file is a Portuguese bank's telemarketing campaigns, May 2008 to November 2010, in
time order (Moro, Cortez & Rita 2014). ``duration`` leaks the outcome and is left out.
Measured (issue 5, "Evaluation on real data"):

- **progressive AUC** (test-then-train): each model scores a call, then learns its
  outcome, in file order; AUC over every call, over the last 30 %, and per window;
- the **upper reference**: scikit-learn's ``HistGradientBoostingClassifier`` trained
  offline on the first 70 % and tested on the last 30 % (the same calls); also refit on
  all past calls every window (walk-forward), and on a random 70/30 split, which ignores
  time and so shows what drift costs;
- **calibration**: expected calibration error, 10 equal-width bins;
- **throughput**: ``learn_one`` updates per second in-process (target ≥ 20,000), and
  scoring 200 actions for one customer (target ≤ 0.5 ms): 200 models scored one by one,
  with Thompson draws, and one model scoring 200 action rows with ``predict_proba_many``.

Run::

    .venv/bin/python bench/bank_marketing.py
    .venv/bin/python bench/bank_marketing.py --file bank-full.csv
    .venv/bin/python bench/bank_marketing.py --drift 0 1e-5   # forgetting, one row each
"""

from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import OrdinalEncoder

from cortesia.models.adm import AdaptiveNaiveBayes
from cortesia.models.bank import BayesianLogisticBank
from cortesia.models.base import Features, OnlineClassifier
from cortesia.models.logistic import BayesianLogistic

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bank_marketing"
SHA256 = {"bank-additional-full.csv": "74adfc578bf77a7f", "bank-full.csv": "d1513ec63b385506"}
LEAKY = ("duration", "y")
TRAIN_SHARE = 0.7

MODELS: dict[str, Callable[[], OnlineClassifier]] = {
    "ADM-style naive Bayes": lambda: AdaptiveNaiveBayes(prior_rate=0.1),
    "Bayesian logistic": lambda: BayesianLogistic(prior_variance=0.3, prior_rate=0.1),
}


def with_drift(drifts: list[float]) -> dict[str, Callable[[], OnlineClassifier]]:
    """``MODELS``, with one Bayesian logistic per ``drift`` (variance added per outcome)."""
    if drifts == [0.0]:
        return dict(MODELS)
    models = {k: v for k, v in MODELS.items() if k != "Bayesian logistic"}
    for drift in drifts:
        models[f"Bayesian logistic, drift {drift:g}"] = lambda d=drift: BayesianLogistic(
            prior_variance=0.3, prior_rate=0.1, drift=d
        )
    return models


def load(name: str) -> tuple[list[dict[str, object]], list[bool]]:
    path = DATA / name
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    if digest != SHA256[name]:
        raise SystemExit(f"{path}: sha256 {digest} is not the published {SHA256[name]}")
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    features = [{k: _value(v) for k, v in row.items() if k not in LEAKY} for row in rows]
    return features, [row["y"] == "yes" for row in rows]


def _value(text: str) -> object:
    try:
        return float(text)
    except ValueError:
        return text


def ece(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    which = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.mean() * abs(y[mask].mean() - p[mask].mean())
    return float(total)


def progressive(
    factory: Callable[[], OnlineClassifier], xs: list[dict[str, object]], ys: list[bool]
) -> tuple[np.ndarray, float]:
    model = factory()
    predictions = np.empty(len(ys))
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        predictions[i] = model.predict_proba_one(x)
        model.learn_one(x, y)
    start = time.perf_counter()
    learner = factory()
    for x, y in zip(xs, ys, strict=True):
        learner.learn_one(x, y)
    return predictions, len(ys) / (time.perf_counter() - start)


def _matrix(xs: list[dict[str, object]], fit_rows: int) -> tuple[np.ndarray, list[bool]]:
    names = list(xs[0])
    symbolic = [n for n in names if isinstance(xs[0][n], str)]
    numeric = [n for n in names if n not in symbolic]
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan)
    encoder.fit([[x[n] for n in symbolic] for x in xs[:fit_rows]])
    sym = encoder.transform([[x[n] for n in symbolic] for x in xs])
    num = np.array([[x[n] for n in numeric] for x in xs], dtype=float)
    return np.hstack([sym, num]), [True] * len(symbolic) + [False] * len(numeric)


def boosting(xs: list[dict[str, object]], ys: list[bool], train: np.ndarray) -> np.ndarray:
    """Fit on the rows ``train`` selects, predict every row."""
    matrix, mask = _matrix(xs, len(xs))
    model = HistGradientBoostingClassifier(categorical_features=mask, random_state=0)
    model.fit(matrix[train], np.array(ys)[train])
    return np.asarray(model.predict_proba(matrix)[:, 1])


def walk_forward(xs: list[dict[str, object]], ys: list[bool], step: int) -> np.ndarray:
    """Refit on every call so far each ``step`` calls; score the next ``step``."""
    matrix, mask = _matrix(xs, len(xs))
    y = np.array(ys)
    p = np.full(len(ys), y[:step].mean())
    for start in range(step, len(ys), step):
        model = HistGradientBoostingClassifier(categorical_features=mask, random_state=0)
        model.fit(matrix[:start], y[:start])
        p[start : start + step] = model.predict_proba(matrix[start : start + step])[:, 1]
    return p


def windows(y: np.ndarray, p: np.ndarray, size: int) -> list[str]:
    out = []
    for start in range(0, len(y), size):
        part = slice(start, start + size)
        if 0 < y[part].sum() < len(y[part]):
            out.append(f"{roc_auc_score(y[part], p[part]):.3f}")
        else:
            out.append("n/a")
    return out


def scoring_latency(
    factory: Callable[[], OnlineClassifier], xs: list[dict[str, object]], ys: list[bool]
) -> dict[str, float]:
    trained = factory()
    for x, y in zip(xs[:5000], ys[:5000], strict=True):
        trained.learn_one(x, y)
    models = [copy.deepcopy(trained) for _ in range(200)]
    customers = xs[5000:5200]
    rng = np.random.default_rng(0)
    loops: dict[str, Callable[[Features], object]] = {
        "200 models, predict_proba_one": lambda x: [m.predict_proba_one(x) for m in models],
        "one model, predict_proba_many of 200 rows": lambda x: trained.predict_proba_many(
            [{**x, "action": f"A{a}"} for a in range(200)]
        ),
    }
    if hasattr(trained, "sample_proba_one"):
        loops["200 models, Thompson draw"] = lambda x: [
            m.sample_proba_one(x, rng)  # type: ignore[attr-defined]
            for m in models
        ]
    timings = {}
    for name, loop in loops.items():
        runs = []
        for x in customers:
            start = time.perf_counter()
            loop(x)
            runs.append(time.perf_counter() - start)
        timings[name] = statistics.median(runs) * 1000
    return timings


def _reference(name: str, y: np.ndarray, p: np.ndarray) -> None:
    print(f"| {name} | – | {roc_auc_score(y, p):.3f} | {ece(y, p):.4f} | – |")


def bank_latency(
    xs: list[dict[str, object]], ys: list[bool], drift: float = 0.0
) -> dict[str, float]:
    """200 per-action models sharing one encoding: every action scored in one step."""
    actions = [f"A{a}" for a in range(200)]
    bank = BayesianLogisticBank(prior_variance=0.3, prior_rate=0.1, drift=drift)
    for i, (x, y) in enumerate(zip(xs[:20_000], ys[:20_000], strict=True)):
        bank.learn_one({**x, "action": actions[i % 200]}, y)
    rng = np.random.default_rng(0)
    loops: dict[str, Callable[[Features], object]] = {
        "predict_proba_actions": lambda x: bank.predict_proba_actions(x, actions),
        "sample_actions (Thompson)": lambda x: bank.sample_actions(x, actions, rng),
    }
    timings = {}
    for name, loop in loops.items():
        runs = []
        for x in xs[20_000:20_200]:
            start = time.perf_counter()
            loop(x)
            runs.append(time.perf_counter() - start)
        timings[name] = statistics.median(runs) * 1000
    start = time.perf_counter()
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        bank.learn_one({**x, "action": actions[i % 200]}, y)
    timings["learn_one"] = len(ys) / (time.perf_counter() - start)
    return timings


def columnar_rate(
    factory: Callable[[], OnlineClassifier], xs: list[dict[str, object]], ys: list[bool]
) -> float:
    model = factory()
    for x, y in zip(xs, ys, strict=True):
        model.learn_one(x, y)
    columns = {name: np.array([x[name] for x in xs]) for name in xs[0]}
    start = time.perf_counter()
    model.predict_proba_many(columns)
    return len(xs) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", default="bank-additional-full.csv", choices=sorted(SHA256))
    parser.add_argument("--window", type=int, default=5000)
    parser.add_argument(
        "--drift", type=float, nargs="+", default=[0.0], help="forgetting: variance per outcome"
    )
    args = parser.parse_args()
    models = with_drift(args.drift)
    xs, ys = load(args.file)
    y = np.array(ys)
    cut = int(len(ys) * TRAIN_SHARE)
    print(f"{args.file}: {len(ys)} calls, {y.mean():.3f} positive, test = last {len(ys) - cut}")
    print("| model | AUC all (progressive) | AUC last 30 % | ECE last 30 % | ECE all | updates/s |")
    print("|---|---|---|---|---|---|")
    curves = {}
    for name, factory in models.items():
        p, rate = progressive(factory, xs, ys)
        curves[name] = windows(y, p, args.window)
        print(
            f"| {name} | {roc_auc_score(y, p):.3f} | {roc_auc_score(y[cut:], p[cut:]):.3f} "
            f"| {ece(y[cut:], p[cut:]):.4f} | {ece(y, p):.4f} | {rate:,.0f} |"
        )
    first = np.arange(len(ys)) < cut
    p = boosting(xs, ys, first)[cut:]
    _reference("HistGradientBoosting, offline on first 70 %", y[cut:], p)
    p = walk_forward(xs, ys, args.window)
    _reference(f"HistGradientBoosting, refit every {args.window} calls", y[cut:], p[cut:])
    shuffled = np.random.default_rng(0).permutation(len(ys))
    train = np.zeros(len(ys), dtype=bool)
    train[shuffled[:cut]] = True
    p = boosting(xs, ys, train)
    _reference("HistGradientBoosting, random 70/30 split (not time order)", y[~train], p[~train])
    print(f"\nProgressive AUC per window of {args.window} calls (time order):")
    for name, curve in curves.items():
        print(f"- {name}: {', '.join(curve)}")
    print("\nScoring 200 actions for one customer (median ms over 200 customers):")
    for name, factory in models.items():
        for what, ms in scoring_latency(factory, xs, ys).items():
            print(f"- {name}, {what}: {ms:.3f} ms")
    for drift in args.drift:
        bank = bank_latency(xs, ys, drift)
        rate = bank.pop("learn_one")
        for what, ms in bank.items():
            print(f"- Bayesian logistic bank (drift {drift:g}), {what}: {ms:.3f} ms")
        print(f"- Bayesian logistic bank (drift {drift:g}), learn_one: {rate:,.0f} updates/s")
    print("\nColumnar scoring of the whole file as typed columns (the outbound plan's path):")
    for name, factory in models.items():
        print(f"- {name}: {columnar_rate(factory, xs, ys):,.0f} rows/s")


if __name__ == "__main__":
    main()
