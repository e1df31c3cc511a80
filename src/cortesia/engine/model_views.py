"""The scoring models as the CLI and the API show them."""

from __future__ import annotations

from typing import Any

from cortesia.engine.scoring import ActionScorer
from cortesia.errors import NotFoundError


def models_view(scorer: ActionScorer) -> dict[str, Any]:
    """Every model with its quality, and the scorer's version (the models' state)."""
    return {"version": scorer.version, "models": scorer.models()}


def model_view(scorer: ActionScorer, model_id: str) -> dict[str, Any]:
    """One model, or NotFoundError naming it."""
    try:
        return scorer.model(model_id)
    except KeyError:
        raise NotFoundError("model", model_id) from None
