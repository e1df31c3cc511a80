"""Limits of the service: public requests per minute, body size, and small problems."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from tests.api.api_support import Keys, TestClient, add_customers, bearer, make_settings

from cortesia.api import create_app
from cortesia.api.ratelimit import SlidingWindowLimiter
from cortesia.engine.hub import Engine
from cortesia.errors import RateLimitedError

EVENTS = "/v1/consent-events"


def event(**fields: object) -> dict[str, object]:
    return {
        "customer_id": "C1",
        "channel": "email",
        "purpose": "marketing",
        "kind": "opt_in",
        **fields,
    }


def test_the_limiter_allows_exactly_the_limit_in_any_minute() -> None:
    now = [1000.0]
    limiter = SlidingWindowLimiter(60, clock=lambda: now[0])
    for second in range(60):  # one a second: 60 in the first minute
        now[0] = 1000.0 + second * 0.5
        limiter.take("192.0.2.1")
    now[0] = 1059.999
    with pytest.raises(RateLimitedError) as error:
        limiter.take("192.0.2.1")
    assert error.value.retry_after_s == 1
    now[0] = 1060.0  # the first request is a minute old
    limiter.take("192.0.2.1")
    with pytest.raises(RateLimitedError):
        limiter.take("192.0.2.1")
    limiter.take("192.0.2.2")


def test_the_public_pages_answer_60_requests_a_minute_and_refuse_the_61st(
    memory_engine: Engine,
) -> None:
    add_customers(memory_engine)
    app = create_app(make_settings(rate_per_minute=60), memory_engine)
    now = [0.0]
    app.state.limiter = SlidingWindowLimiter(60, clock=lambda: now[0])
    path = f"/u/{memory_engine.unsubscribe.link('C1', 'email', 'marketing').token}"
    with TestClient(app) as client:
        answers = []
        for n in range(61):
            now[0] = n * 0.9  # all 61 within 54 seconds
            answers.append(client.get(path).status_code)
        now[0] = 60.0
        after_a_minute = client.get(path).status_code
    assert answers.count(200) == 60
    assert answers[-1] == 429
    assert after_a_minute == 200


@pytest.fixture
def small_app(memory_engine: Engine) -> FastAPI:
    return create_app(make_settings(), memory_engine, max_body_bytes=4096)


@pytest.fixture
def small_client(small_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(small_app) as client:
        yield client


def test_a_30_mb_body_is_refused_with_413_before_it_is_read(
    client: TestClient, keys: Keys, memory_engine: Engine
) -> None:
    body = b'{"events": [' + b" " * (30 * 1024 * 1024) + b"]}"
    headers = {**bearer(keys.consent_rw), "Content-Type": "application/json"}
    response = client.post(EVENTS, content=body, headers=headers)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Content too large"
    assert "16,777,216 bytes" in response.json()["detail"]
    assert list(memory_engine.store.iter_events()) == []


def test_a_streamed_body_without_length_is_refused_once_it_passes_the_limit(
    small_client: TestClient, keys: Keys
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"events": ['
        for _ in range(10):
            yield b" " * 1024
        yield b"]}"

    headers = {**bearer(keys.consent_rw), "Content-Type": "application/json"}
    response = small_client.post(EVENTS, content=chunks(), headers=headers)
    assert response.status_code == 413
    assert response.json()["type"] == "urn:cortesia:problem:too-large"
    small = small_client.post(EVENTS, json=event(), headers=bearer(keys.consent_rw))
    assert small.status_code == 201


def test_a_batch_over_the_limit_is_summarised_not_echoed(client: TestClient, keys: Keys) -> None:
    batch = {"events": [event(idempotency_key=f"k-{n:05d}-" + "x" * 200) for n in range(10_001)]}
    response = client.post(EVENTS, json=batch, headers=bearer(keys.consent_rw))
    assert response.status_code == 422
    assert len(response.content) < 2_000
    problem = response.json()
    assert problem["errors"][0]["field"] == "events"
    assert problem["errors"][0]["value"] == "list of 10001 items"
    assert "list of 10001 items" in problem["detail"]


def test_long_values_are_cut_to_200_characters_in_problems(client: TestClient, keys: Keys) -> None:
    response = client.post(EVENTS, json=event(channel="f" * 5000), headers=bearer(keys.consent_rw))
    [problem] = response.json()["errors"]
    assert problem["field"] == "channel"
    assert problem["value"] == "f" * 200 + "…"
    assert len(response.content) < 1_500


def test_a_body_that_is_not_json_names_the_line_and_column(client: TestClient, keys: Keys) -> None:
    body = b'{\n  "customer_id": "C1",,\n}'
    headers = {**bearer(keys.consent_rw), "Content-Type": "application/json"}
    response = client.post(EVENTS, content=body, headers=headers)
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["field"] == "body"
    assert problem["reason"] == (
        "not valid JSON at line 2, column 23: Expecting property name enclosed in double quotes"
    )
    assert ",," in problem["value"]


def test_every_problem_of_one_event_is_reported_at_once(client: TestClient, keys: Keys) -> None:
    body = event(customer_id=5, channel="fax", occurred_at="2026-03-01T09:00:00")
    response = client.post(EVENTS, json=body, headers=bearer(keys.consent_rw))
    assert response.status_code == 422
    fields = [(p["field"], p["value"]) for p in response.json()["errors"]]
    assert fields == [
        ("customer_id", 5),
        ("channel", "fax"),
        ("occurred_at", "2026-03-01T09:00:00"),
    ]


def test_engine_problems_of_good_rows_come_with_the_type_errors_of_bad_rows(
    client: TestClient, keys: Keys
) -> None:
    batch = {"events": [event(customer_id=7), event(kind="snooze"), event()]}
    response = client.post(EVENTS, json=batch, headers=bearer(keys.consent_rw))
    found = [(p["row"], p["field"]) for p in response.json()["errors"]]
    assert found == [(0, "customer_id"), (1, "until")]
