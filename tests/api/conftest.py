"""The HTTP service through its real app, over a memory engine with a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from tests.api.api_support import Keys, TestClient, add_customers, make_settings

from cortesia.api import create_app
from cortesia.engine.hub import Engine


@pytest.fixture
def app(memory_engine: Engine) -> FastAPI:
    return create_app(make_settings(), memory_engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def keys(memory_engine: Engine) -> Keys:
    return Keys.issue(memory_engine)


@pytest.fixture
def known_customers(memory_engine: Engine) -> None:
    """``C1`` exists and is reachable on every channel (links are issued for known people)."""
    add_customers(memory_engine)
