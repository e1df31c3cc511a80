"""Alembic environment: runs the migrations on the connection ``migrate.upgrade`` passes."""

from __future__ import annotations

from alembic import context

from cortesia.adapters.sql.tables import metadata


def run_migrations() -> None:
    """Migrate through the connection given in the config's attributes."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


# Alembic imports this file to migrate; any other import (e.g. doctest collection) does nothing.
if getattr(context, "_proxy", None) is not None:
    run_migrations()
