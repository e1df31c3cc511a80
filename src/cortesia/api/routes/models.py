"""The scoring models: their evidence, quality and most important predictors."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from cortesia.api.deps import Decide, EngineDep
from cortesia.engine.model_views import model_view, models_view

router = APIRouter(tags=["models"])


@router.get("/v1/models", summary="Every scoring model with its quality")
def models(engine: EngineDep, _: Decide) -> dict[str, Any]:
    return models_view(engine.decisions.scorer)


@router.get("/v1/models/{model_id}", summary="One model: quality and predictor importance")
def model(
    model_id: Annotated[str, Path(min_length=1, max_length=300)], engine: EngineDep, _: Decide
) -> dict[str, Any]:
    return model_view(engine.decisions.scorer, model_id)
