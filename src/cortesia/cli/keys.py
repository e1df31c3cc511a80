"""``cortesia keys``: API keys with scopes, shown once, stored hashed."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cortesia.cli.context import engine_of
from cortesia.cli.options import SCOPE_HELP, JsonOption, command_group
from cortesia.cli.output import emit_json, err, say, table, view_rows
from cortesia.domain.access import ApiKeyRecord
from cortesia.engine.instants import iso

_COLUMNS = ("key_id", "name", "scopes", "created_at", "revoked_at")


def _key_view(record: ApiKeyRecord) -> dict[str, Any]:
    return {
        "key_id": record.key_id,
        "name": record.name,
        "scopes": sorted(s.value for s in record.scopes),
        "created_at": iso(record.created_at),
        "revoked_at": iso(record.revoked_at),
    }


def create(
    ctx: typer.Context,
    scope: Annotated[list[str], typer.Option(metavar="SCOPE", help=SCOPE_HELP)],
    name: Annotated[
        str, typer.Option(metavar="NAME", help="A label to recognise the key by.")
    ] = "",
    as_json: JsonOption = False,
) -> None:
    """Create an API key; its secret shows once.

    The secret is printed now and never again; only its hash is stored.
    """
    with engine_of(ctx) as engine:
        issued = engine.access.create(scope, name=name)
    if as_json:
        emit_json({**_key_view(issued.record), "key": issued.secret})
        return
    say(issued.secret)
    err().print(
        f"Key {issued.record.key_id} created with scopes "
        f"{', '.join(_key_view(issued.record)['scopes'])}. Store it now: it is not "
        "shown again. Send it as 'Authorization: Bearer <key>'.",
        markup=False,
    )


def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List every key (never the secrets)."""
    with engine_of(ctx) as engine:
        views = [_key_view(r) for r in engine.access.list()]
    if as_json:
        emit_json({"keys": views})
        return
    table(f"{len(views)} API key(s)", _COLUMNS, view_rows(views, _COLUMNS))


def revoke(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(metavar="KEY_ID", help="Id of the key.")],
    as_json: JsonOption = False,
) -> None:
    """Revoke a key at once."""
    with engine_of(ctx) as engine:
        engine.access.revoke(key_id)
    if as_json:
        emit_json({"key_id": key_id, "revoked": True})
        return
    say(f"Revoked key {key_id}.")


def build() -> typer.Typer:
    """The ``keys`` command group."""
    return command_group(
        "Create, list and revoke API keys.",
        {"create": create, "list": list_, "revoke": revoke},
    )
