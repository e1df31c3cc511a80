"""Learners: propensity, opt-out risk, off-policy evaluation.

Online learners speak river's verbs (``learn_one``, ``predict_proba_one``); batch
estimators follow scikit-learn's contract. One conformance suite judges them all.
"""

from __future__ import annotations

from cortesia.models.offpolicy import (
    PolicyValue,
    doubly_robust,
    ipw,
    on_policy,
    snipw,
    uniform_action_dist,
)

__all__ = ["PolicyValue", "doubly_robust", "ipw", "on_policy", "snipw", "uniform_action_dist"]
