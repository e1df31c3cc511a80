"""Unsubscribe tokens and what their holders may do, on the engine (no HTTP)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from tests.api.api_support import add_customers

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.hub import Engine
from cortesia.engine.options import EngineOptions
from cortesia.engine.unsubscribe import BAD_SIGNATURE, EXPIRED, MALFORMED, UNKNOWN_KEY
from cortesia.errors import NotFoundError, TokenError, ValidationError

pytestmark = pytest.mark.usefixtures("known_customers")
KEY_A = ("2026a", b"a-secret-of-at-least-16-bytes")
KEY_B = ("2026b", b"another-secret-of-16-bytes+")


def engine_with(
    clock: FrozenClock, *keys: tuple[str, bytes], store: MemoryStore | None = None
) -> Engine:
    options = EngineOptions(public_base_url="https://prefs.example.org", unsubscribe_keys=keys)
    engine = Engine(store or MemoryStore(), clock, options)
    add_customers(engine)
    return engine


def status(
    engine: Engine, channel: Channel = Channel.EMAIL, purpose: str = "marketing"
) -> ConsentStatus:
    return engine.consent.status("C1", channel, purpose).status


def test_link_carries_the_rfc_8058_headers_and_reads_back_its_claims(
    memory_engine: Engine, clock: FrozenClock
) -> None:
    link = memory_engine.unsubscribe.link("C1", "email", "music_video_offers")
    assert link.url == f"http://127.0.0.1:8000/u/{link.token}"
    assert link.headers == {
        "List-Unsubscribe": f"<{link.url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    claims = memory_engine.unsubscribe.read(link.token)
    assert (claims.customer_id, claims.channel, claims.purpose) == (
        "C1",
        Channel.EMAIL,
        "music_video_offers",
    )
    assert (
        claims.expires_at
        == link.expires_at
        == clock.now().replace(microsecond=0) + timedelta(days=90)
    )


def test_token_is_url_safe_and_short_enough_for_an_sms(memory_engine: Engine) -> None:
    add_customers(memory_engine, "C-000123")
    token = memory_engine.unsubscribe.link("C-000123", "sms", "marketing").token
    assert len(token) < 100
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def test_workspace_secret_signs_when_no_key_is_configured(clock: FrozenClock) -> None:
    store = MemoryStore()
    token = engine_with(clock, store=store).unsubscribe.link("C1", "email", "marketing").token
    # Another process on the same workspace shares the secret, so it accepts the token.
    assert engine_with(clock, store=store).unsubscribe.read(token).customer_id == "C1"
    with pytest.raises(TokenError) as error:
        engine_with(clock).unsubscribe.read(token)
    assert error.value.reason == BAD_SIGNATURE


def test_rotated_keys_still_verify_links_signed_by_the_old_key(clock: FrozenClock) -> None:
    old = engine_with(clock, KEY_A).unsubscribe.link("C1", "email", "marketing").token
    rotated = engine_with(clock, KEY_B, KEY_A)
    assert rotated.unsubscribe.read(old).customer_id == "C1"
    new = rotated.unsubscribe.link("C1", "email", "marketing").token
    with pytest.raises(TokenError) as error:
        engine_with(clock, KEY_A).unsubscribe.read(new)
    assert error.value.reason == UNKNOWN_KEY


def test_links_signed_by_the_workspace_key_survive_configuring_keys(clock: FrozenClock) -> None:
    store = MemoryStore()
    before = engine_with(clock, store=store).unsubscribe.link("C1", "email", "marketing").token
    configured = engine_with(clock, KEY_B, store=store)
    assert configured.unsubscribe.read(before).customer_id == "C1"
    assert configured.unsubscribe.link("C1", "email", "marketing").token != before


def _flip(token: str, index: int) -> str:
    """The token with one character changed (a different valid base64url character)."""
    chars = list(token)
    chars[index] = "B" if chars[index] != "B" else "C"
    return "".join(chars)


def _forge_claim(token: str, index: int, value: object) -> str:
    """The token with one claim changed and the old signature kept."""
    payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims[index] = value
    forged = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode())
    return forged.rstrip(b"=").decode() + "." + signature


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda t: _forge_claim(t, 1, "C2"), BAD_SIGNATURE),
        (lambda t: _flip(t, -6), BAD_SIGNATURE),
        (lambda t: _forge_claim(t, 4, 4102444800), BAD_SIGNATURE),
        (lambda t: t.replace(".", ""), MALFORMED),
        (lambda t: t + ".x", MALFORMED),
        (lambda t: "!!" + t, MALFORMED),
        (lambda t: "bm90IGpzb24." + t.split(".")[1], MALFORMED),
        (lambda t: "", MALFORMED),
        (lambda t: t * 20, MALFORMED),
    ],
)
def test_tampered_or_malformed_tokens_are_refused_and_write_nothing(
    clock: FrozenClock, mangle: Callable[[str], str], reason: str
) -> None:
    engine = engine_with(clock, KEY_A)
    bad = mangle(engine.unsubscribe.link("C1", "email", "marketing").token)
    for attempt in (
        lambda: engine.unsubscribe.read(bad),
        lambda: engine.unsubscribe.one_click(bad),
        lambda: engine.unsubscribe.choose(bad, "all_marketing"),
    ):
        with pytest.raises(TokenError) as error:
            attempt()
        assert error.value.reason == reason
    assert list(engine.store.iter_events()) == []


def test_token_expires_after_the_configured_days(memory_engine: Engine, clock: FrozenClock) -> None:
    token = memory_engine.unsubscribe.link("C1", "email", "marketing").token
    clock.advance(timedelta(days=89, hours=23))
    assert memory_engine.unsubscribe.read(token).customer_id == "C1"
    clock.advance(timedelta(hours=1))
    with pytest.raises(TokenError) as error:
        memory_engine.unsubscribe.one_click(token)
    assert error.value.reason == EXPIRED
    assert list(memory_engine.store.iter_events()) == []


def test_one_click_opts_out_once_however_often_it_is_replayed(memory_engine: Engine) -> None:
    token = memory_engine.unsubscribe.link("C1", "email", "marketing").token
    first = memory_engine.unsubscribe.one_click(token, {"ip": "192.0.2.7"})
    again = memory_engine.unsubscribe.one_click(token)
    assert first.created and not again.created
    assert again.event.event_id == first.event.event_id
    assert len(list(memory_engine.store.iter_events())) == 1
    assert first.event.source.value == "unsubscribe_link"
    assert "one-click" in first.event.evidence["text"]
    assert first.event.evidence["ip"] == "192.0.2.7"
    assert status(memory_engine) is ConsentStatus.OPTED_OUT


def test_an_old_link_clicked_after_a_new_opt_in_is_honoured(
    memory_engine: Engine, clock: FrozenClock
) -> None:
    token = memory_engine.unsubscribe.link("C1", "email", "marketing").token
    memory_engine.unsubscribe.one_click(token)
    clock.advance(timedelta(days=3))
    memory_engine.consent.record(
        {"customer_id": "C1", "channel": "email", "purpose": "marketing", "kind": "opt_in"}
    )
    assert status(memory_engine) is ConsentStatus.OPTED_IN
    clock.advance(timedelta(days=3))
    assert memory_engine.unsubscribe.one_click(token).created
    assert status(memory_engine) is ConsentStatus.OPTED_OUT


def test_all_marketing_opts_out_of_marketing_on_every_channel(memory_engine: Engine) -> None:
    token = memory_engine.unsubscribe.link("C1", "email", "music_video_offers").token
    result = memory_engine.unsubscribe.choose(token, "all_marketing")
    assert (result.event.channel, result.event.purpose) == (Channel.ALL, "marketing")
    assert result.event.source.value == "preference_centre"
    assert status(memory_engine, Channel.SMS, "music_video_offers") is ConsentStatus.OPTED_OUT
    assert status(memory_engine, Channel.EMAIL, "service") is ConsentStatus.UNKNOWN
    assert not memory_engine.unsubscribe.choose(token, "all_marketing").created


def test_topic_choice_opts_out_of_the_token_purpose_only(memory_engine: Engine) -> None:
    token = memory_engine.unsubscribe.link("C1", "sms", "music_video_offers").token
    memory_engine.unsubscribe.choose(token, "topic")
    assert status(memory_engine, Channel.SMS, "music_video_offers") is ConsentStatus.OPTED_OUT
    assert status(memory_engine, Channel.SMS, "sports_offers") is ConsentStatus.UNKNOWN


@pytest.mark.parametrize("days", [7, 30, 90])
def test_snooze_pauses_the_scope_until_it_ends_by_itself(clock: FrozenClock, days: int) -> None:
    memory_engine = Engine(MemoryStore(), clock, EngineOptions(unsubscribe_ttl_days=365))
    add_customers(memory_engine)
    memory_engine.consent.record(
        {"customer_id": "C1", "channel": "email", "purpose": "marketing", "kind": "opt_in"}
    )
    token = memory_engine.unsubscribe.link("C1", "email", "marketing").token
    result = memory_engine.unsubscribe.choose(token, f"snooze_{days}")
    assert result.event.until == clock.now() + timedelta(days=days)
    assert status(memory_engine) is ConsentStatus.SNOOZED
    assert not memory_engine.unsubscribe.choose(token, f"snooze_{days}").created
    clock.advance(timedelta(days=days))
    assert status(memory_engine) is ConsentStatus.OPTED_IN
    assert memory_engine.unsubscribe.choose(token, f"snooze_{days}").created


def test_unknown_choice_is_refused_naming_the_field(memory_engine: Engine) -> None:
    token = memory_engine.unsubscribe.link("C1", "email", "marketing").token
    with pytest.raises(ValidationError) as error:
        memory_engine.unsubscribe.choose(token, "snooze_1000")
    assert error.value.problem.field == "choice"
    assert list(memory_engine.store.iter_events()) == []


def test_links_are_refused_for_unknown_channels(memory_engine: Engine) -> None:
    with pytest.raises(ValidationError) as error:
        memory_engine.unsubscribe.link("C1", "fax", "marketing")
    assert error.value.problem.field == "channel"


def test_links_are_refused_for_unknown_customers(clock: FrozenClock) -> None:
    engine = Engine(MemoryStore(), clock)
    with pytest.raises(NotFoundError):
        engine.unsubscribe.link("C404", "email", "marketing")


@pytest.mark.parametrize(
    ("channel", "missing"),
    [
        ("email", "e-mail address"),
        ("sms", "phone number"),
        ("whatsapp", "phone number"),
        ("voice", "phone number"),
        ("push", "push id"),
        ("in_app", "push id"),
    ],
)
def test_links_are_refused_for_a_channel_the_customer_cannot_be_reached_on(
    clock: FrozenClock, channel: str, missing: str
) -> None:
    engine = Engine(MemoryStore(), clock)
    engine.customers.upsert([{"customer_id": "C2", "country": "ES"}])
    with pytest.raises(ValidationError) as error:
        engine.unsubscribe.link("C2", channel, "marketing")
    assert error.value.problem.field == "channel"
    assert missing in error.value.problem.reason
    assert engine.unsubscribe.link("C2", "mail", "marketing").token


def test_a_link_issued_before_an_erasure_keeps_working_and_records_nothing(
    memory_engine: Engine,
) -> None:
    token = memory_engine.unsubscribe.link("C1", "email", "marketing").token
    receipt = memory_engine.erase("C1")
    for result in (
        memory_engine.unsubscribe.one_click(token),
        memory_engine.unsubscribe.choose(token, "snooze_7"),
        memory_engine.unsubscribe.choose(token, "all_marketing"),
    ):
        assert (result.event.event_id, result.created) == (receipt.erasure_event_id, False)
    assert memory_engine.unsubscribe.standing(token).erased
    with pytest.raises(NotFoundError):
        memory_engine.unsubscribe.link("C1", "email", "marketing")


def test_a_pause_of_an_opted_out_scope_records_nothing(memory_engine: Engine) -> None:
    token = memory_engine.unsubscribe.link("C1", "email", "marketing").token
    opted_out = memory_engine.unsubscribe.one_click(token)
    paused = memory_engine.unsubscribe.choose(token, "snooze_30")
    assert (paused.event.event_id, paused.created) == (opted_out.event.event_id, False)
    assert len(list(memory_engine.store.iter_events())) == 1


def test_standing_tells_the_link_scope_and_all_marketing_apart(memory_engine: Engine) -> None:
    token = memory_engine.unsubscribe.link("C1", "sms", "music_video_offers").token
    memory_engine.unsubscribe.choose(token, "topic")
    standing = memory_engine.unsubscribe.standing(token)
    assert standing.scope.status is ConsentStatus.OPTED_OUT
    assert standing.all_marketing.status is ConsentStatus.UNKNOWN
    assert not standing.erased
    memory_engine.unsubscribe.choose(token, "all_marketing")
    assert memory_engine.unsubscribe.standing(token).all_marketing.status is (
        ConsentStatus.OPTED_OUT
    )
