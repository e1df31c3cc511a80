"""Counting earlier contacts against a cap: one definition for legal and company caps."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from cortesia.domain.policy.context import ContactIndex, PastContact, Question, Recipient, Row
from cortesia.domain.policy.windows import Window, WindowKind
from cortesia.domain.vocabulary import Channel, purpose_covers


@dataclass(frozen=True, slots=True)
class CapSpec:
    """What a cap counts and how much it allows.

    ``channels`` / ``purposes`` / ``action_groups`` / ``categories`` choose the contacts that
    count (empty groups and categories: any); ``per_channel`` and ``per_subject`` narrow them to
    the question's own channel or subject; ``reached_only`` counts only contacts that reached
    the person. ``limit`` caps the contacts, ``max_channels`` the distinct channels.
    """

    key: str
    window: Window
    channels: frozenset[Channel]
    purposes: frozenset[str]
    limit: int | None = None
    max_channels: int | None = None
    per_channel: bool = False
    per_subject: bool = False
    reached_only: bool = False
    action_groups: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()


def _keeper(spec: CapSpec, question: Question) -> Callable[[Row], bool]:
    channels = frozenset({question.channel}) if spec.per_channel else spec.channels
    any_channel = Channel.ALL in channels
    subject = question.subject_key if spec.per_subject else None
    covered: dict[str, bool] = {}

    def keep(r: Row) -> bool:
        if not any_channel and r.channel not in channels:
            return False
        ok = covered.get(r.purpose)
        if ok is None:
            ok = covered[r.purpose] = any(purpose_covers(p, r.purpose) for p in spec.purposes)
        if not ok or (spec.reached_only and not r.reached):
            return False
        if spec.action_groups and r.action_group not in spec.action_groups:
            return False
        if spec.categories and r.category not in spec.categories:
            return False
        return subject is None or r.subject == subject

    return keep


def cap_finding(
    spec: CapSpec, question: Question, recipient: Recipient, history: ContactIndex
) -> tuple[bool, str]:
    """(allowed, what was counted) for one more contact at ``question.at``."""
    memo = (
        spec.key,
        question.channel if spec.per_channel else None,
        question.subject_key if spec.per_subject else None,
    )
    chosen = history.select(memo, _keeper(spec, question))
    what = _what(spec, question)
    window = spec.window.phrase()
    counted = ""
    if spec.limit is not None:
        busiest = spec.window.busiest(chosen.times, question.at, recipient.zone)
        if busiest >= spec.limit:
            return False, f"{busiest} {what} already {window} (limit {spec.limit})"
        counted = f"{busiest} of at most {spec.limit} {what} {window}"
    if spec.max_channels is not None:
        channels = _channels_in(chosen.times, chosen.contacts, spec.window, question, recipient)
        used = len(channels | {question.channel})
        if used > spec.max_channels:
            named = ", ".join(sorted(c.value for c in channels))
            return False, (
                f"{what} already on {named} {window}; at most {spec.max_channels} channel(s)"
            )
        counted = (counted + "; " if counted else "") + (
            f"{len(channels)} channel(s) used of at most {spec.max_channels} {window}"
        )
    return True, counted


def _channels_in(
    times: list[float],
    contacts: list[PastContact],
    window: Window,
    question: Question,
    recipient: Recipient,
) -> set[Channel]:
    start, end = window.bounds(question.at, recipient.zone)
    lo, hi = start.timestamp(), end.timestamp()
    if window.kind is WindowKind.ROLLING:
        lo += 1e-6  # a contact exactly one span away shares no window with this one
    return {c.channel for c in contacts[bisect_left(times, lo) : bisect_left(times, hi)]}


def _what(spec: CapSpec, question: Question) -> str:
    parts = ["contacts"]
    if spec.reached_only:
        parts.insert(0, "direct")
    if spec.per_channel:
        parts.append(f"on {question.channel}")
    if spec.per_subject:
        parts.append(f"about {question.subject_key}")
    return " ".join(parts)
