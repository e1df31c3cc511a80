"""Helpers of the API tests: settings, keys per role, and the test client."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient

from cortesia.config import Settings
from cortesia.engine.hub import Engine

__all__ = ["Keys", "TestClient", "add_customers", "bearer", "make_settings"]


def make_settings(database_url: str = "memory://", rate_per_minute: int = 1000) -> Settings:
    return Settings(
        database_url=database_url,
        public_base_url="http://testserver",
        public_rate_limit_per_minute=rate_per_minute,
    )


@dataclass(frozen=True)
class Keys:
    """One key per role the tests need, as the plaintext a caller sends."""

    admin: str
    consent_rw: str
    consent_read: str
    customers_rw: str

    @staticmethod
    def issue(engine: Engine) -> Keys:
        return Keys(
            admin=engine.access.create(["admin"], "ops").secret,
            consent_rw=engine.access.create(["consent:read", "consent:write"], "crm").secret,
            consent_read=engine.access.create(["consent:read"], "auditor").secret,
            customers_rw=engine.access.create(["customers:read", "customers:write"], "etl").secret,
        )


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def add_customers(engine: Engine, *ids: str) -> None:
    """Customers reachable on every channel (``C1`` when no id is given)."""
    engine.customers.upsert(
        [
            {
                "customer_id": customer_id,
                "country": "ES",
                "email": f"{customer_id.lower()}@example.com",
                "phone": f"+3460011{n:04d}",
                "push_ids": [f"push-{customer_id}"],
            }
            for n, customer_id in enumerate(ids or ("C1",))
        ]
    )
