"""The adaptive propensity models as an analyst inspects them, and as Pega's ADM shows them.

``importance`` ranks a logistic model's predictors by their weights.

Each propensity model of ``AdaptiveScorer`` (one per action × channel × direction) is a
Bayesian logistic model: it reads a predictor through a weight, not through bins. Beside
each one, ``AdaptiveEvidence`` keeps a ``BinnedEvidence`` fed the same outcomes, so every
model can be inspected and exported in the columns of Pega's ADM datamart
(``cortesia.models.adm_export``, ``cortesia.batch.adm_files``): per predictor, bins of its
values with their positives and negatives and the predictor's AUC over them; and the
model's score distribution. Every predictor is reported *active*: the logistic model reads
them all. It also remembers each model's action group (``issue/group``) from the outcomes,
which places the model in the datamart's decision hierarchy.

Outcomes wait in a short queue (``PENDING``) and are counted a batch at a time, model by
model (``BinnedEvidence.learn_many``): a predictor's repeated values are counted once with
their multiplicity, which is most of the cost of keeping the bins. Reading the evidence,
or pickling it, counts the queue first.

It is part of the scorer's snapshot, so a process restored from a snapshot keeps it.
"""

from __future__ import annotations

from collections.abc import Mapping

from cortesia.models.adm_export import ModelIdentity
from cortesia.models.base import Features
from cortesia.models.evidence import BinnedEvidence, ModelEvidence
from cortesia.models.quality import RunningQuality

#: The configuration (Pega's model rule) every adaptive propensity model is exported under.
CONFIGURATION = "Cortesia_Adaptive"
#: The technique the model rows name.
TECHNIQUE = "BayesianLogistic"
#: Decision variables that are the model's own context (its key), not predictors.
CONTEXT = ("channel", "direction")
#: Outcomes queued before they are counted into the bins.
PENDING = 4096

Queued = tuple[str, Features, bool, float]


def importance(
    weights: Mapping[str, tuple[float, float]], top: int = 10
) -> list[dict[str, object]]:
    """The predictors that move a logistic model most: largest posterior mean weights.

    Examples
    --------
    >>> importance({"(bias)": (-3.0, 0.1), "age": (0.2, 0.05), "plan=gold": (-0.9, 0.2)})
    [{'predictor': 'plan=gold', 'weight': -0.9, 'deviation': 0.2}, \
{'predictor': 'age', 'weight': 0.2, 'deviation': 0.05}]
    """
    ranked = sorted(
        ((name, mean, sd) for name, (mean, sd) in weights.items() if name != "(bias)"),
        key=lambda item: -abs(item[1]),
    )
    return [
        {"predictor": name, "weight": round(mean, 4), "deviation": round(sd, 4)}
        for name, mean, sd in ranked[:top]
    ]


class AdaptiveEvidence:
    """Binned evidence and the action group of every propensity model, by model key.

    Examples
    --------
    >>> kept = AdaptiveEvidence()
    >>> for n in range(40):
    ...     x = {"segment": "premium" if n % 2 else "value", "channel": "sms"}
    ...     kept.learn("pack|sms|outbound", "sales/data", x, n % 2 == 1, 0.2)
    >>> quality = RunningQuality()
    >>> quality.add(0.2, True)
    >>> [(ident, found)] = kept.datamart({"pack|sms|outbound": quality})
    >>> ident.issue, ident.group, ident.name, ident.channel, ident.direction
    ('sales', 'data', 'pack', 'sms', 'outbound')
    >>> found.technique, found.responses, [p.name for p in found.predictors]
    ('BayesianLogistic', 1, ['segment'])
    >>> [(b.label, b.positives) for b in found.predictors[0].bins]
    [('Residual', 0), ('premium', 20), ('value', 0), ('MISSING', 0)]
    """

    def __init__(self) -> None:
        self.binned: dict[str, BinnedEvidence] = {}
        self.groups: dict[str, str] = {}
        self._pending: list[Queued] = []

    def __getstate__(self) -> dict[str, object]:
        self.flush()
        return dict(self.__dict__)

    def __setstate__(self, state: dict[str, object]) -> None:
        state.setdefault("_pending", [])
        self.__dict__.update(state)

    def learn(
        self, key: str, group: str | None, x: Features, accepted: bool, before: float
    ) -> None:
        """Count one answered offer of model ``key``; ``before`` is the propensity the model
        gave it before learning it. ``x`` is kept until it is counted: it must not change."""
        self._pending.append((key, x, accepted, before))
        if group is not None:
            self.groups[key] = group
        if len(self._pending) >= PENDING:
            self.flush()

    def flush(self) -> None:
        """Count every queued outcome into its model's bins."""
        by_model: dict[str, list[tuple[Features, bool, float]]] = {}
        for key, x, accepted, before in self._pending:
            rows = by_model.get(key)
            if rows is None:
                rows = by_model[key] = []
            rows.append((x, accepted, before))
        self._pending = []
        for key, rows in by_model.items():
            evidence = self.binned.get(key)
            if evidence is None:
                # min_predictor_auc 0: every predictor is active, as the logistic model reads
                # every one (an "inactive" one would still move its scores)
                evidence = BinnedEvidence(min_predictor_auc=0.0, ignore=CONTEXT)
                self.binned[key] = evidence
            evidence.learn_many(rows)

    def datamart(
        self, quality: Mapping[str, RunningQuality]
    ) -> list[tuple[ModelIdentity, ModelEvidence]]:
        """Every model ``quality`` knows, as the datamart shows it, by model key.

        Outcomes and performance (the progressive AUC) are the model's own, from its
        running quality; predictors and score distribution from the binned evidence.
        """
        self.flush()
        models = []
        for key in sorted(quality):
            action, channel, direction = key.split("|")
            issue, _, group = self.groups.get(key, "").partition("/")
            ident = ModelIdentity(issue, group, action, channel, direction, CONFIGURATION)
            found = self.binned.get(key) or BinnedEvidence()
            measured = quality[key]
            evidence = ModelEvidence(
                TECHNIQUE,
                measured.positives,
                measured.n,
                measured.auc,
                found.predictors(),
                found.score_bins(),
            )
            models.append((ident, evidence))
        return models
