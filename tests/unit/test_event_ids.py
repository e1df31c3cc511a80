"""Event ids: RFC 9562 version 7 UUIDs in seq order, even under a stopped clock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from cortesia.adapters.sql.codec import event_ids

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("first_seq", [1, 2**30 - 3, 2**41 - 2])
def test_ids_are_version_7_uuids_in_seq_order_within_one_millisecond(first_seq: int) -> None:
    ids = event_ids(6, AT, first_seq)
    parsed = [uuid.UUID(text) for text in ids]
    assert [str(u) for u in parsed] == ids
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    assert ids == sorted(ids)
    assert len(set(ids)) == 6
    # The first 48 bits are the instant's milliseconds.
    assert {u.int >> 80 for u in parsed} == {int(AT.timestamp() * 1000)}


def test_a_later_millisecond_sorts_after_whatever_its_seq() -> None:
    earlier = event_ids(1, AT, 10**9)[0]
    later = event_ids(1, AT + timedelta(milliseconds=1), 1)[0]
    assert earlier < later


def test_consecutive_batches_continue_the_order() -> None:
    first = event_ids(1000, AT, 1)
    second = event_ids(1000, AT, 1001)
    assert first + second == sorted(first + second)
