"""Retention propensity on IBM's Telco churn table: online learners vs offline references.

A retention offer is relevant to a customer likely to leave, so the propensity to learn is
P(``Churn`` = Yes | the customer's attributes). The table (7,043 customers, 26.5 %
churners, ``shared/data/telco_churn``) is a snapshot with **no time column**, so there is
no true time order: the online learners see the customers in one fixed shuffled order
(seed 0). ``customerID`` is left out (an identifier); the 11 blank ``TotalCharges`` (new
customers) are missing values. Measured (issue 5, "Evaluation on real data"):

- **progressive AUC** (test-then-train) of ``BayesianLogistic`` and ``AdaptiveNaiveBayes``
  over the shuffled stream, over its last 30 %, and per tenth of the stream;
- the **offline references**: scikit-learn's logistic regression (one-hot, standardised)
  and ``HistGradientBoostingClassifier`` on a stratified random 70/30 split (seed 42),
  and the online learners after one pass over the same 70 %, scored on the same 30 %;
- **calibration**: expected calibration error (10 equal-width bins) and mean predicted
  vs observed rate.

Hyper-parameters of the online learners are those of ``bench/bank_marketing.py`` (not
tuned on this table).

Run (≈ 5 s)::

    .venv/bin/python bench/telco_churn.py
    .venv/bin/python bench/telco_churn.py --drift 0 1e-5   # forgetting, one row each
"""

from __future__ import annotations

import argparse
import csv
import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from bank_marketing import ece, with_drift  # the same learners and measures
from cortesia.models.base import OnlineClassifier

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "telco_churn"
FILE = "WA_Fn-UseC_-Telco-Customer-Churn.csv"
SHA256 = "a0ea74c48c1063be"
NUMERIC = ("tenure", "MonthlyCharges", "TotalCharges")
DROPPED = ("customerID", "Churn")
TEST_SHARE = 0.3


def load() -> tuple[list[dict[str, object]], np.ndarray]:
    path = DATA / FILE
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    if digest != SHA256:
        raise SystemExit(f"{path}: sha256 {digest} is not the published {SHA256}")
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    features = [{k: _value(k, v) for k, v in row.items() if k not in DROPPED} for row in rows]
    return features, np.array([row["Churn"] == "Yes" for row in rows])


def _value(name: str, text: str) -> object:
    if name not in NUMERIC:
        return text  # SeniorCitizen 0/1 is a category like the Yes/No columns
    return float(text) if text.strip() else None


def progressive(
    factory: Callable[[], OnlineClassifier], xs: list[dict[str, object]], ys: np.ndarray
) -> np.ndarray:
    """Score each customer, then learn its outcome, in the given order."""
    model = factory()
    predictions = np.empty(len(ys))
    for i, (x, y) in enumerate(zip(xs, ys.tolist(), strict=True)):
        predictions[i] = model.predict_proba_one(x)
        model.learn_one(x, y)
    return predictions


def one_pass(
    factory: Callable[[], OnlineClassifier],
    xs: list[dict[str, object]],
    ys: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
) -> np.ndarray:
    """Learn the ``train`` rows once, in their order; score the ``test`` rows."""
    model = factory()
    for i in train.tolist():
        model.learn_one(xs[i], bool(ys[i]))
    return model.predict_proba_many([xs[i] for i in test.tolist()])


def references(
    xs: list[dict[str, object]], ys: np.ndarray, train: np.ndarray, test: np.ndarray
) -> dict[str, np.ndarray]:
    """Offline scikit-learn models fitted on ``train``, scored on ``test``."""
    names = list(xs[0])
    symbolic = [i for i, n in enumerate(names) if n not in NUMERIC]
    numeric = [i for i, n in enumerate(names) if n in NUMERIC]
    table = np.array([[x[n] for n in names] for x in xs], dtype=object)
    table[:, numeric] = np.where(table[:, numeric] == None, np.nan, table[:, numeric])  # noqa: E711
    fill = np.nanmedian(table[train][:, numeric].astype(float), axis=0)
    linear = np.where(np.isnan(table[:, numeric].astype(float)), fill, table[:, numeric])
    table_linear = table.copy()
    table_linear[:, numeric] = linear
    logistic = make_pipeline(
        ColumnTransformer(
            [
                ("sym", OneHotEncoder(handle_unknown="ignore"), symbolic),
                ("num", StandardScaler(), numeric),
            ]
        ),
        LogisticRegression(max_iter=2000),
    )
    logistic.fit(table_linear[train], ys[train])
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan)
    codes = encoder.fit(table[train][:, symbolic]).transform(table[:, symbolic])
    matrix = np.hstack([codes, table[:, numeric].astype(float)])
    mask = [True] * len(symbolic) + [False] * len(numeric)
    boosting = HistGradientBoostingClassifier(categorical_features=mask, random_state=0)
    boosting.fit(matrix[train], ys[train])
    return {
        "scikit-learn LogisticRegression (one-hot, standardised)": logistic.predict_proba(
            table_linear[test]
        )[:, 1],
        "scikit-learn HistGradientBoosting": boosting.predict_proba(matrix[test])[:, 1],
    }


def _row(name: str, y: np.ndarray, p: np.ndarray) -> str:
    return (
        f"| {name} | {roc_auc_score(y, p):.3f} | {ece(y, p):.4f} | "
        f"{p.mean():.3f} | {y.mean():.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--drift", type=float, nargs="+", default=[0.0], help="forgetting: variance per outcome"
    )
    models = with_drift(parser.parse_args().drift)
    xs, ys = load()
    order = np.random.default_rng(0).permutation(len(ys))
    stream, y = [xs[i] for i in order.tolist()], ys[order]
    cut = int(len(y) * (1 - TEST_SHARE))
    print(f"{FILE}: {len(y)} customers, {y.mean():.3f} churners; no time column, so the")
    print("stream is one fixed shuffle (seed 0); test-then-train, ECE = 10 equal-width bins")
    print(
        "\n| model | AUC all (progressive) | AUC last 30 % | ECE last 30 % | ECE all "
        "| mean p / observed |"
    )
    print("|---|---|---|---|---|---|")
    curves = {}
    for name, factory in models.items():
        p = progressive(factory, stream, y)
        curves[name] = [
            f"{roc_auc_score(y[part], p[part]):.3f}"
            for part in np.array_split(np.arange(len(y)), 10)
        ]
        print(
            f"| {name} | {roc_auc_score(y, p):.3f} | {roc_auc_score(y[cut:], p[cut:]):.3f} | "
            f"{ece(y[cut:], p[cut:]):.4f} | {ece(y, p):.4f} | "
            f"{p[cut:].mean():.3f} / {y[cut:].mean():.3f} |"
        )
    print("\nProgressive AUC per tenth of the stream (704–705 customers each):")
    for name, curve in curves.items():
        print(f"- {name}: {', '.join(curve)}")
    rows = np.arange(len(ys))
    train, test = train_test_split(rows, test_size=TEST_SHARE, random_state=42, stratify=ys)
    print(f"\nRandom stratified 70/30 split (seed 42): train {len(train)}, test {len(test)}")
    print("| model | AUC test | ECE test | mean p | observed |")
    print("|---|---|---|---|---|")
    for name, p in references(xs, ys, train, test).items():
        print(_row(name, ys[test], p))
    for name, factory in models.items():
        p = one_pass(factory, xs, ys, train, test)
        print(_row(f"{name}, one online pass over the 70 %", ys[test], p))


if __name__ == "__main__":
    main()
