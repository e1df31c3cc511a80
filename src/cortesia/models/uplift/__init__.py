"""Uplift models: who responds *because* of a contact, and how well a model ranks them.

Needs scikit-learn (the ``learn`` extra). See docs/uplift.md.
"""

from __future__ import annotations

from cortesia.models.uplift.encoding import ColumnEncoder
from cortesia.models.uplift.files import load_model, read_metadata, save_model
from cortesia.models.uplift.learners import (
    LEARNERS,
    ClassTransformation,
    SLearner,
    TLearner,
    UpliftLearner,
    XLearner,
    make_learner,
)
from cortesia.models.uplift.metrics import (
    Curve,
    UpliftScores,
    perfect_qini_curve,
    perfect_uplift_curve,
    qini_auc_score,
    qini_curve,
    random_curve,
    uplift_at_k,
    uplift_auc_score,
    uplift_curve,
    uplift_scores,
)
from cortesia.models.uplift.model import (
    UpliftMetadata,
    UpliftModel,
    fit_uplift_model,
    stratified_split,
)
from cortesia.models.uplift.quadrants import (
    Quadrant,
    QuadrantThresholds,
    quadrant,
    quadrants,
    thresholds_for,
)

__all__ = [
    "LEARNERS",
    "ClassTransformation",
    "ColumnEncoder",
    "Curve",
    "Quadrant",
    "QuadrantThresholds",
    "SLearner",
    "TLearner",
    "UpliftLearner",
    "UpliftMetadata",
    "UpliftModel",
    "UpliftScores",
    "XLearner",
    "fit_uplift_model",
    "load_model",
    "make_learner",
    "perfect_qini_curve",
    "perfect_uplift_curve",
    "qini_auc_score",
    "qini_curve",
    "quadrant",
    "quadrants",
    "random_curve",
    "read_metadata",
    "save_model",
    "stratified_split",
    "thresholds_for",
    "uplift_at_k",
    "uplift_auc_score",
    "uplift_curve",
    "uplift_scores",
]
