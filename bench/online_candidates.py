"""Candidate online learners on UCI Bank Marketing: river and Vowpal Wabbit vs ours.

Issue 5 asks to choose the propensity learner by measurement among binned naive Bayes
(the ADM baseline), online Bayesian logistic regression, river's online models and
Vowpal Wabbit. This runs them all on the stream of ``bench/bank_marketing.py``: the same
file, features (``duration`` left out), time order, progressive test-then-train protocol,
AUC, ECE (10 equal-width bins) and ``learn_one`` timing, which it imports from there.

river and vowpalwabbit are *not* project dependencies; install them into the venv by hand
(``.venv/bin/python -m pip install river vowpalwabbit``). A candidate whose package is
missing is reported as such and skipped.

Run::

    .venv/bin/python bench/online_candidates.py
"""

from __future__ import annotations

import argparse
import importlib.util
import numbers
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import log_loss, roc_auc_score

from bank_marketing import MODELS, SHA256, TRAIN_SHARE, ece, load, progressive
from cortesia.models.base import Batch, Features, OnlineClassifier

# Feature groups become Vowpal Wabbit namespaces, so that "-q ::" crosses them pairwise.
NAMESPACES = {
    "c": ("age", "job", "marital", "education", "default", "housing", "loan"),
    "k": ("contact", "month", "day_of_week", "campaign", "pdays", "previous", "poutcome"),
    "e": ("emp.var.rate", "cons.price.idx", "cons.conf.idx", "euribor3m", "nr.employed"),
}


class _RowByRow:
    """``predict_proba_many`` for rows, one by one (the protocol asks for it; unused here)."""

    def predict_proba_one(self, x: Features) -> float:
        raise NotImplementedError

    def predict_proba_many(self, batch: Batch) -> NDArray[np.float64]:
        if isinstance(batch, Mapping):
            raise TypeError("rows only")
        return np.array([self.predict_proba_one(x) for x in batch], dtype=np.float64)


class RiverModel(_RowByRow):
    """A river classifier behind the bench's ``learn_one`` / ``predict_proba_one``."""

    def __init__(self, model: Any, prior_rate: float = 0.1) -> None:
        self.model = model
        self.prior_rate = prior_rate

    def learn_one(self, x: Features, y: bool) -> None:
        self.model.learn_one(dict(x), y)

    def predict_proba_one(self, x: Features) -> float:
        # river answers {} before its first update; say the prior rate like ours do.
        proba = self.model.predict_proba_one(dict(x))
        return float(proba.get(True, 0.0)) if proba else self.prior_rate


class VowpalLogistic(_RowByRow):
    """Vowpal Wabbit, logistic loss, probabilities through ``--link logistic``."""

    def __init__(self, options: str = "") -> None:
        from vowpalwabbit import Workspace  # type: ignore[import-untyped,unused-ignore]

        self.options = options
        self.workspace = Workspace(
            f"--loss_function logistic --link logistic --random_seed 0 --quiet {options}"
        )

    @staticmethod
    def line(x: Features, y: bool | None = None) -> str:
        label = "" if y is None else ("1 " if y else "-1 ")
        parts = []
        for space, names in NAMESPACES.items():
            tokens = [
                f"{n}:{v}" if isinstance(v, numbers.Number) else f"{n}={v}"
                for n in names
                if (v := x[n]) is not None
            ]
            parts.append(f"|{space} {' '.join(tokens)}")
        return label + " ".join(parts)

    def learn_one(self, x: Features, y: bool) -> None:
        self.workspace.learn(self.line(x, y))

    def predict_proba_one(self, x: Features) -> float:
        return float(self.workspace.predict(self.line(x)))


def _river_candidates() -> dict[str, Callable[[], OnlineClassifier]]:
    from river import compose, linear_model, naive_bayes, preprocessing, tree

    def encoded() -> Any:
        numeric = compose.SelectType(numbers.Number) | preprocessing.StandardScaler()
        symbolic = compose.SelectType(str) | preprocessing.OneHotEncoder()
        return numeric + symbolic

    return {
        "river LogisticRegression (StandardScaler + OneHotEncoder, SGD lr 0.01)": lambda: (
            RiverModel(encoded() | linear_model.LogisticRegression())
        ),
        "river GaussianNB (same encoding)": lambda: RiverModel(
            encoded() | naive_bayes.GaussianNB()  # type: ignore[no-untyped-call]
        ),
        "river HoeffdingAdaptiveTreeClassifier (raw features, seed 0)": lambda: RiverModel(
            tree.HoeffdingAdaptiveTreeClassifier(seed=0)
        ),
    }


def _vowpal_candidates() -> dict[str, Callable[[], OnlineClassifier]]:
    return {
        "VW logistic, linear": lambda: VowpalLogistic(),
        "VW logistic, quadratic -q :: (all namespace pairs)": lambda: VowpalLogistic("-q ::"),
    }


def candidates() -> tuple[dict[str, Callable[[], OnlineClassifier]], list[str]]:
    """Our two learners, then every candidate whose package imports."""
    found: dict[str, Callable[[], OnlineClassifier]] = dict(MODELS)
    missing = []
    for package, build in (("river", _river_candidates), ("vowpalwabbit", _vowpal_candidates)):
        if importlib.util.find_spec(package) is None:
            missing.append(package)
        else:
            found.update(build())
    return found, missing


def predict_micros(
    factory: Callable[[], OnlineClassifier], xs: list[dict[str, object]], ys: list[bool]
) -> float:
    """Mean µs of one ``predict_proba_one`` after 5,000 updates (the real-time path)."""
    model = factory()
    for x, y in zip(xs[:5000], ys[:5000], strict=True):
        model.learn_one(x, y)
    rows = xs[5000:7000]
    start = time.perf_counter()
    for x in rows:
        model.predict_proba_one(x)
    return (time.perf_counter() - start) / len(rows) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", default="bank-additional-full.csv", choices=sorted(SHA256))
    args = parser.parse_args()
    xs, ys = load(args.file)
    y = np.array(ys)
    cut = int(len(ys) * TRAIN_SHARE)
    models, missing = candidates()
    print(f"{args.file}: {len(ys)} calls, {y.mean():.3f} positive, test = last {len(ys) - cut}")
    for package in missing:
        print(f"(not installed, skipped: {package})")
    print(
        "| model | AUC all (progressive) | AUC last 30 % | ECE last 30 % | ECE all "
        "| log loss all | mean p / observed, last 30 % | updates/s | µs per predict_proba_one |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, factory in models.items():
        p, rate = progressive(factory, xs, ys)
        clipped = np.clip(p, 1e-6, 1 - 1e-6)
        print(
            f"| {name} | {roc_auc_score(y, p):.3f} | {roc_auc_score(y[cut:], p[cut:]):.3f} "
            f"| {ece(y[cut:], p[cut:]):.4f} | {ece(y, p):.4f} | {log_loss(y, clipped):.4f} "
            f"| {p[cut:].mean():.3f} / {y[cut:].mean():.3f} | {rate:,.0f} "
            f"| {predict_micros(factory, xs, ys):.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
