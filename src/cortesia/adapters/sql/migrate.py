"""Creating and upgrading a workspace schema with the migrations shipped in the package."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from cortesia.adapters.sql.connection import create, guarded, sqlite_file

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration shipped in the package."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # the package always ships at least one migration
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at, None when never initialised."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: str) -> str:
    """Create or upgrade the schema at ``url`` to the newest revision; idempotent.

    Returns the revision the database is at afterwards.
    """
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create(url)
    try:
        with guarded(engine, "migrate the workspace database"):
            config = _config()
            with engine.connect() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                connection.commit()
            revision = current_revision(engine)
    finally:
        engine.dispose()
    return revision or head_revision()
