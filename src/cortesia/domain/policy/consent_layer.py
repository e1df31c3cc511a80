"""The consent layer: what the customer said, and whether we can reach them at all.

- an opt-out or a running snooze for the channel and purpose denies, whatever else says;
- a contact point on the suppression list (an erased person) denies;
- no contact point for the channel denies;
- for marketing, the customer's own ``allowed_hours`` and ``max_per_week`` /
  ``max_per_month`` (calendar weeks and months in their zone) deny outside them. Service
  messages are not held to the customer's marketing preferences.
- unknown consent allows here; what it means is the jurisdiction pack's call, or the
  company's when no pack covers the country (``unknown_allowed``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cortesia.domain.consent import ConsentEntry
from cortesia.domain.policy.context import ContactIndex, Question, Recipient
from cortesia.domain.policy.counting import CapSpec, cap_finding
from cortesia.domain.policy.hours import DAY_NAMES, WeeklyHours, parse_range
from cortesia.domain.policy.windows import Window, WindowKind
from cortesia.domain.verdict import Layer, Reason
from cortesia.domain.vocabulary import MARKETING, SERVICE, Channel, ConsentStatus, purpose_covers

_WEEK = Window(WindowKind.CALENDAR_WEEK)
_MONTH = Window(WindowKind.CALENDAR_MONTH)


@dataclass(frozen=True, slots=True)
class ConsentFacts:
    """The ledger's view of one channel × purpose, and the contact points for the channel."""

    entry: ConsentEntry
    preferences: Mapping[Channel, Mapping[str, object]]
    addresses: int
    suppressed: int
    unknown_allowed: bool | None = None


def consent_reasons(
    facts: ConsentFacts, question: Question, recipient: Recipient, history: ContactIndex
) -> list[Reason]:
    reasons = [_status(facts, question), _reachable(facts, question)]
    if purpose_covers(MARKETING, question.purpose) and question.purpose != SERVICE:
        reasons.extend(_preferences(facts, question, recipient, history))
    return reasons


def _reason(rule: str, allowed: bool, detail: str) -> Reason:
    return Reason(Layer.CONSENT, rule, allowed, detail)


def _status(facts: ConsentFacts, q: Question) -> Reason:
    entry, scope = facts.entry, f"{q.channel} {q.purpose}"
    since = f" on {entry.since.isoformat()}" if entry.since else ""
    ref = f" (event {entry.event_id})" if entry.event_id else ""
    if entry.status is ConsentStatus.OPTED_OUT:
        return _reason("consent.opted_out", False, f"opted out of {scope}{since}{ref}")
    if entry.status is ConsentStatus.SNOOZED:
        until = entry.until.isoformat() if entry.until else "?"
        return _reason("consent.snoozed", False, f"snoozed {scope} until {until}{ref}")
    if entry.status is ConsentStatus.OPTED_IN:
        return _reason("consent.opted_in", True, f"opted in to {scope}{since}{ref}")
    if q.purpose == SERVICE:
        return _reason("consent.unknown", True, f"no consent event for {scope}; service needs none")
    if facts.unknown_allowed is None:
        return _reason("consent.unknown", True, f"no consent event for {scope}; the pack decides")
    if facts.unknown_allowed:
        return _reason("consent.unknown", True, f"no consent event for {scope}; company allows")
    return _reason(
        "consent.unknown",
        False,
        f"no consent event for {scope}; no pack covers the country and "
        "the company policy needs consent",
    )


def _reachable(facts: ConsentFacts, q: Question) -> Reason:
    if facts.addresses == 0:
        return _reason("consent.address", False, f"no contact point on file for {q.channel}")
    if facts.suppressed:
        return _reason(
            "consent.suppressed",
            False,
            f"{facts.suppressed} of {facts.addresses} {q.channel} contact point(s) are on the "
            "erasure suppression list",
        )
    return _reason("consent.address", True, f"{facts.addresses} {q.channel} contact point(s)")


def _preference(facts: ConsentFacts, channel: Channel, key: str) -> tuple[object, Channel] | None:
    for scope in (channel, Channel.ALL):
        value = facts.preferences.get(scope, {}).get(key)
        if value is not None:
            return value, scope
    return None


def _preferences(
    facts: ConsentFacts, q: Question, recipient: Recipient, history: ContactIndex
) -> list[Reason]:
    reasons: list[Reason] = []
    hours = _preference(facts, q.channel, "allowed_hours")
    if hours is not None and isinstance(hours[0], str):
        reasons.append(_own_hours(hours[0], q, recipient))
    for key, window in (("max_per_week", _WEEK), ("max_per_month", _MONTH)):
        found = _preference(facts, q.channel, key)
        if found is None or not isinstance(found[0], int):
            continue
        limit, scope = int(found[0]), found[1]
        spec = CapSpec(
            key=f"own:{key}:{scope.value}",
            window=window,
            channels=frozenset({scope}),
            purposes=frozenset({MARKETING}),
            limit=limit,
        )
        allowed, detail = cap_finding(spec, q, recipient, history)
        reasons.append(_reason(f"consent.{key}", allowed, f"customer's own cap: {detail}"))
    return reasons


def _own_hours(text: str, q: Question, recipient: Recipient) -> Reason:
    hours = WeeklyHours.every_day(parse_range(text, "allowed_hours"))
    local = q.at.astimezone(recipient.zone)
    second = local.hour * 3600 + local.minute * 60 + local.second
    moment = f"{DAY_NAMES[local.weekday()].title()} {local:%H:%M} {recipient.zone.key}"
    allowed = hours.open_at(local.weekday(), second)
    verb = "within" if allowed else "outside"
    return _reason("consent.allowed_hours", allowed, f"{moment} is {verb} the customer's {text}")
