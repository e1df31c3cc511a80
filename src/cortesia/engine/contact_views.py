"""JSON shape of a contact, shared by the CLI and the API."""

from __future__ import annotations

from typing import Any

from cortesia.domain.contacts import Contact
from cortesia.engine.instants import iso


def contact_view(contact: Contact) -> dict[str, Any]:
    return {
        "contact_id": contact.contact_id,
        "customer": contact.customer_id,
        "channel": contact.channel.value,
        "purpose": contact.purpose,
        "occurred_at": iso(contact.occurred_at),
        "action_id": contact.action_id,
        "action_group": contact.action_group,
        "category": contact.category,
        "subject": contact.subject,
        "direction": contact.direction,
        "status": contact.status.value,
        "expires_at": iso(contact.expires_at),
        "outcome": None if contact.outcome is None else contact.outcome.value,
        "outcome_at": iso(contact.outcome_at),
    }
