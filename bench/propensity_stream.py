"""Propensity learners converging on a simulated stream whose generating model is known.

A stream of offers: each event is a random customer (age, income, tenure, segment,
region, whether they have the app), offered one of five actions chosen uniformly (the
log of a random policy), who accepts with a true probability from a known logistic
model with **action-specific** coefficients (each action appeals to other customers).
Seeds are fixed, so the stream and the figures are reproducible.

Measured, test-then-train in stream order: progressive AUC per tenth of the stream for
``BayesianLogistic`` (one model per action), ``BayesianLogisticBank`` (one model per
action sharing one encoding, the real-time path), and for comparison the ADM-style
``AdaptiveNaiveBayes`` per action and one ``BayesianLogistic`` pooled over actions (the
action a feature: it cannot learn that actions appeal to different customers); next to
the oracle's AUC (the true probabilities: the ceiling no model can beat on average) and
calibration (mean predicted vs observed, ECE over 10 equal-count bins, second half).

Run (≈ 15 s)::

    .venv/bin/python bench/propensity_stream.py
    .venv/bin/python bench/propensity_stream.py --events 20000
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import roc_auc_score

from cortesia.models.adm import AdaptiveNaiveBayes
from cortesia.models.bank import BayesianLogisticBank
from cortesia.models.base import Features, OnlineClassifier
from cortesia.models.logistic import BayesianLogistic

ACTIONS = ("card", "loan", "insurance", "upgrade", "travel")
SEGMENTS = ("young", "family", "senior", "business")
REGIONS = ("north", "south", "east", "west")
NUMERIC = ("age", "income", "tenure")


@dataclass(frozen=True)
class World:
    """The true model: a log-odds per action from the customer's features."""

    intercept: dict[str, float]
    numeric: dict[str, dict[str, float]]  # action → feature → weight (standardised scale)
    segment: dict[str, dict[str, float]]  # action → segment → effect
    region: dict[str, float]  # shared by every action
    app: dict[str, float]  # action → effect of having the app

    def logit(self, action: str, x: Features) -> float:
        z = {
            "age": (float(x["age"]) - 49.0) / 17.9,  # type: ignore[arg-type]
            "income": (float(x["income"]) - 40.0) / 12.0,  # type: ignore[arg-type]
            "tenure": (float(x["tenure"]) - 60.0) / 34.6,  # type: ignore[arg-type]
        }
        return (
            self.intercept[action]
            + sum(w * z[name] for name, w in self.numeric[action].items())
            + self.segment[action][str(x["segment"])]
            + self.region[str(x["region"])]
            + self.app[action] * (x["has_app"] is True)
        )


def make_world(seed: int = 3) -> World:
    rng = np.random.default_rng(seed)
    return World(
        intercept={a: float(rng.uniform(-3.2, -1.6)) for a in ACTIONS},
        numeric={a: {n: float(rng.normal(0.0, 0.7)) for n in NUMERIC} for a in ACTIONS},
        segment={a: {s: float(rng.normal(0.0, 0.8)) for s in SEGMENTS} for a in ACTIONS},
        region={r: float(rng.normal(0.0, 0.2)) for r in REGIONS},
        app={a: float(rng.normal(0.0, 0.5)) for a in ACTIONS},
    )


def make_stream(
    n: int, seed: int = 11, world: World | None = None
) -> tuple[list[dict[str, object]], np.ndarray, np.ndarray]:
    """``n`` offers (features with their ``action``), true probabilities and outcomes."""
    world = world or make_world()
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    truth = np.empty(n)
    for i in range(n):
        x: dict[str, object] = {
            "age": int(rng.integers(18, 81)),
            "income": round(float(np.clip(rng.normal(40.0, 12.0), 5.0, 120.0)), 1),
            "tenure": int(rng.integers(0, 121)),
            "segment": SEGMENTS[int(rng.integers(len(SEGMENTS)))],
            "region": REGIONS[int(rng.integers(len(REGIONS)))],
            "has_app": bool(rng.random() < 0.4),
        }
        action = ACTIONS[int(rng.integers(len(ACTIONS)))]
        truth[i] = 1.0 / (1.0 + math.exp(-world.logit(action, x)))
        rows.append({**x, "action": action})
    return rows, truth, rng.random(n) < truth


class PerAction:
    """One model per action, built by ``factory`` when the action is first seen."""

    def __init__(self, factory: Callable[[], OnlineClassifier]) -> None:
        self.factory = factory
        self._models: dict[str, OnlineClassifier] = {}

    def _model(self, x: Features) -> tuple[OnlineClassifier, dict[str, object]]:
        action = str(x["action"])
        model = self._models.get(action) or self._models.setdefault(action, self.factory())
        return model, {k: v for k, v in x.items() if k != "action"}

    def learn_one(self, x: Features, y: bool) -> None:
        model, rest = self._model(x)
        model.learn_one(rest, y)

    def predict_proba_one(self, x: Features) -> float:
        model, rest = self._model(x)
        return model.predict_proba_one(rest)


LEARNERS: dict[str, Callable[[], object]] = {
    "BayesianLogistic per action": lambda: PerAction(
        lambda: BayesianLogistic(prior_variance=0.3, prior_rate=0.1)
    ),
    "BayesianLogisticBank": lambda: BayesianLogisticBank(prior_variance=0.3, prior_rate=0.1),
    "AdaptiveNaiveBayes per action": lambda: PerAction(lambda: AdaptiveNaiveBayes(prior_rate=0.1)),
    "BayesianLogistic pooled": lambda: BayesianLogistic(prior_variance=0.3, prior_rate=0.1),
}


def progressive(
    learners: dict[str, Callable[[], object]], rows: list[dict[str, object]], y: np.ndarray
) -> dict[str, np.ndarray]:
    """Each learner scores each offer, then learns its outcome, in stream order."""
    found = {}
    for name, factory in learners.items():
        model = factory()
        predict, learn = model.predict_proba_one, model.learn_one  # type: ignore[attr-defined]
        p = np.empty(len(rows))
        for i, (x, outcome) in enumerate(zip(rows, y.tolist(), strict=True)):
            p[i] = predict(x)
            learn(x, outcome)
        found[name] = p
    return found


def auc_by_tenth(y: np.ndarray, p: np.ndarray) -> list[float]:
    """AUC over each tenth of the stream, in order."""
    return [
        float(roc_auc_score(y[part], p[part])) for part in np.array_split(np.arange(len(y)), 10)
    ]


def ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over equal-count bins of the predictions."""
    parts = np.array_split(np.argsort(p, kind="stable"), bins)
    return float(sum(abs(p[q].mean() - y[q].mean()) * len(q) for q in parts) / len(p))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rows, truth, y = make_stream(args.events, args.seed)
    print(
        f"{args.events:,} offers, {len(ACTIONS)} actions, {y.mean():.2%} accepted, "
        f"world seed 3, stream seed {args.seed}; oracle AUC (all) "
        f"{roc_auc_score(y, truth):.3f}"
    )
    predictions = progressive(LEARNERS, rows, y)
    curves = {"oracle (true probabilities)": auc_by_tenth(y, truth)}
    curves.update({name: auc_by_tenth(y, p) for name, p in predictions.items()})
    print("\nProgressive AUC per tenth of the stream:")
    print("| learner | " + " | ".join(str(k) for k in range(1, 11)) + " | all |")
    print("|---|" + "---|" * 11)
    for name, curve in curves.items():
        p = truth if name.startswith("oracle") else predictions[name]
        cells = " | ".join(f"{a:.3f}" for a in curve)
        print(f"| {name} | {cells} | {roc_auc_score(y, p):.3f} |")
    half = slice(args.events // 2, None)
    print("\nCalibration, second half: ECE (10 equal-count bins), mean predicted vs observed")
    print(f"- oracle: ECE {ece(truth[half], y[half]):.4f}, mean {truth[half].mean():.4f}")
    for name, p in predictions.items():
        print(
            f"- {name}: ECE {ece(p[half], y[half]):.4f}, mean {p[half].mean():.4f} "
            f"vs observed {y[half].mean():.4f}"
        )


if __name__ == "__main__":
    main()
