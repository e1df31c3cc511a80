"""What a contact check looks at: the question, the recipient, and their contact history."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo

from cortesia.domain.vocabulary import Channel, ConsentStatus

# Outcomes that mean the person was reached (Colombia's "contacto directo").
REACHED_OUTCOMES = frozenset({"reached", "accepted", "rejected", "converted", "opted_out"})
REJECTED_OUTCOMES = frozenset({"rejected"})

HolidayCalendar = Callable[[str, str | None, date], str | None]
"""``(country, subdivision or None, local day) -> holiday name or None``."""


class Question(NamedTuple):
    """May we contact on ``channel`` for ``purpose`` at ``at`` (for this action)?

    A named tuple rather than a frozen dataclass: a decision asks one for every candidate
    that reaches the contact policy, and a frozen dataclass costs several times as much
    to build.
    """

    channel: Channel
    purpose: str
    at: datetime
    action_id: str | None = None
    action_group: str | None = None
    category: str | None = None
    subject: str | None = None
    direction: str = "outbound"

    @property
    def subject_key(self) -> str:
        """ "Same subject matter": the subject given, else the action's group, else purpose."""
        return self.subject or self.action_group or self.purpose


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who would be contacted: where they are and what they said about this scope.

    ``zones`` holds every zone the person may be in, the profile's first; a permitted
    window must hold in all of them.
    """

    country: str
    subdivision: str | None
    zones: tuple[ZoneInfo, ...]
    consent: ConsentStatus = ConsentStatus.UNKNOWN
    consent_since: datetime | None = None
    attributes: Mapping[str, object] = field(default_factory=dict)
    sector: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        return self.zones[0]


class PastContact(Protocol):
    """A contact made (or reserved) earlier, as the contact history holds it."""

    @property
    def occurred_at(self) -> datetime: ...
    @property
    def channel(self) -> Channel: ...
    @property
    def purpose(self) -> str: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def action_id(self) -> str | None: ...
    @property
    def action_group(self) -> str | None: ...
    @property
    def category(self) -> str | None: ...
    @property
    def outcome(self) -> str | None: ...
    @property
    def outcome_at(self) -> datetime | None: ...


def subject_of(contact: PastContact) -> str:
    return contact.subject or contact.action_group or contact.purpose


class Row(NamedTuple):
    """What the rules compare of one contact, computed once per index (a tuple: cheap)."""

    at: float
    channel: Channel
    purpose: str
    subject: str
    action_group: str | None
    category: str | None
    reached: bool
    contact: PastContact


@dataclass(frozen=True, slots=True)
class Selection:
    """Contacts chosen by one rule, in time order, with their instants as epoch seconds."""

    times: list[float]
    contacts: list[PastContact]


class ContactIndex:
    """A customer's recent contacts, sorted, with memoised per-rule selections.

    A decision asks many questions about one customer; each rule's selection of
    contacts (by channel, purpose, subject…) is computed once and reused.
    """

    def __init__(self, contacts: Sequence[PastContact]) -> None:
        self.contacts = sorted(contacts, key=lambda c: c.occurred_at)
        self.rows = [
            Row(
                c.occurred_at.timestamp(),
                c.channel,
                c.purpose,
                subject_of(c),
                c.action_group,
                c.category,
                c.outcome in REACHED_OUTCOMES,
                c,
            )
            for c in self.contacts
        ]
        self._selections: dict[object, Selection] = {}
        self._latest: dict[object, dict[object, PastContact]] = {}

    def select(self, key: object, keep: Callable[[Row], bool]) -> Selection:
        """The contacts ``keep`` accepts with their epoch seconds, memoised under ``key``."""
        found = self._selections.get(key)
        if found is None:
            chosen = [r for r in self.rows if keep(r)]
            found = Selection([r.at for r in chosen], [r.contact for r in chosen])
            self._selections[key] = found
        return found

    def latest(
        self,
        key: object,
        keep: Callable[[PastContact], bool],
        group: Callable[[PastContact], object],
    ) -> dict[object, PastContact]:
        """The most recent contact ``keep`` accepts in each ``group``, memoised under ``key``."""
        found = self._latest.get(key)
        if found is None:
            found = {group(c): c for c in self.contacts if keep(c)}  # later ones win
            self._latest[key] = found
        return found
