"""The chain's hashed text is ``json.dumps`` of the event's fields, whatever they hold.

``event_hash`` and ``personal_digest`` write that text out by hand for speed; every
ledger ever written was hashed over the encoder's text, so the two must never differ.
The definitions below are the encoder ones, kept as the specification.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cortesia.domain.ledger import epoch_micros, event_hash, personal_digest
from cortesia.domain.vocabulary import Channel, ConsentKind, Source

ANY_TEXT = st.text(max_size=40)  # quotes, backslashes, controls, any plane of Unicode
INSTANTS = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
VALUES = st.dictionaries(
    ANY_TEXT,
    st.one_of(
        st.integers(-(10**6), 10**6), ANY_TEXT, st.lists(ANY_TEXT, max_size=3), st.booleans()
    ),
    max_size=4,
)
EVIDENCE = st.dictionaries(ANY_TEXT, ANY_TEXT, max_size=5)


def canonical(data: Mapping[str, object]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def personal_by_encoder(evidence: Mapping[str, str], actor: str | None) -> str:
    text = f'{{"actor":{json.dumps(actor)},"evidence":{canonical(evidence)}}}'
    return hashlib.sha256(text.encode()).hexdigest()


@settings(max_examples=600, deadline=None)
@given(EVIDENCE, st.none() | ANY_TEXT)
def test_personal_digest_is_the_encoders(evidence: dict[str, str], actor: str | None) -> None:
    assert personal_digest(evidence, actor) == personal_by_encoder(evidence, actor)


@settings(max_examples=600, deadline=None)
@given(
    seq=st.integers(1, 10**12),
    texts=st.lists(ANY_TEXT, min_size=6, max_size=6),
    optional=st.lists(st.none() | ANY_TEXT, min_size=2, max_size=2),
    occurred_at=INSTANTS,
    recorded_at=INSTANTS,
    until=st.none() | INSTANTS,
    values=VALUES,
)
def test_event_hash_is_sha256_of_the_encoders_text(
    seq: int,
    texts: list[str],
    optional: list[str | None],
    occurred_at: datetime,
    recorded_at: datetime,
    until: datetime | None,
    values: dict[str, object],
) -> None:
    event_id, customer_id, purpose, key, personal, prev = texts
    lawful_basis, jurisdiction = optional
    core = [
        seq,
        event_id,
        customer_id,
        "sms",
        purpose,
        "opt_in",
        epoch_micros(occurred_at),
        epoch_micros(recorded_at),
        None if until is None else epoch_micros(until),
        "web",
        key,
        "{}" if not values else canonical(values),
        lawful_basis,
        jurisdiction,
        personal,
    ]
    expected = hashlib.sha256((prev + json.dumps(core)).encode()).hexdigest()
    assert (
        event_hash(
            prev,
            seq=seq,
            event_id=event_id,
            customer_id=customer_id,
            channel="sms",
            purpose=purpose,
            kind="opt_in",
            occurred_at=occurred_at,
            recorded_at=recorded_at,
            until=until,
            source="web",
            idempotency_key=key,
            values=values,
            lawful_basis=lawful_basis,
            jurisdiction=jurisdiction,
            personal=personal,
        )
        == expected
    )


def test_a_microsecond_apart_is_another_hash() -> None:
    # Guards the test above against an event_hash that ignores the instants.
    at = datetime(2026, 3, 1, tzinfo=UTC)
    fields: dict[str, object] = {
        "seq": 1,
        "event_id": "e",
        "customer_id": "C1",
        "channel": "sms",
        "purpose": "marketing",
        "kind": "opt_in",
        "recorded_at": at,
        "until": None,
        "source": "web",
        "idempotency_key": "k",
        "values": {},
        "lawful_basis": None,
        "jurisdiction": None,
        "personal": "p",
    }
    first = event_hash("0", occurred_at=at, **fields)  # type: ignore[arg-type]
    later = event_hash("0", occurred_at=at + timedelta(microseconds=1), **fields)  # type: ignore[arg-type]
    assert first != later


@pytest.mark.parametrize("vocabulary", [Channel, ConsentKind, Source])
def test_the_text_of_a_vocabulary_member_is_its_value(vocabulary: type[StrEnum]) -> None:
    # The chain and the store write str(member) for speed; a plain Enum would write its name.
    for member in vocabulary:
        assert str(member) == member.value
        assert f"{member}" == member.value
