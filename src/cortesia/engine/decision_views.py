"""Decisions as the CLI and the API show them (plain dicts)."""

from __future__ import annotations

from typing import Any

from cortesia.domain.decisions import Decision
from cortesia.domain.explain import explain
from cortesia.engine.decision_ports import DecisionRecord


def decision_view(decision: Decision) -> dict[str, Any]:
    """The answer to a decision request."""
    return decision.as_dict()


def stored_decision_view(record: DecisionRecord) -> dict[str, Any]:
    """A stored decision with its explanation in plain words."""
    body = dict(record.body)
    body["explanation"] = explain(record.body)
    return body
