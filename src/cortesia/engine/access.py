"""API keys: create (shown once), authenticate, authorise by scope, revoke."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from cortesia.domain.access import ApiKeyRecord, Scope
from cortesia.engine.ports import Clock, Store
from cortesia.errors import AuthError, ForbiddenError, NotFoundError, ValidationError

_PREFIX = "ck"


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key: ``secret`` is the only time the plaintext exists."""

    record: ApiKeyRecord
    secret: str


def _hash(secret: str) -> str:
    # Keys carry 256 random bits, so one SHA-256 is enough; a slow KDF guards weak passwords.
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_scopes(values: Iterable[str]) -> frozenset[Scope]:
    """Scopes named by ``values``, or raise naming the bad one."""
    scopes: set[Scope] = set()
    for value in values:
        try:
            scopes.add(Scope(value.strip()))
        except ValueError:
            allowed = ", ".join(s.value for s in Scope)
            raise ValidationError("scope", value, f"unknown scope; use {allowed}") from None
    if not scopes:
        raise ValidationError("scope", "", "a key needs at least one scope")
    return frozenset(scopes)


class AccessService:
    """API keys of a workspace."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def create(self, scopes: Iterable[str], name: str = "") -> IssuedKey:
        """A new key with ``scopes``; its plaintext is returned once and never stored."""
        key_id = secrets.token_hex(6)
        secret = f"{_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        record = ApiKeyRecord(key_id, _hash(secret), parse_scopes(scopes), name, self._clock.now())
        self._store.add_key(record)
        return IssuedKey(record, secret)

    def authenticate(self, presented: str | None, needed: Scope) -> ApiKeyRecord:
        """The key behind ``presented`` if it grants ``needed``; else AuthError/ForbiddenError."""
        if not presented:
            raise AuthError("an API key is required (header Authorization: Bearer <key>)")
        parts = presented.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != _PREFIX:
            raise AuthError("malformed API key")
        record = self._store.find_key(parts[1])
        if record is None or not hmac.compare_digest(record.secret_hash, _hash(presented.strip())):
            raise AuthError("unknown API key")
        if record.revoked_at is not None:
            raise AuthError("revoked API key")
        if not record.grants(needed):
            raise ForbiddenError(f"this key lacks the scope {needed.value}")
        return record

    def list(self) -> list[ApiKeyRecord]:
        return self._store.list_keys()

    def revoke(self, key_id: str) -> None:
        if not self._store.revoke_key(key_id, self._clock.now()):
            raise NotFoundError("active API key", key_id)
