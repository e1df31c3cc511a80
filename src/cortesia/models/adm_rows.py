"""The rows of the predictor binning snapshot: every bin of a predictor, and the classifier.

Values as Pega writes them (``cortesia.models.adm_export`` has the columns): bins count
from 1; numeric symbols ``<3.5``, ``[3.5, 7>``, ``≥7`` with their bounds; symbolic ones
the value or ``Remaining symbols`` (the residual bin, first); ``MISSING`` last.
"""

from __future__ import annotations

from cortesia.models.adm import PredictorReport
from cortesia.models.binning import Bin
from cortesia.models.evidence import ModelEvidence, merge_score_bins

Row = dict[str, object]


def predictor_rows(model_id: str, group: int, report: PredictorReport) -> list[Row]:
    """One row per bin of one predictor (``group`` is its position in the model)."""
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


def classifier_rows(model_id: str, evidence: ModelEvidence, max_bins: int) -> list[Row]:
    """The classifier rows: the score distribution merged into at most ``max_bins`` bins."""
    merged = merge_score_bins(evidence.score_bins, max_bins)
    groups = [(f"[{b.lower:.4g}, {b.upper:.4g}>", b.positives, b.negatives) for b in merged]
    total_pos = evidence.positives
    total_neg = evidence.responses - evidence.positives
    common: Row = {
        "pyModelID": model_id,
        "pyPredictorName": "Classifier",
        "pyEntryType": "Classifier",
        "pyType": "numeric",
        "pyGroupIndex": None,
        "pyPerformance": evidence.performance,
        "pyPositives": float(total_pos),
        "pyNegatives": float(total_neg),
        "pyResponseCount": float(evidence.responses),
        "pyTotalBins": len(groups) or 1,
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
        for i, (symbol, pos, neg) in enumerate(groups or [("NON-MISSING", 0, 0)], start=1)
    ]
