"""HTTP entrypoint: ``create_app(settings)`` builds the FastAPI service."""

from __future__ import annotations

from cortesia.api.app import create_app

__all__ = ["create_app"]
