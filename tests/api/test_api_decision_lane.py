"""The decision's fast lane answers exactly as the route behind it does."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.types import Message, Receive, Scope, Send
from tests.api.api_support import TestClient, bearer, make_settings
from tests.engine.decision_support import action, decision_engine, reachable

from cortesia.api import create_app
from cortesia.api.decision_lane import DecisionLane
from cortesia.api.problems import ProblemRenderer
from cortesia.api.web.pages import Pages
from cortesia.engine.hub import Engine


@pytest.fixture
def memory_engine() -> Engine:
    engine = decision_engine(action("pack", value="0.2 * arpu * 12"), action("tv", value=10))
    reachable(engine, "ana")
    return engine


@pytest.fixture
def small_client(memory_engine: Engine) -> Iterator[TestClient]:
    app = create_app(make_settings(), memory_engine, max_body_bytes=512)
    with TestClient(app) as client:
        yield client


def _key(engine: Engine) -> dict[str, str]:
    return bearer(engine.access.create(["decide"], "channels").secret)


def _chunked(body: bytes) -> Iterator[bytes]:
    """A body sent without Content-Length: the lane leaves it to the route."""
    yield body


def _masked(answer: dict[str, Any]) -> dict[str, Any]:
    actions = [{**a, "contact_id": "…"} for a in answer.get("actions", [])]
    return {**answer, "decision_id": "…", "actions": actions}


def test_the_lane_and_the_route_give_the_same_decision(memory_engine: Engine) -> None:
    twin = decision_engine(action("pack", value="0.2 * arpu * 12"), action("tv", value=10))
    reachable(twin, "ana")
    body = b'{"customer": "ana", "channel": "sms", "context": {"device": "android"}}'
    answers = []
    for engine, content in ((memory_engine, body), (twin, _chunked(body))):
        with TestClient(create_app(make_settings(), engine)) as client:
            headers = {**_key(engine), "content-type": "application/json"}
            answer = client.post("/v1/decisions", content=content, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/json"
        answers.append(_masked(answer.json()))
    assert answers[0] == answers[1]
    assert [a["action"] for a in answers[0]["actions"]] == ["pack"]


@pytest.mark.parametrize(
    ("body", "keyed", "status"),
    [
        (b'{"customer": "ana", "channel": "sms"}', False, 401),
        (b'{"customer": "ana", "channel": "pigeon"}', True, 422),
        (b'{"customer": "nobody", "channel": "sms"}', True, 404),
        (b'{"channel": "sms"}', True, 422),
        (b'{"customer": "ana",', True, 422),
    ],
)
def test_the_lane_answers_errors_with_the_routes_problem_documents(
    memory_engine: Engine, body: bytes, keyed: bool, status: int
) -> None:
    headers = {"content-type": "application/json"} | (_key(memory_engine) if keyed else {})
    with TestClient(create_app(make_settings(), memory_engine)) as client:
        fast = client.post("/v1/decisions", content=body, headers=headers)
        routed = client.post("/v1/decisions", content=_chunked(body), headers=headers)
    assert fast.status_code == routed.status_code == status
    assert fast.headers["content-type"] == routed.headers["content-type"]
    assert fast.headers["content-type"].startswith("application/problem+json")
    assert fast.json() == routed.json()


def test_a_decision_body_over_the_limit_is_refused_either_way(
    small_client: TestClient, memory_engine: Engine
) -> None:
    padded = b'{"customer": "ana", "channel": "sms"' + b" " * 600 + b"}"
    headers = {**_key(memory_engine), "content-type": "application/json"}
    declared = small_client.post("/v1/decisions", content=padded, headers=headers)
    streamed = small_client.post("/v1/decisions", content=_chunked(padded), headers=headers)
    assert declared.status_code == streamed.status_code == 413
    assert declared.json()["type"] == "urn:cortesia:problem:too-large"


def test_other_methods_and_paths_pass_through_the_lane(
    small_client: TestClient, memory_engine: Engine
) -> None:
    headers = _key(memory_engine)
    assert small_client.get("/v1/decisions", headers=headers).status_code == 405
    assert small_client.get("/v1/decisions/nope", headers=headers).status_code == 404


def test_a_body_longer_than_declared_goes_to_the_app_whole() -> None:
    seen: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            seen.append(message)
            if not message.get("more_body", False):
                return

    parts = [b"a" * 8, b"b" * 8, b"c" * 8]
    incoming: list[Message] = [
        {"type": "http.request", "body": part, "more_body": n < 2} for n, part in enumerate(parts)
    ]

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        raise AssertionError("the lane answered a request it should have handed on")

    lane = DecisionLane(app, state=FastAPI().state, max_bytes=12, renderer=ProblemRenderer(Pages()))
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/decisions",
        "root_path": "",
        "headers": [(b"content-length", b"10")],
    }
    asyncio.run(lane(scope, receive, send))
    assert b"".join(m["body"] for m in seen) == b"".join(parts)
