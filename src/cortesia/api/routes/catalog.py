"""The action catalog: replace it, edit one action, read what is in force and its versions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path

from cortesia.api.catalog_schemas import ACTION_EXAMPLE, CatalogIn
from cortesia.api.deps import Admin, Decide, EngineDep
from cortesia.engine.catalog_views import (
    action_view,
    catalog_view,
    load_view,
    version_view,
)
from cortesia.errors import ValidationError

router = APIRouter(tags=["catalog"])
ActionId = Annotated[str, Path(min_length=1, max_length=64, examples=["data_pack_5gb"])]
ActionBody = Annotated[
    dict[str, Any],
    Body(
        description="one action, as a catalog file's [[actions]] table; id may be left out",
        examples=[ACTION_EXAMPLE],
    ),
]


@router.put("/v1/catalog", summary="Replace the whole catalog: a new version")
def replace_catalog(body: CatalogIn, engine: EngineDep, _: Admin) -> dict[str, Any]:
    previous = engine.catalog.latest_number()
    return load_view(engine.catalog.load_document(body.document(), source="api"), previous)


@router.get("/v1/catalog", summary="The catalog in force: its version, settings and actions")
def current(engine: EngineDep, _: Decide) -> dict[str, Any]:
    return catalog_view(engine.catalog.current())


@router.get("/v1/catalog/versions", summary="Every catalog version, newest first")
def versions(engine: EngineDep, _: Decide) -> dict[str, Any]:
    return {"versions": [version_view(v) for v in engine.catalog.versions()]}


@router.get("/v1/catalog/actions/{action_id}", summary="One action of the catalog in force")
def show_action(action_id: ActionId, engine: EngineDep, _: Decide) -> dict[str, Any]:
    return action_view(engine.catalog.current(), action_id, engine.clock.now())


@router.put("/v1/catalog/actions/{action_id}", summary="Add or replace one action: a new version")
def put_action(
    action_id: ActionId, body: ActionBody, engine: EngineDep, _: Admin
) -> dict[str, Any]:
    given = body.get("id", action_id)
    if given != action_id:
        raise ValidationError("action.id", given, f"must be the id in the path ({action_id})")
    previous = engine.catalog.latest_number()
    saved = engine.catalog.upsert_action({**body, "id": action_id})
    return load_view(saved, previous)


@router.delete("/v1/catalog/actions/{action_id}", summary="Remove one action: a new version")
def delete_action(action_id: ActionId, engine: EngineDep, _: Admin) -> dict[str, Any]:
    previous = engine.catalog.latest_number()
    return load_view(engine.catalog.remove_action(action_id), previous)
