"""What every command shares: the settings and an engine over the workspace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import typer

from cortesia.bootstrap import build_engine
from cortesia.config import Settings
from cortesia.engine.hub import Engine
from cortesia.engine.ports import Clock
from cortesia.errors import ValidationError


@dataclass
class Workspace:
    """Options given before the command, and the settings they override."""

    database_url: str | None = None
    _settings: Settings | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        """Settings from the environment, with ``--database-url`` on top."""
        if self._settings is None:
            try:
                self._settings = (
                    Settings(database_url=self.database_url) if self.database_url else Settings()
                )
            except ValueError as error:  # pydantic's error is a ValueError; name the setting
                raise _settings_error(error) from None
        return self._settings

    @contextmanager
    def engine(self, clock: Clock | None = None) -> Iterator[Engine]:
        """An engine over the workspace, closed when the command ends; ``clock`` for a
        simulation that moves time itself."""
        engine = build_engine(self.settings(), clock=clock)
        try:
            yield engine
        finally:
            engine.close()


def _settings_error(error: ValueError) -> ValidationError:
    """The first bad setting, by its environment variable's name."""
    details: Any = getattr(error, "errors", None)
    if callable(details) and details():
        first = details()[0]
        name = "_".join(str(part) for part in first.get("loc", ("settings",)))
        return ValidationError(f"CORTESIA_{name.upper()}", first.get("input"), first.get("msg"))
    return ValidationError("settings", None, str(error).splitlines()[0])


def workspace(ctx: typer.Context) -> Workspace:
    """The workspace object of this invocation."""
    return ctx.ensure_object(Workspace)


@contextmanager
def engine_of(ctx: typer.Context) -> Iterator[Engine]:
    """Shorthand: an engine over this invocation's workspace."""
    with workspace(ctx).engine() as engine:
        yield engine
