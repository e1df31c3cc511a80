"""A real service on a free local port over a SQLite workspace, and headless Chromium."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn
from playwright.sync_api import Browser, sync_playwright

from cortesia.api import create_app
from cortesia.bootstrap import build_engine, init_workspace
from cortesia.config import Settings
from cortesia.engine.hub import Engine

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class LiveService:
    """The running service and an engine on the same workspace (as a second process would)."""

    base_url: str
    engine: Engine


@pytest.fixture(scope="module")
def live_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    workspace = tmp_path_factory.mktemp("workspace")
    settings = Settings(
        database_url=f"sqlite:///{workspace / 'cortesia.db'}",
        workspace_dir=workspace,
        public_base_url=base_url,
        public_rate_limit_per_minute=1000,
    )
    init_workspace(settings)
    config = uvicorn.Config(
        create_app(settings), log_level="warning", ws="none", lifespan="on", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the service did not start"
    engine = build_engine(settings)
    try:
        yield LiveService(base_url, engine)
    finally:
        engine.close()
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
