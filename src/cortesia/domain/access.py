"""API keys and the scopes they grant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Scope(StrEnum):
    """What an API key may do. ``admin`` may do everything."""

    ADMIN = "admin"
    CONSENT_READ = "consent:read"
    CONSENT_WRITE = "consent:write"
    CUSTOMERS_READ = "customers:read"
    CUSTOMERS_WRITE = "customers:write"
    DECIDE = "decide"
    REPORTS_READ = "reports:read"


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    """A stored API key: only the hash of its secret is kept."""

    key_id: str
    secret_hash: str
    scopes: frozenset[Scope]
    name: str
    created_at: datetime
    revoked_at: datetime | None = None

    def grants(self, scope: Scope) -> bool:
        """True when this key may act with ``scope``."""
        return self.revoked_at is None and (scope in self.scopes or Scope.ADMIN in self.scopes)
