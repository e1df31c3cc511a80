"""The stages one candidate goes through before arbitration, each a pure check.

Every function returns the reason the candidate stops there, or None when it goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from cortesia.domain.catalog import Action, ChannelTreatment, SendWindow
from cortesia.domain.contacts import Contact
from cortesia.domain.decisions import NEGATIVE, Stage
from cortesia.domain.verdict import Verdict


def validity_stop(action: Action, today: date) -> str | None:
    """Why the action is not on offer ``today`` (the customer's local date)."""
    if action.valid_from is not None and today < action.valid_from:
        return f"not on offer before {action.valid_from.isoformat()}"
    if action.valid_until is not None and today > action.valid_until:
        return f"offer ended on {action.valid_until.isoformat()}"
    return None


def in_window(window: SendWindow, moment: time) -> bool:
    """Half-open ``[start, end)``; a window whose end comes first runs past midnight."""
    if window.start <= window.end:
        return window.start <= moment < window.end
    return moment >= window.start or moment < window.end


def window_stop(treatment: ChannelTreatment, direction: str, local: datetime) -> str | None:
    """Why an outbound send would fall outside the treatment's own send window."""
    window = treatment.window
    if window is None or direction != "outbound" or in_window(window, local.time()):
        return None
    span = f"{window.start:%H:%M}–{window.end:%H:%M}"
    return f"outside its send window {span} (local time {local:%H:%M})"


def cool_off_stop(action: Action, contacts: Sequence[Contact], at: datetime) -> str | None:
    """Why the action's own cool-off keeps it back: a recent contact or rejection."""
    if action.cool_off_days is None and action.reject_cool_off_days is None:
        return None
    mine = [c for c in contacts if c.action_id == action.action_id and c.counts_at(at)]
    if action.cool_off_days is not None:
        since = at - timedelta(days=action.cool_off_days)
        recent = [c.occurred_at for c in mine if since < c.occurred_at <= at]
        if recent:
            days = (at - max(recent)).days
            return f"offered {_days(days)} ago; its cool-off is {action.cool_off_days} days"
    if action.reject_cool_off_days is not None:
        since = at - timedelta(days=action.reject_cool_off_days)
        turned = [
            c.outcome_at
            for c in mine
            if c.outcome in NEGATIVE and c.outcome_at is not None and since < c.outcome_at <= at
        ]
        if turned:
            days = (at - max(turned)).days
            limit = action.reject_cool_off_days
            return f"turned down {_days(days)} ago; its cool-off after a refusal is {limit} days"
    return None


def timing_stop(
    action: Action,
    treatment: ChannelTreatment,
    direction: str,
    local: datetime,
    contacts: Sequence[Contact],
    at: datetime,
) -> tuple[Stage, str] | None:
    """Validity dates and send window (stage candidates), then the action's own cool-off
    (eligibility): where and why the candidate stops, ``local`` being the customer's time."""
    stop = None
    if action.valid_from is not None or action.valid_until is not None:
        stop = validity_stop(action, local.date())
    if stop is None and treatment.window is not None:
        stop = window_stop(treatment, direction, local)
    if stop is not None:
        return Stage.CANDIDATES, stop
    if action.cool_off_days is not None or action.reject_cool_off_days is not None:
        stop = cool_off_stop(action, contacts, at)
    return None if stop is None else (Stage.ELIGIBILITY, stop)


def policy_stop(verdict: Verdict) -> str | None:
    """The contact policy's first denial, as layer, rule and what it saw."""
    if verdict.allowed:
        return None
    denials = verdict.denials()
    denial = denials[0]
    more = len(denials) - 1
    tail = f" (and {more} more)" if more else ""
    return f"{denial.layer.value} rule {denial.rule}: {denial.detail}{tail}"


def _days(days: int) -> str:
    return "less than a day" if days < 1 else f"{days} day{'s' if days != 1 else ''}"
