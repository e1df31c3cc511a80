"""ADM-style models as rows of Pega's ADM datamart, for pdstools' Health Check.

Pega keeps two snapshot tables of its adaptive models, which Pega's open-source
``pdstools`` (``ADMDatamart``) reads: the **model snapshot**, one row per model (context,
evidence, AUC), and the **predictor binning snapshot**, one row per bin of every
predictor plus the *classifier* rows (the score distribution, predictor ``Classifier``).

Names and values are the datamart's: ``pyModelID``, ``pyBinSymbol``… (pdstools drops the
``py``; ``pyConfigurationName`` becomes ``Configuration``); ``pyType`` ``numeric`` or
``symbolic``; ``pyBinType`` ``MISSING``, ``RESIDUAL`` or ``EQUIBEHAVIOR``; ``pyEntryType``
``Active``, ``Inactive`` or ``Classifier``; symbols ``<3.5``, ``[3.5, 7>``, ``≥7``,
``Remaining symbols``; bins count from 1; AUC on the 0–1 scale; ``pySnapshotTime`` as
Pega writes it (``20261124T060708.000 GMT``).

Our classifier is a Bayesian logistic calibration of the score, not Pega's score
intervals. Its rows come from the model's progressive score histogram (each outcome
counted at the propensity given *before* learning it: the evidence behind ``auc``),
merged into at most ``classifier_bins`` bins of similar evidence. The symbol is the
propensity interval; the bounds stay empty, as Pega's are on a score scale ours lacks.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from cortesia.errors import ValidationError
from cortesia.models.adm import AdaptiveNaiveBayes, PredictorReport
from cortesia.models.binning import Bin

Row = dict[str, object]

_TEXT, _REAL, _WHOLE = str, float, int

#: Model snapshot columns, in order, with the Python type of their values.
MODEL_COLUMNS: dict[str, type] = {
    **dict.fromkeys(("pyModelID", "pyConfigurationName", "pyIssue", "pyGroup"), _TEXT),
    **dict.fromkeys(("pyName", "pyChannel", "pyDirection", "pyModelTechnique"), _TEXT),
    **dict.fromkeys(("pyPositives", "pyNegatives", "pyResponseCount"), _REAL),
    **dict.fromkeys(("pySuccessRate", "pyPerformance"), _REAL),
    **dict.fromkeys(("pyActivePredictors", "pyTotalPredictors"), _WHOLE),
    "pySnapshotTime": _TEXT,
}

#: Predictor binning columns, in order, with the Python type of their values.
PREDICTOR_COLUMNS: dict[str, type] = {
    **dict.fromkeys(("pyModelID", "pyPredictorName", "pyEntryType", "pyType"), _TEXT),
    "pyGroupIndex": _WHOLE,
    **dict.fromkeys(("pyPerformance", "pyPositives", "pyNegatives", "pyResponseCount"), _REAL),
    **dict.fromkeys(("pyTotalBins", "pyBinIndex"), _WHOLE),
    **dict.fromkeys(("pyBinType", "pyBinSymbol"), _TEXT),
    **dict.fromkeys(("pyBinLowerBound", "pyBinUpperBound", "pyBinPositives"), _REAL),
    **dict.fromkeys(("pyBinNegatives", "pyBinResponseCount", "pyLift"), _REAL),
    "pySnapshotTime": _TEXT,
}

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://cortesia.invalid/adm-model")
_LOGIT_SPAN = 10.0  # the model's score histogram covers logit(propensity) in [-10, 10)


@dataclass(frozen=True, slots=True)
class ModelIdentity:
    """Where a model sits in the decision hierarchy: its context in the datamart.

    Examples
    --------
    >>> ident = ModelIdentity("Sales", "Cards", "GoldCard", "Web", "Inbound", "Web_Click")
    >>> ident.model_id == ModelIdentity(
    ...     "Sales", "Cards", "GoldCard", "Web", "Inbound", "Web_Click").model_id
    True
    >>> len(ident.model_id)
    36
    """

    issue: str
    group: str
    name: str
    channel: str
    direction: str
    configuration: str

    @property
    def model_id(self) -> str:
        """A stable identifier (a name-based UUID), the same on every export."""
        key = "\x1f".join(
            (self.configuration, self.issue, self.group, self.name, self.channel, self.direction)
        )
        return str(uuid.uuid5(_NAMESPACE, key))


def pega_timestamp(when: datetime) -> str:
    """``when`` as Pega writes timestamps in its exports (UTC, milliseconds, ``GMT``).

    Examples
    --------
    >>> from datetime import timezone, timedelta
    >>> pega_timestamp(datetime(2026, 11, 24, 8, 7, 8, 123456, tzinfo=timezone(timedelta(hours=2))))
    '20261124T060708.123 GMT'
    """
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValidationError("snapshot_time", when, "must carry a time zone")
    utc = when.astimezone(UTC)
    return f"{utc:%Y%m%dT%H%M%S}.{utc.microsecond // 1000:03d} GMT"


def model_snapshot(
    models: Iterable[tuple[ModelIdentity, AdaptiveNaiveBayes]], when: datetime
) -> list[Row]:
    """One model snapshot row per model, in the datamart's columns (``MODEL_COLUMNS``).

    Examples
    --------
    >>> from datetime import timezone
    >>> model = AdaptiveNaiveBayes(grace=20, min_bin_evidence=10)
    >>> for i in range(200):
    ...     model.learn_one({"age": i % 80}, i % 80 > 50)
    >>> ident = ModelIdentity("Sales", "Cards", "GoldCard", "Web", "Inbound", "Web_Click")
    >>> [row] = model_snapshot([(ident, model)], datetime(2026, 1, 2, tzinfo=timezone.utc))
    >>> row["pyName"], row["pyPositives"], row["pyResponseCount"], row["pyActivePredictors"]
    ('GoldCard', 58.0, 200.0, 1)
    """
    stamp = pega_timestamp(when)
    rows: list[Row] = []
    for ident, model in models:
        predictors = model.predictors()
        n, pos = model.n_seen, model.positives
        # in MODEL_COLUMNS' order
        context = (ident.model_id, ident.configuration, ident.issue, ident.group, ident.name)
        place = (ident.channel, ident.direction, "NaiveBayes")
        evidence = (float(pos), float(n - pos), float(n), pos / n if n else 0.0, model.auc)
        size = (sum(p.active for p in predictors), len(predictors), stamp)
        rows.append(dict(zip(MODEL_COLUMNS, (*context, *place, *evidence, *size), strict=True)))
    return rows


def predictor_binning(
    models: Iterable[tuple[ModelIdentity, AdaptiveNaiveBayes]],
    when: datetime,
    *,
    classifier_bins: int = 20,
) -> list[Row]:
    """One row per bin of every predictor, then the classifier's score bins.

    Examples
    --------
    >>> from datetime import timezone
    >>> model = AdaptiveNaiveBayes(grace=20, min_bin_evidence=10)
    >>> for i in range(200):
    ...     model.learn_one({"plan": "gold" if i % 2 else "basic"}, i % 2 == 1)
    >>> ident = ModelIdentity("Sales", "Cards", "GoldCard", "Web", "Inbound", "Web_Click")
    >>> rows = predictor_binning([(ident, model)], datetime(2026, 1, 2, tzinfo=timezone.utc))
    >>> [(r["pyBinIndex"], r["pyBinSymbol"], r["pyBinType"], r["pyBinPositives"])
    ...  for r in rows if r["pyPredictorName"] == "plan"]
    [(1, 'Remaining symbols', 'RESIDUAL', 0.0), (2, 'basic', 'EQUIBEHAVIOR', 0.0), \
(3, 'gold', 'EQUIBEHAVIOR', 100.0), (4, 'MISSING', 'MISSING', 0.0)]
    >>> sum(r["pyBinResponseCount"] for r in rows if r["pyEntryType"] == "Classifier")
    200.0
    """
    if classifier_bins < 1:
        raise ValidationError("classifier_bins", classifier_bins, "must be at least 1")
    stamp = pega_timestamp(when)
    rows: list[Row] = []
    for ident, model in models:
        model_id = ident.model_id
        for group, report in enumerate(model.predictors(), start=1):
            rows.extend(_predictor_rows(model_id, group, report))
        rows.extend(_classifier_rows(model_id, model, classifier_bins))
    for row in rows:
        row["pySnapshotTime"] = stamp
    return [{name: row[name] for name in PREDICTOR_COLUMNS} for row in rows]


def as_columns(rows: list[Row], columns: Iterable[str]) -> dict[str, list[object]]:
    """The rows as one list per column (absent values are None), in ``columns``' order.

    Examples
    --------
    >>> as_columns([{"a": 1}, {"a": 2, "b": "x"}], ["a", "b"])
    {'a': [1, 2], 'b': [None, 'x']}
    """
    return {name: [row.get(name) for row in rows] for name in columns}


def _predictor_rows(model_id: str, group: int, report: PredictorReport) -> list[Row]:
    total_pos = sum(b.positives for b in report.bins)
    total_neg = sum(b.negatives for b in report.bins)
    common: Row = {
        "pyModelID": model_id,
        "pyPredictorName": report.name,
        "pyEntryType": "Active" if report.active else "Inactive",
        "pyType": report.kind,
        "pyGroupIndex": group,
        "pyPerformance": report.auc,
        "pyPositives": float(total_pos),
        "pyNegatives": float(total_neg),
        "pyResponseCount": float(total_pos + total_neg),
        "pyTotalBins": len(report.bins),
    }
    last = len(report.bins) - 1
    rows: list[Row] = []
    for i, b in enumerate(report.bins):
        # the binnings put MISSING last and, for symbols, the residual bin first
        if i == last:
            kind, symbol, lower, upper = "MISSING", "MISSING", None, None
        elif report.kind == "numeric":
            kind = "EQUIBEHAVIOR"
            lower, upper = _numeric_bounds(b.label)
            symbol = _interval_symbol(lower, upper)
        else:
            kind = "RESIDUAL" if i == 0 else "EQUIBEHAVIOR"
            symbol, lower, upper = "Remaining symbols" if i == 0 else b.label, None, None
        rows.append(
            {
                **common,
                **_bin_counts(b, total_pos, total_neg),
                "pyBinIndex": i + 1,
                "pyBinType": kind,
                "pyBinSymbol": symbol,
                "pyBinLowerBound": lower,
                "pyBinUpperBound": upper,
            }
        )
    return rows


def _bin_counts(b: Bin, total_pos: int, total_neg: int) -> Row:
    count = b.positives + b.negatives
    rate = total_pos / (total_pos + total_neg) if total_pos else 0.0
    lift = (b.positives / count) / rate if count and rate else None
    return {
        "pyBinPositives": float(b.positives),
        "pyBinNegatives": float(b.negatives),
        "pyBinResponseCount": float(count),
        "pyLift": lift,
    }


def _numeric_bounds(label: str) -> tuple[float | None, float | None]:
    """Bounds of a numeric bin from its label (``< a``, ``[a, b)``, ``>= b``)."""
    if label.startswith("< "):
        return None, float(label[2:])
    if label.startswith(">= "):
        return float(label[3:]), None
    if label.startswith("[") and label.endswith(")"):
        lower, upper = label[1:-1].split(", ")
        return float(lower), float(upper)
    return None, None  # "all values": a single bin before the first rebuild


def _interval_symbol(lower: float | None, upper: float | None) -> str:
    if lower is None and upper is None:
        return "NON-MISSING"
    if lower is None:
        return f"<{upper:g}"
    if upper is None:
        return f"≥{lower:g}"
    return f"[{lower:g}, {upper:g}>"


def _classifier_rows(model_id: str, model: AdaptiveNaiveBayes, max_bins: int) -> list[Row]:
    groups = _score_groups(*_score_histogram(model), max_bins)
    total_pos, total_neg = model.positives, model.n_seen - model.positives
    common: Row = {
        "pyModelID": model_id,
        "pyPredictorName": "Classifier",
        "pyEntryType": "Classifier",
        "pyType": "numeric",
        "pyGroupIndex": None,
        "pyPerformance": model.auc,
        "pyPositives": float(total_pos),
        "pyNegatives": float(total_neg),
        "pyResponseCount": float(model.n_seen),
        "pyTotalBins": len(groups),
        "pyBinType": "EQUIBEHAVIOR",
        "pyBinLowerBound": None,
        "pyBinUpperBound": None,
    }
    return [
        {
            **common,
            **_bin_counts(Bin(symbol, pos, neg, 0.0), total_pos, total_neg),
            "pyBinIndex": i,
            "pyBinSymbol": symbol,
        }
        for i, (symbol, pos, neg) in enumerate(groups, start=1)
    ]


def _score_histogram(model: AdaptiveNaiveBayes) -> tuple[list[int], list[int]]:
    # AdaptiveNaiveBayes keeps this histogram private (it backs ``auc``); read here until
    # it offers a public accessor, so the export shows the real score distribution.
    return list(model._auc_pos), list(model._auc_neg)


def _score_groups(pos: list[int], neg: list[int], max_bins: int) -> list[tuple[str, int, int]]:
    """Consecutive histogram buckets merged into at most ``max_bins`` bins of similar size."""
    filled = [i for i in range(len(pos)) if pos[i] + neg[i]]
    if not filled:
        return [("NON-MISSING", 0, 0)]
    total = sum(pos) + sum(neg)
    groups: list[tuple[str, int, int]] = []
    start, acc_pos, acc_neg, seen = filled[0], 0, 0, 0
    for j, i in enumerate(filled):
        acc_pos, acc_neg = acc_pos + pos[i], acc_neg + neg[i]
        seen += pos[i] + neg[i]
        last = j == len(filled) - 1
        if last or seen >= total * (len(groups) + 1) / max_bins:
            groups.append((_propensity_symbol(start, i + 1, len(pos)), acc_pos, acc_neg))
            if not last:
                start, acc_pos, acc_neg = filled[j + 1], 0, 0
    return groups


def _propensity_symbol(first: int, end: int, buckets: int) -> str:
    width = 2 * _LOGIT_SPAN / buckets
    lower = 1.0 / (1.0 + math.exp(_LOGIT_SPAN - first * width))
    upper = 1.0 / (1.0 + math.exp(_LOGIT_SPAN - end * width))
    return f"[{lower:.4g}, {upper:.4g}>"
