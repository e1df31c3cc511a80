"""Erasure on request that keeps the person suppressed."""

from __future__ import annotations

import secrets

from cortesia.domain.consent import NewConsentEvent
from cortesia.domain.customers import contact_point_digest
from cortesia.domain.vocabulary import ALL_PURPOSES, Channel, ConsentKind, Source
from cortesia.engine.ports import Clock, ErasureReceipt, Store
from cortesia.errors import NotFoundError

SUPPRESSION_SALT = "suppression-salt"


def suppression_salt(store: Store) -> bytes:
    """The workspace's salt for contact-point digests, shared by every process."""
    return store.secret(SUPPRESSION_SALT, lambda: secrets.token_bytes(32))


def erase_customer(
    store: Store, clock: Clock, customer_id: str, actor: str | None
) -> ErasureReceipt:
    """Delete a customer's data, blank their events' personal fields, suppress their
    contact points and record the erasure, in one transaction."""
    customer = store.get_customer(customer_id)
    if customer is None:
        raise NotFoundError("customer", customer_id)
    salt = suppression_salt(store)
    digests = sorted({contact_point_digest(salt, p) for p in customer.contact_points()})
    now = clock.now()
    erasure = NewConsentEvent(
        customer_id=customer_id,
        channel=Channel.ALL,
        purpose=ALL_PURPOSES,
        kind=ConsentKind.ERASURE,
        occurred_at=now,
        source=Source.API,
        idempotency_key=f"erasure:{customer_id}:{now.isoformat()}",
        lawful_basis="legal_obligation",
        actor=actor,
    )
    return store.erase_customer(customer_id, digests, erasure, now)
