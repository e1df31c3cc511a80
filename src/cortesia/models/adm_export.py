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

A model enters as an ``AdaptiveNaiveBayes`` or as its ``ModelEvidence`` (what the rows
show: technique, outcomes, performance, binned predictors, score distribution), so a
model that does not score by bins, such as a Bayesian logistic model kept with a
``BinnedEvidence``, is exported the same way.

Our classifier maps the score to a propensity by a Bayesian model, not by Pega's score
intervals. Its rows come from the model's progressive score histogram (each outcome
counted at the propensity given *before* learning it: the evidence behind the AUC),
merged into at most ``classifier_bins`` bins of similar evidence. The symbol is the
propensity interval; the bounds stay empty, as Pega's are on a score scale ours lacks.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from cortesia.errors import ValidationError
from cortesia.models.adm import AdaptiveNaiveBayes
from cortesia.models.adm_rows import Row as Row  # re-exported: the rows are its API
from cortesia.models.adm_rows import classifier_rows, predictor_rows
from cortesia.models.evidence import ModelEvidence as ModelEvidence  # re-exported
from cortesia.models.evidence import score_bins

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


def naive_bayes_evidence(model: AdaptiveNaiveBayes) -> ModelEvidence:
    """An ``AdaptiveNaiveBayes`` as its datamart evidence (technique ``NaiveBayes``)."""
    # The model keeps its score histogram private (it backs ``auc``); read here until it
    # offers a public accessor, so the export shows the real score distribution.
    histogram = score_bins(model._auc_pos, model._auc_neg)
    return ModelEvidence(
        "NaiveBayes", model.positives, model.n_seen, model.auc, model.predictors(), histogram
    )


Model = AdaptiveNaiveBayes | ModelEvidence


def _evidence(model: Model) -> ModelEvidence:
    return naive_bayes_evidence(model) if isinstance(model, AdaptiveNaiveBayes) else model


def model_snapshot(models: Iterable[tuple[ModelIdentity, Model]], when: datetime) -> list[Row]:
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
        found = _evidence(model)
        predictors = found.predictors
        n, pos = found.responses, found.positives
        # in MODEL_COLUMNS' order
        context = (ident.model_id, ident.configuration, ident.issue, ident.group, ident.name)
        place = (ident.channel, ident.direction, found.technique)
        rate = pos / n if n else 0.0
        evidence = (float(pos), float(n - pos), float(n), rate, found.performance)
        size = (sum(p.active for p in predictors), len(predictors), stamp)
        rows.append(dict(zip(MODEL_COLUMNS, (*context, *place, *evidence, *size), strict=True)))
    return rows


def predictor_binning(
    models: Iterable[tuple[ModelIdentity, Model]],
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
        model_id, found = ident.model_id, _evidence(model)
        for group, report in enumerate(found.predictors, start=1):
            rows.extend(predictor_rows(model_id, group, report))
        rows.extend(classifier_rows(model_id, found, classifier_bins))
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
