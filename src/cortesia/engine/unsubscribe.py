"""One-click unsubscribe (RFC 8058) and the preference centre behind the link.

A token is the capability: whoever holds it may withdraw (never give) consent for
one customer × channel × purpose until it expires. Its text is
``<base64url payload>.<base64url signature>``; the payload is the compact JSON
``[kid, customer_id, channel, purpose, expires_epoch]`` and the signature an
HMAC-SHA256 (first 128 bits) of the payload text under the key ``kid``.
The first configured key signs and every configured key verifies, so keys rotate
without breaking links already sent.

Replays change nothing: while the event a click recorded still decides its scope,
clicking again (a retried POST, a double click) returns that event. Once something
else decides the scope (a newer opt-in, a snooze that ended), a click on the same
link is a new request and is honoured. The idempotency key is derived from the
token, the choice and the ledger's position, so concurrent clicks make one event.

Links are issued only for a known customer with a contact point on the link's channel.
A link issued before the customer was erased keeps working: the erasure already opts
the person out of everything, so a click records nothing and the page says so.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cortesia.domain.consent import AppendResult, ConsentEntry, status_of
from cortesia.domain.customers import Customer
from cortesia.domain.vocabulary import (
    MARKETING,
    Channel,
    ConsentKind,
    ConsentStatus,
    Source,
    parse_channel,
    parse_purpose,
)
from cortesia.engine.consent import ConsentService
from cortesia.engine.options import EngineOptions
from cortesia.engine.ports import Clock, Store
from cortesia.errors import NotFoundError, TokenError, ValidationError

DEFAULT_KID = "w1"
CHOICES = ("topic", "all_marketing", "snooze_7", "snooze_30", "snooze_90")
MALFORMED = "malformed token"
UNKNOWN_KEY = "token signed with an unknown key"
BAD_SIGNATURE = "token signature does not match"
EXPIRED = "token expired"

_MAX_TOKEN = 1024
_SIGNATURE_BYTES = 16  # 128 bits: RFC 2104 allows truncating to half the hash, and links stay short
_DOMAIN = b"cortesia-unsubscribe-v1."
_B64 = re.compile(r"^[A-Za-z0-9_-]+$")
# The contact points a link's channel reaches the customer through (mail: no address kept).
_REACHED_BY: dict[Channel, tuple[str, str]] = {
    Channel.EMAIL: ("emails", "e-mail address"),
    Channel.SMS: ("phones", "phone number"),
    Channel.VOICE: ("phones", "phone number"),
    Channel.WHATSAPP: ("phones", "phone number"),
    Channel.PUSH: ("push_ids", "push id"),
    Channel.IN_APP: ("push_ids", "push id"),
}


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a valid token lets its holder do."""

    customer_id: str
    channel: Channel
    purpose: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class UnsubscribeLink:
    """A link to put in a message, with the two RFC 8058 headers."""

    url: str
    token: str
    expires_at: datetime
    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class LinkStanding:
    """Where the person behind a link stands now: its scope, all marketing, erasure."""

    claims: TokenClaims
    scope: ConsentEntry
    all_marketing: ConsentEntry
    erased: bool


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not _B64.match(text):
        raise TokenError(MALFORMED)
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise TokenError(MALFORMED) from None


def _claims_of(payload: bytes) -> tuple[str, str, str, str, int]:
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        raise TokenError(MALFORMED) from None
    if (
        not isinstance(data, list)
        or len(data) != 5
        or not all(isinstance(item, str) for item in data[:4])
        or type(data[4]) is not int
    ):
        raise TokenError(MALFORMED)
    return data[0], data[1], data[2], data[3], data[4]


class UnsubscribeService:
    """Issue unsubscribe links and carry out what their holders choose."""

    def __init__(
        self, store: Store, clock: Clock, consent: ConsentService, options: EngineOptions
    ) -> None:
        self._store = store
        self._clock = clock
        self._consent = consent
        self._options = options
        self._keys: dict[str, bytes] | None = None
        keys = options.unsubscribe_keys
        self._signing_kid = keys[0][0] if keys else DEFAULT_KID

    def _key_ring(self) -> dict[str, bytes]:
        # Read lazily: building an engine must not touch the store.
        if self._keys is None:
            workspace_key = self._store.secret(
                f"unsubscribe-key-{DEFAULT_KID}", lambda: secrets.token_bytes(32)
            )
            # The workspace key keeps verifying after keys are configured, so links sent
            # before the switch still work; a configured key with the same id wins.
            self._keys = {DEFAULT_KID: workspace_key, **dict(self._options.unsubscribe_keys)}
        return self._keys

    @staticmethod
    def _sign(key: bytes, payload_text: str) -> bytes:
        digest = hmac.new(key, _DOMAIN + payload_text.encode("ascii"), hashlib.sha256).digest()
        return digest[:_SIGNATURE_BYTES]

    def link(self, customer_id: str, channel: str, purpose: str) -> UnsubscribeLink:
        """A signed link for one customer × channel × purpose, valid for the configured days."""
        if not customer_id or len(customer_id) > 128:
            raise ValidationError("customer_id", customer_id, "must be text of 1 to 128 characters")
        scope_channel = parse_channel(channel)
        scope_purpose = parse_purpose(purpose)
        customer = self._store.get_customer(customer_id)
        if customer is None:
            raise NotFoundError("customer", customer_id)
        _check_reachable(customer, scope_channel)
        expires_at = self._clock.now() + timedelta(days=self._options.unsubscribe_ttl_days)
        expires_at = expires_at.replace(microsecond=0)
        claims = [
            self._signing_kid,
            customer_id,
            scope_channel.value,
            scope_purpose,
            int(expires_at.timestamp()),
        ]
        payload = _b64encode(json.dumps(claims, separators=(",", ":")).encode())
        key = self._key_ring()[self._signing_kid]
        token = f"{payload}.{_b64encode(self._sign(key, payload))}"
        url = f"{self._options.public_base_url}/u/{token}"
        headers = {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        return UnsubscribeLink(url, token, expires_at, headers)

    def read(self, token: str) -> TokenClaims:
        """The claims of a genuine, unexpired token; TokenError otherwise."""
        if not token or len(token) > _MAX_TOKEN or token.count(".") != 1:
            raise TokenError(MALFORMED)
        payload_text, signature_text = token.split(".")
        payload, signature = _b64decode(payload_text), _b64decode(signature_text)
        kid, customer_id, channel, purpose, expires = _claims_of(payload)
        key = self._key_ring().get(kid)
        if key is None:
            raise TokenError(UNKNOWN_KEY)
        if not hmac.compare_digest(signature, self._sign(key, payload_text)):
            raise TokenError(BAD_SIGNATURE)
        expires_at = datetime.fromtimestamp(expires, UTC)
        if self._clock.now() >= expires_at:
            raise TokenError(EXPIRED)
        try:
            scope = parse_channel(channel), parse_purpose(purpose)
        except ValidationError:
            raise TokenError(MALFORMED) from None
        return TokenClaims(customer_id, scope[0], scope[1], expires_at)

    def standing(self, token: str) -> LinkStanding:
        """What the customer behind a genuine token has chosen so far (nothing written)."""
        claims = self.read(token)
        events = self._store.events_of(claims.customer_id)
        now = self._clock.now()
        return LinkStanding(
            claims,
            status_of(events, claims.channel, claims.purpose, now),
            status_of(events, Channel.ALL, MARKETING, now),
            any(e.kind is ConsentKind.ERASURE for e in events),
        )

    def one_click(self, token: str, evidence: Mapping[str, str] | None = None) -> AppendResult:
        """RFC 8058 one-click: opt out of the token's channel × purpose, idempotently."""
        claims = self.read(token)
        note = "one-click unsubscribe (RFC 8058, List-Unsubscribe-Post)"
        return self._withdraw(token, "topic", claims, Source.UNSUBSCRIBE_LINK, note, evidence)

    def choose(
        self, token: str, choice: str, evidence: Mapping[str, str] | None = None
    ) -> AppendResult:
        """Carry out a preference-centre choice: topic, all_marketing or snooze_7/30/90."""
        if choice not in CHOICES:
            raise ValidationError("choice", choice, f"use one of {', '.join(CHOICES)}")
        claims = self.read(token)
        note = f"preference centre choice {choice!r} behind an unsubscribe link"
        return self._withdraw(token, choice, claims, Source.PREFERENCE_CENTRE, note, evidence)

    def _withdraw(
        self,
        token: str,
        choice: str,
        claims: TokenClaims,
        source: Source,
        note: str,
        evidence: Mapping[str, str] | None,
    ) -> AppendResult:
        channel = Channel.ALL if choice == "all_marketing" else claims.channel
        purpose = MARKETING if choice == "all_marketing" else claims.purpose
        prefix = f"unsubscribe:{hashlib.sha256(token.encode()).hexdigest()[:32]}:{choice}"
        events = self._store.events_of(claims.customer_id)
        entry = status_of(events, channel, purpose, self._clock.now())
        deciding = next((e for e in events if e.event_id == entry.event_id), None)
        # An opt-out outranks a pause: snoozing an opted-out scope would record a no-op.
        pointless = choice.startswith("snooze_") and entry.status is ConsentStatus.OPTED_OUT
        if deciding is not None and (
            deciding.idempotency_key.startswith(f"{prefix}:")
            or deciding.kind is ConsentKind.ERASURE
            or pointless
        ):
            return AppendResult(deciding, created=False)
        # The ledger's position makes a new key once anything changed since this click's
        # last effect, while two concurrent clicks share one key and one event.
        position = max((e.seq for e in events), default=0)
        now = self._clock.now()
        event: dict[str, object] = {
            "customer_id": claims.customer_id,
            "channel": channel.value,
            "purpose": purpose,
            "kind": "opt_out",
            "occurred_at": now,
            "source": source.value,
            "evidence": {**(evidence or {}), "text": note},
            "idempotency_key": f"{prefix}:{position}",
        }
        if choice.startswith("snooze_"):
            event["kind"] = "snooze"
            event["until"] = now + timedelta(days=int(choice.removeprefix("snooze_")))
        return self._consent.record(event)


def _check_reachable(customer: Customer, channel: Channel) -> None:
    """Refuse a link for a channel the customer cannot be reached on."""
    needed = _REACHED_BY.get(channel)
    if needed is not None and not getattr(customer, needed[0]):
        raise ValidationError(
            "channel",
            channel.value,
            f"customer {customer.customer_id!r} has no {needed[1]} to reach by {channel.value}",
        )
