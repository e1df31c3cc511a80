"""The variables a decision's rules read about one customer at one instant.

Built once per decision and shared by every rule (eligibility, value, levers):

- the customer's attributes by name, and ``country``, ``subdivision``, ``language``,
  ``time_zone``;
- the request: ``channel``, ``direction``, ``today``, ``hour`` and ``weekday`` (1 = Monday)
  in the customer's own zone, and ``context.<key>`` for every context pair;
- contact-history aggregates (contacts that count: sent, or reserved and unexpired):
  ``contacts_1d``, ``contacts_7d``, ``contacts_30d``, ``contacts_7d_<channel>``,
  ``days_since_last_contact`` (whole days, null when never contacted), and the outcomes
  reported in the last 30 days: ``rejects_30d`` (rejected or ignored), ``accepts_30d``
  (accepted, clicked or converted), ``opt_outs_30d`` (opted out or complained);
- consent: ``consent.<channel>.<purpose>`` is the status (``opted_in``, ``opted_out``,
  ``snoozed``, ``unknown``…) for every such name a rule reads.

A name the customer does not have is simply absent: rules read it as null.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from cortesia.domain.consent import ConsentEvent, status_of
from cortesia.domain.contacts import Contact
from cortesia.domain.customers import Customer
from cortesia.domain.decisions import NEGATIVE, OPT_OUTS, POSITIVE, ContextValue
from cortesia.domain.vocabulary import Channel
from cortesia.engine.policy_facts import zones_of

EnvValue = str | int | float | bool | date | None
_DAY = 86_400.0
_CONTACT_CHANNELS = tuple(c for c in Channel if c is not Channel.ALL)
_HISTORY_NAMES = (
    "contacts_1d",
    "contacts_7d",
    "contacts_30d",
    "days_since_last_contact",
    "rejects_30d",
    "accepts_30d",
    "opt_outs_30d",
    *(f"contacts_7d_{c.value}" for c in _CONTACT_CHANNELS),
)
REQUEST_NAMES = ("channel", "direction", "today", "hour", "weekday")
PROFILE_NAMES = ("country", "subdivision", "language", "time_zone")
# Every name the engine itself provides; attributes and context keys come on top.
BUILT_IN_NAMES = frozenset((*_HISTORY_NAMES, *REQUEST_NAMES, *PROFILE_NAMES))


def decision_env(
    customer: Customer,
    channel: Channel,
    direction: str,
    context: Mapping[str, ContextValue],
    at: datetime,
    contacts: Sequence[Contact],
    events: Sequence[ConsentEvent],
    consent_names: Iterable[str] = (),
) -> dict[str, EnvValue]:
    """Every variable the rules may read for this customer at ``at``."""
    env: dict[str, EnvValue] = dict(customer.attributes)
    local = at.astimezone(zones_of(customer)[0])
    env.update(
        country=customer.country,
        subdivision=customer.subdivision,
        language=customer.language,
        time_zone=customer.time_zone,
        channel=channel.value,
        direction=direction,
        today=local.date(),
        hour=local.hour,
        weekday=local.isoweekday(),
    )
    for key, value in context.items():
        env[f"context.{key}"] = value
    env.update(history_aggregates(contacts, at))
    for name in consent_names:
        env[name] = consent_value(name, events, at)
    return env


def history_aggregates(contacts: Sequence[Contact], at: datetime) -> dict[str, EnvValue]:
    """Counts of recent contacts and outcomes (see the module docstring)."""
    now = at.timestamp()
    counts = dict.fromkeys(_HISTORY_NAMES, 0)
    last: float | None = None
    for contact in contacts:
        _count_outcome(counts, contact, now)
        when = contact.occurred_at.timestamp()
        if when > now or not contact.counts_at(at):
            continue
        age = now - when
        last = when if last is None else max(last, when)
        counts["contacts_30d"] += age < 30 * _DAY
        counts["contacts_7d"] += age < 7 * _DAY
        counts["contacts_1d"] += age < _DAY
        if age < 7 * _DAY:
            counts[f"contacts_7d_{contact.channel.value}"] += 1
    found: dict[str, EnvValue] = dict(counts)
    found["days_since_last_contact"] = None if last is None else int((now - last) // _DAY)
    return found


def _count_outcome(counts: dict[str, int], contact: Contact, now: float) -> None:
    outcome, when = contact.outcome, contact.outcome_at
    if outcome is None or when is None or not 0 <= now - when.timestamp() < 30 * _DAY:
        return
    if outcome in NEGATIVE:
        counts["rejects_30d"] += 1
    elif outcome in POSITIVE:
        counts["accepts_30d"] += 1
    elif outcome in OPT_OUTS:
        counts["opt_outs_30d"] += 1


def consent_value(name: str, events: Sequence[ConsentEvent], at: datetime) -> str | None:
    """The status named by ``consent.<channel>.<purpose>``; null for a name of another shape."""
    parts = name.split(".")
    if len(parts) != 3 or parts[0] != "consent" or parts[1] not in _CHANNEL_VALUES:
        return None
    return status_of(events, Channel(parts[1]), parts[2], at).status.value


_CHANNEL_VALUES = frozenset(c.value for c in _CONTACT_CHANNELS)
