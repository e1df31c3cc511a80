"""Helpers for decision tests: a small catalog document and a customer who may be contacted."""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime
from typing import Any

from tests.engine.policy_support import FakeRegistries, add_customer, consent, policy_engine

from cortesia.engine.hub import Engine

# Tuesday 3 March 2026, 10:00 in Bogotá: inside every Colombian contact window.
NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


def action(action_id: str, **fields: Any) -> dict[str, Any]:
    """One action of the catalog document; every field can be overridden."""
    found: dict[str, Any] = {
        "id": action_id,
        "name": {"es": f"Oferta {action_id}", "en": f"Offer {action_id}"},
        "text": {"es": "Texto", "en": "Text"},
        "group": f"sales/{action_id}",
        "category": "sales",
        "purpose": "marketing",
        "value": 100,
        "channels": {"sms": {"treatment": f"sms_{action_id}", "cost": 0.02}},
    }
    found.update(fields)
    return found


def catalog_doc(*actions: dict[str, Any], **economics: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "name": "test catalog",
        "time_zone": "America/Bogota",
        "threshold": 0.0,
        "default_eroded_value": 100.0,
        "eroded_value": {"premium": 2000.0},
        "accept_prior": [1, 9],
        "opt_out_prior": [1, 999],
    }
    settings.update(economics)
    return {"catalog": settings, "actions": list(actions)}


def decision_engine(*actions: dict[str, Any], **economics: Any) -> Engine:
    """A memory engine at NOW with the catalog loaded."""
    registries = FakeRegistries()
    registries.snapshot("co-rne", date(2026, 3, 1))  # Colombia's do-not-call list, scrubbed
    engine = policy_engine(NOW, registries)
    engine.catalog.load_document(catalog_doc(*actions, **economics), source="test")
    return engine


def reachable(engine: Engine, customer_id: str, **attributes: Any) -> None:
    """A Colombian customer with a mobile phone and an e-mail who opted in to marketing."""
    fields: dict[str, Any] = {
        "phone": f"+5730012{zlib.crc32(customer_id.encode()) % 100000:05d}",
        "email": f"{customer_id.lower()}@example.com",
        "language": "es",
        "arpu": 50.0,
        "internet_service": "Fiber optic",
    }
    fields.update(attributes)
    add_customer(engine, customer_id, "CO", **fields)
    for channel in ("sms", "email", "voice", "whatsapp", "push", "in_app"):
        consent(engine, customer_id, channel, "opt_in", datetime(2026, 1, 5, tzinfo=UTC))
