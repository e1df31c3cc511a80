"""The scoring models as the CLI and the API show them."""

from __future__ import annotations

from typing import Any

from cortesia.engine.adaptive_scoring import AdaptiveScorer
from cortesia.engine.scoring import ActionScorer
from cortesia.errors import NotFoundError, ValidationError
from cortesia.models.adm_export import ModelEvidence, ModelIdentity


def models_view(scorer: ActionScorer) -> dict[str, Any]:
    """Every model with its quality, and the scorer's version (the models' state)."""
    return {"version": scorer.version, "models": scorer.models()}


def model_view(scorer: ActionScorer, model_id: str) -> dict[str, Any]:
    """One model, or NotFoundError naming it."""
    try:
        return scorer.model(model_id)
    except KeyError:
        raise NotFoundError("model", model_id) from None


def datamart_models(scorer: ActionScorer) -> list[tuple[ModelIdentity, ModelEvidence]]:
    """Every propensity model as Pega's ADM datamart shows one; only adaptive scoring keeps
    the binned evidence that needs (a ValidationError says so otherwise)."""
    if not isinstance(scorer, AdaptiveScorer):
        reason = "the ADM export needs adaptive scoring (CORTESIA_SCORING=adaptive)"
        raise ValidationError("scoring", type(scorer).__name__, reason)
    return scorer.datamart_models()
