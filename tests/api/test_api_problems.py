"""Problem documents render whatever the caller sent, and say one thing per location."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest
from fastapi import Request
from tests.api.api_support import Keys, TestClient, bearer

from cortesia.api.problems import Problem, ProblemRenderer
from cortesia.api.safe_json import json_safe
from cortesia.api.schemas import ATTRIBUTE_REASON, EVIDENCE_REASON
from cortesia.api.web.pages import Pages
from cortesia.errors import FieldProblem

CUSTOMERS = "/v1/customers"
EVENTS = "/v1/consent-events"


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text for this one")


def _nested(depth: int) -> object:
    value: object = "deep"
    for _ in range(depth):
        value = {"a": [value]}
    return value


HOSTILE = [
    float("inf"),
    float("-inf"),
    float("nan"),
    b"\xff\xfebytes",
    bytearray(b"ok"),
    "\ud800 lone surrogate",
    10**5000,
    _nested(5000),
    {1: {2: float("nan")}},
    [float("inf")] * 3,
    {b"k": b"v"},
    _Unprintable(),
    {"k": _Unprintable()},
    {"x", "y"},
]


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: type(v).__name__)
def test_any_value_renders_as_strict_json_utf8(value: object) -> None:
    problem = Problem(
        422,
        "validation",
        "Invalid input",
        "detail \udc80",
        [FieldProblem("f\ud800", value, "reason", 3)],
    )
    document = problem.document("/v1/customers")
    text = json.dumps(document, allow_nan=False, ensure_ascii=False)
    text.encode("utf-8")  # raises on a lone surrogate
    assert document["errors"][0]["row"] == 3
    assert len(text) < 1_000


def test_non_finite_numbers_and_bytes_are_shown_as_text() -> None:
    shown = json_safe(
        {
            "inf": float("inf"),
            "ninf": float("-inf"),
            "nan": float("nan"),
            "bytes": b"caf\xc3\xa9 \xff",
        }
    )
    assert shown == {"inf": "inf", "ninf": "-inf", "nan": "nan", "bytes": "café \ufffd"}


def test_deep_and_huge_values_are_summarised() -> None:
    assert json_safe(_nested(5000)) == {"a": [{"a": ["object with 1 field"]}]}
    assert json_safe(10**5000) == "integer of about 5001 digits"
    assert json_safe(_Unprintable()) == "<_Unprintable>"


class _Url:
    def __init__(self, path: str) -> None:
        self.path = path


class _Request:
    def __init__(self, path: str) -> None:
        self.url = _Url(path)


def test_a_response_is_sent_even_when_a_header_cannot_be() -> None:
    renderer = ProblemRenderer(Pages())
    problem = Problem(
        409,
        "conflict",
        "Conflict",
        "detail",
        [FieldProblem("f", 1, "r")],
        {"Retry-After": "in a moment \u20ac"},
    )  # not Latin-1: cannot be sent
    response = renderer.respond(cast(Request, _Request("/v1/customers")), problem)
    assert response.status_code == 409
    assert json.loads(bytes(response.body))["title"] == "Conflict"


def test_an_infinite_attribute_is_a_422_showing_inf(client: TestClient, keys: Keys) -> None:
    body = b'{"customer_id": "C9", "country": "ES", "attributes": {"newnum": 1e400}}'
    headers = {**bearer(keys.customers_rw), "Content-Type": "application/json"}
    response = client.post(CUSTOMERS, content=body, headers=headers)
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert (problem["field"], problem["value"]) == ("attributes.newnum", "inf")


def test_nan_and_a_lone_surrogate_in_a_bad_body_are_a_422(client: TestClient, keys: Keys) -> None:
    body = b'{"customer_id": "C9", "country": 5, "attributes": {"x\\ud800": NaN, "y": []}}'
    headers = {**bearer(keys.customers_rw), "Content-Type": "application/json"}
    response = client.post(CUSTOMERS, content=body, headers=headers)
    assert response.status_code == 422
    fields = {p["field"]: p["value"] for p in response.json()["errors"]}
    assert fields["country"] == 5
    assert fields["attributes.y"] == []


def _errors(client: TestClient, path: str, body: dict[str, Any], key: str) -> list[Any]:
    response = client.post(path, json=body, headers=bearer(key))
    assert response.status_code == 422
    return [(p["row"], p["field"], p["reason"]) for p in response.json()["errors"]]


def test_a_nested_attribute_is_one_problem_not_one_per_type(client: TestClient, keys: Keys) -> None:
    body = {
        "customers": [
            {
                "customer_id": "C9",
                "country": "ES",
                "attributes": {"nested": {"a": 1}, "ok": "fine", "list": [1]},
            }
        ]
    }
    assert _errors(client, CUSTOMERS, body, keys.customers_rw) == [
        (0, "attributes.nested", ATTRIBUTE_REASON),
        (0, "attributes.list", ATTRIBUTE_REASON),
    ]
    assert ATTRIBUTE_REASON.startswith("must be text, a number, true/false or a date")


def test_evidence_of_the_wrong_shape_is_one_problem(client: TestClient, keys: Keys) -> None:
    body = {
        "customer_id": "C1",
        "channel": "email",
        "purpose": "marketing",
        "kind": "opt_in",
        "evidence": {"url": 5},
    }
    assert _errors(client, EVENTS, body, keys.consent_rw) == [(None, "evidence", EVIDENCE_REASON)]
