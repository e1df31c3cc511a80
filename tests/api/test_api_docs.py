"""The API docs are served by the service itself, so they work offline."""

from __future__ import annotations

import re

from tests.api.api_support import TestClient


def test_docs_reference_no_other_host_and_their_assets_load(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert {a.rsplit("/", 1)[-1] for a in assets} >= {"swagger-ui-bundle.js", "swagger-ui.css"}
    for asset in assets:
        assert asset.startswith("/docs/assets/")
        loaded = client.get(asset)
        assert loaded.status_code == 200
        assert loaded.content
    assert "url: '/openapi.json'" in page.text
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")


def test_redoc_is_not_offered(client: TestClient) -> None:
    assert client.get("/redoc").status_code == 404
