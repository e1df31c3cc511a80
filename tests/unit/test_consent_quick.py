"""The quick reading of common consent events agrees with the full parser, always.

``parse_consent_batch`` reads most events through ``quick_event`` and the rest through
``parse_consent_event``. Whatever a batch holds, the drafts (or the problems) must be
the ones the full parser alone gives, event by event.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cortesia.domain.consent import NewConsentEvent
from cortesia.engine.consent_input import parse_consent_batch, parse_consent_event
from cortesia.engine.consent_quick import quick_event
from cortesia.errors import BatchValidationError, FieldProblem, ValidationError

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
OLDEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = NOW + timedelta(minutes=5)

# Good values, values the full parser tidies (case, spaces) and bad ones, per field.
TEXTS = st.sampled_from(["C1", "C-00042", " C1", "C1 ", "", "C\x00x", "Ñandú", 'q"uote', "x" * 129])
KEYS = st.sampled_from(["k1", "key-2", " k3", "", "k\x1f", "x" * 200, "x" * 201, "ключ"])
CHANNELS = st.sampled_from(["sms", "email", "SMS", " email ", "fax", "", "all"])
PURPOSES = st.sampled_from(["marketing", "service", "music_video_offers", "Music_Offers", "Bad!"])
KINDS = st.sampled_from(["opt_in", "opt_out", "OPT_IN", "snooze", "preference", "erasure", "x"])
SOURCES = st.sampled_from(["web", "app", "WEB", "pigeon", "", "api"])
INSTANTS = st.sampled_from(
    [
        "2026-03-01T10:00:00+01:00",
        "2026-03-01T10:00:00Z",
        " 2026-03-01T10:00:00Z ",
        "2026-03-01T10:00:00",
        "2026-03-02T09:34:59+00:00",
        "2026-03-02T09:35:01+00:00",
        "1969-12-31T23:59:59Z",
        "yesterday",
        "",
    ]
)
EVIDENCE = st.sampled_from(
    [
        {"text": "signup form v3", "ip": "203.0.113.7"},
        {"ip": "2001:db8::1", "url": "https://example.com/form"},
        {"ip": "999.1.1.1"},
        {"url": "ftp://example.com"},
        {"colour": "blue"},
        {"text": ""},
        {"text": "line one\nline two"},
        {"notice_version": "v\x01"},
        {"text": "x" * 300},
        "a note",
        "",
        42,
        ["ip"],
    ]
)
OPTIONAL = {
    "lawful_basis": st.sampled_from(["consent", "contract", "because", "", " consent"]),
    "jurisdiction": st.sampled_from(["ES", "es", "US-FL", "XX", "US-ZZ", "", "ESPANA"]),
    "actor": st.sampled_from(["agent 7", " agent", "", "agent\x01", "y" * 201]),
    "until": st.sampled_from(["2026-04-01T00:00:00Z", ""]),
    "values": st.sampled_from([{}, {"max_per_week": 2}]),
    "colour": st.just("blue"),
}
REQUIRED = {
    "customer_id": TEXTS,
    "channel": CHANNELS,
    "purpose": PURPOSES,
    "kind": KINDS,
    "occurred_at": INSTANTS,
    "source": SOURCES,
    "idempotency_key": KEYS,
    "evidence": EVIDENCE,
}


GOOD: dict[str, object] = {
    "customer_id": "C1",
    "channel": "sms",
    "purpose": "marketing",
    "kind": "opt_in",
    "occurred_at": "2026-03-01T10:00:00Z",
    "source": "web",
    "idempotency_key": "k1",
    "evidence": {"ip": "203.0.113.7"},
    "lawful_basis": "consent",
    "jurisdiction": "ES",
    "actor": "agent 7",
    "until": "",
    "values": {},
    "colour": "blue",
}


@st.composite
def raw_events(draw: st.DrawFn) -> dict[str, object]:
    """An event as a caller might send it: any field left out, set to None, or odd."""
    event: dict[str, object] = {}
    for name, values in {**REQUIRED, **OPTIONAL}.items():
        # Required fields are usually there; the others usually not.
        present = draw(st.integers(0, 9)) < (9 if name in REQUIRED else 2)
        if not present:
            continue
        roll = draw(st.integers(0, 19))
        # Mostly a good value, so that whole events are often good: the quick path's case.
        event[name] = None if roll == 0 else GOOD[name] if roll < 12 else draw(values)
    return event


def full(event: Mapping[str, object]) -> NewConsentEvent | list[FieldProblem]:
    try:
        return parse_consent_event(event, now=NOW)
    except ValidationError as error:
        return error.problems


@settings(max_examples=1500, deadline=None)
@given(raw_events())
def test_a_quick_draft_is_the_full_parsers_draft(event: dict[str, object]) -> None:
    quick = quick_event(event, OLDEST, LATEST)
    if quick is not None:
        assert quick == full(event)
        assert type(quick.values) is dict
        assert type(quick.evidence) is dict


@settings(max_examples=300, deadline=None)
@given(st.lists(raw_events(), min_size=1, max_size=12))
def test_a_batch_reads_as_the_full_parser_reads_each_event(events: list[dict[str, object]]) -> None:
    expected = [full(event) for event in events]
    problems = [
        FieldProblem(p.field, p.value, p.reason, row)
        for row, result in enumerate(expected)
        if isinstance(result, list)
        for p in result
    ]
    if problems:
        with pytest.raises(BatchValidationError) as caught:
            parse_consent_batch(events, now=NOW)
        assert caught.value.problems == problems
    else:
        assert parse_consent_batch(events, now=NOW) == expected


def test_the_common_event_takes_the_quick_path() -> None:
    # Without this, a quick path that never answers would pass the tests above.
    event = {
        "customer_id": "C1",
        "channel": "sms",
        "purpose": "marketing",
        "kind": "opt_out",
        "occurred_at": "2026-03-01T10:00:00+01:00",
        "source": "web",
        "idempotency_key": "k1",
        "evidence": {"ip": "203.0.113.7", "text": "form"},
        "jurisdiction": "es",
        "lawful_basis": "consent",
    }
    quick = quick_event(event, OLDEST, LATEST)
    assert quick is not None
    assert quick.jurisdiction == "ES"
    assert quick.occurred_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "snooze", "until": "2026-04-01T00:00:00Z"},
        {"idempotency_key": None},
        {"customer_id": " C1"},
        {"occurred_at": None},
        {"evidence": {"ip": "999.1.1.1"}},
    ],
)
def test_what_the_quick_path_leaves_to_the_full_parser(change: dict[str, object]) -> None:
    event: dict[str, object] = {
        "customer_id": "C1",
        "channel": "sms",
        "purpose": "marketing",
        "kind": "opt_in",
        "occurred_at": "2026-03-01T10:00:00Z",
        "idempotency_key": "k1",
        **change,
    }
    assert quick_event(event, OLDEST, LATEST) is None
