"""Plain-data views (JSON-ready dicts) shared by the CLI and the HTTP API.

One shape for both entrypoints, so ``cortesia consent show --json`` and
``GET /v1/customers/{id}/consent`` print the same document.
"""

from __future__ import annotations

from typing import Any

from cortesia.domain.consent import AppendResult, ConsentEntry, ConsentEvent
from cortesia.engine.consent import ConsentProof, ConsentSnapshot
from cortesia.engine.instants import iso

RECEIPT_VERSION = "KI-CR-v1.1.0"
ISO_27560_SCHEMA = "ISO/IEC TS 27560:2023"


def entry_view(entry: ConsentEntry) -> dict[str, Any]:
    return {
        "channel": entry.channel.value,
        "purpose": entry.purpose,
        "status": entry.status.value,
        "since": iso(entry.since),
        "until": iso(entry.until),
        "event_id": entry.event_id,
    }


def snapshot_view(snapshot: ConsentSnapshot) -> dict[str, Any]:
    """``{"customer", "at", "consent": [...], "preferences": {...}}``."""
    return {
        "customer": snapshot.customer_id,
        "at": iso(snapshot.at),
        "consent": [entry_view(e) for e in snapshot.entries],
        "preferences": {ch.value: dict(v) for ch, v in snapshot.preferences.items()},
    }


def event_view(event: ConsentEvent) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "seq": event.seq,
        "customer_id": event.customer_id,
        "channel": event.channel.value,
        "purpose": event.purpose,
        "kind": event.kind.value,
        "occurred_at": iso(event.occurred_at),
        "recorded_at": iso(event.recorded_at),
        "until": iso(event.until),
        "values": dict(event.values),
        "source": event.source.value,
        "evidence": dict(event.evidence),
        "lawful_basis": event.lawful_basis,
        "jurisdiction": event.jurisdiction,
        "actor": event.actor,
        "idempotency_key": event.idempotency_key,
        "hash": event.hash,
        "prev_hash": event.prev_hash,
        "erased": event.erased,
    }


def append_view(result: AppendResult) -> dict[str, Any]:
    return {"created": result.created, "event": event_view(result.event)}


_STATE_OF_KIND = {
    "opt_in": "given",
    "double_opt_in_confirmed": "given",
    "opt_out": "withdrawn",
    "erasure": "terminated",
    "snooze": "paused",
    "preference": "given",
}


def _receipt_event(event: ConsentEvent) -> dict[str, Any]:
    """One event with Kantara / ISO 27560 field names beside ours."""
    return {
        **event_view(event),
        "consentReceiptID": event.event_id,
        "consentTimestamp": int(event.occurred_at.timestamp()),
        "collectionMethod": event.source.value,
        "piiPrincipalId": event.customer_id,
        "event_time": iso(event.occurred_at),
        "event_type": "expressed" if event.kind.value != "erasure" else "erasure",
        "event_state": _STATE_OF_KIND.get(event.kind.value, "given"),
        "validity_duration": iso(event.until),
        "entity_id": event.actor,
        "privacy_notice": event.evidence.get("notice_version"),
        "lawful_basis": event.lawful_basis,
        "collection_method": event.source.value,
        "withdrawal_method": "opt-out link, preference centre, call centre or SMS keyword",
    }


def proof_view(proof: ConsentProof) -> dict[str, Any]:
    """A consent receipt for an auditor: state, deciding events and full history."""
    return {
        "version": RECEIPT_VERSION,
        "schema_version": ISO_27560_SCHEMA,
        "record_id": f"{proof.customer_id}@{iso(proof.at)}",
        "pii_principal_id": proof.customer_id,
        "piiPrincipalId": proof.customer_id,
        "at": iso(proof.at),
        "state": snapshot_view(proof.snapshot),
        "deciding_events": [_receipt_event(e) for e in proof.deciding],
        "history": [event_view(e) for e in proof.history],
    }
