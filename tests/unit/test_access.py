"""API keys: shown once, stored hashed, scoped and revocable."""

from __future__ import annotations

import pytest

from cortesia.domain.access import Scope
from cortesia.engine.hub import Engine
from cortesia.errors import AuthError, ForbiddenError, ValidationError


def test_a_new_key_is_stored_only_as_a_hash(memory_engine: Engine) -> None:
    issued = memory_engine.access.create(["consent:write"], name="crm")
    stored = memory_engine.store.find_key(issued.record.key_id)
    assert stored is not None
    assert issued.secret not in repr(stored)
    assert memory_engine.access.authenticate(issued.secret, Scope.CONSENT_WRITE) == stored


def test_a_key_without_the_scope_is_forbidden(memory_engine: Engine) -> None:
    issued = memory_engine.access.create(["consent:read"])
    with pytest.raises(ForbiddenError):
        memory_engine.access.authenticate(issued.secret, Scope.CONSENT_WRITE)


def test_admin_grants_every_scope(memory_engine: Engine) -> None:
    issued = memory_engine.access.create(["admin"])
    assert memory_engine.access.authenticate(issued.secret, Scope.CUSTOMERS_WRITE)


@pytest.mark.parametrize("presented", [None, "", "nonsense", "ck_abc_wrong"])
def test_missing_malformed_or_unknown_keys_are_refused(
    memory_engine: Engine, presented: str | None
) -> None:
    with pytest.raises(AuthError):
        memory_engine.access.authenticate(presented, Scope.CONSENT_READ)


def test_a_tampered_secret_with_a_real_key_id_is_refused(memory_engine: Engine) -> None:
    issued = memory_engine.access.create(["admin"])
    with pytest.raises(AuthError):
        memory_engine.access.authenticate(issued.secret[:-2] + "xx", Scope.ADMIN)


def test_a_revoked_key_is_refused(memory_engine: Engine) -> None:
    issued = memory_engine.access.create(["admin"])
    memory_engine.access.revoke(issued.record.key_id)
    with pytest.raises(AuthError, match="revoked"):
        memory_engine.access.authenticate(issued.secret, Scope.ADMIN)


def test_unknown_scope_is_named(memory_engine: Engine) -> None:
    with pytest.raises(ValidationError) as caught:
        memory_engine.access.create(["consent:everything"])
    assert caught.value.problem.value == "consent:everything"
