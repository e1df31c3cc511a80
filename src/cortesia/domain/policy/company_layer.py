"""The company layer: its caps, cool-offs and windows, each a reason of its own.

A cap applies when it covers the question (channel, purpose, action group, category) and
its ``when`` condition holds; service purposes are outside marketing caps by their scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cortesia.domain.policy.company import (
    ActionWindow,
    Cap,
    CompanyPolicy,
    CoolOff,
    CoolOffAfter,
    Sameness,
)
from cortesia.domain.policy.context import (
    REJECTED_OUTCOMES,
    ContactIndex,
    PastContact,
    Question,
    Recipient,
)
from cortesia.domain.policy.counting import CapSpec, cap_finding
from cortesia.domain.policy.hours import DAY_NAMES
from cortesia.domain.verdict import Layer, Reason
from cortesia.domain.vocabulary import Channel, purpose_covers

OptOut = tuple[datetime, str]  # when, and from which purpose


def _covers(spec: CapSpec, q: Question) -> bool:
    if Channel.ALL not in spec.channels and q.channel not in spec.channels:
        return False
    if not any(purpose_covers(p, q.purpose) for p in spec.purposes):
        return False
    if spec.action_groups and q.action_group not in spec.action_groups:
        return False
    return not spec.categories or q.category in spec.categories


def company_reasons(
    policy: CompanyPolicy,
    question: Question,
    recipient: Recipient,
    history: ContactIndex,
    opt_outs: Sequence[OptOut] = (),
) -> list[Reason]:
    found = [cap_reason(cap, question, recipient, history) for cap in policy.caps]
    found += [cool_off_reason(cool, question, history, opt_outs) for cool in policy.cool_offs]
    found += [window_reason(window, question, recipient) for window in policy.windows]
    return [reason for reason in found if reason is not None]


def cap_reason(
    cap: Cap, question: Question, recipient: Recipient, history: ContactIndex
) -> Reason | None:
    """The cap's reason, or None when it does not apply to this question or customer."""
    if not _covers(cap.spec, question):
        return None
    if cap.when is not None:
        today = question.at.astimezone(recipient.zone).date()
        if not cap.when.holds(recipient.attributes, today):
            return None
    allowed, detail = cap_finding(cap.spec, question, recipient, history)
    if cap.when is not None:
        detail = f"{detail} (applies while {cap.when.describe()})"
    return Reason(Layer.COMPANY, cap.rule_id, allowed, detail)


def cool_off_reason(
    cool: CoolOff, question: Question, history: ContactIndex, opt_outs: Sequence[OptOut]
) -> Reason | None:
    covered = Channel.ALL in cool.channels or question.channel in cool.channels
    if covered and any(purpose_covers(p, question.purpose) for p in cool.purposes):
        return _cool_off(cool, question, history, opt_outs)
    return None


def window_reason(window: ActionWindow, question: Question, recipient: Recipient) -> Reason | None:
    q = question
    if window.covers(q.channel, q.purpose, q.action_group, q.category):
        return _window(window, q, recipient)
    return None


def cool_off_table(cool: CoolOff, q: Question, history: ContactIndex) -> dict[object, PastContact]:
    """The latest earlier contact (or rejection) per action, group or channel, as the
    cool-off compares them, for questions at ``q.at``."""
    rejected = cool.after is CoolOffAfter.REJECTION
    return history.latest(
        (cool.rule_id, q.at),
        lambda c: (
            c.occurred_at <= q.at
            and (not rejected or (c.outcome in REJECTED_OUTCOMES and c.outcome_at is not None))
        ),
        lambda c: _contact_key(cool, c),
    )


def _anchor_contact(cool: CoolOff, q: Question, history: ContactIndex) -> PastContact | None:
    """The latest earlier contact (or rejection) the cool-off counts, for this question."""
    latest = cool_off_table(cool, q, history)
    wanted = same_key(cool, q)
    if wanted is None and cool.same in (Sameness.ACTION, Sameness.ACTION_GROUP):
        return None
    return latest.get(wanted)


def _contact_key(cool: CoolOff, c: PastContact) -> object:
    """What a past contact must share with the question for the cool-off to count it."""
    if cool.same is Sameness.ACTION:
        return c.action_id
    if cool.same is Sameness.ACTION_GROUP:
        return c.action_group
    return c.channel if cool.same is Sameness.CHANNEL else None


def same_key(cool: CoolOff, q: Question) -> object:
    if cool.same is Sameness.ACTION:
        return q.action_id
    if cool.same is Sameness.ACTION_GROUP:
        return q.action_group
    return q.channel if cool.same is Sameness.CHANNEL else None


def _cool_off(
    cool: CoolOff, q: Question, history: ContactIndex, opt_outs: Sequence[OptOut]
) -> Reason:
    def reason(allowed: bool, detail: str) -> Reason:
        return Reason(Layer.COMPANY, cool.rule_id, allowed, detail)

    if cool.after is CoolOffAfter.OPT_OUT:
        others = [at for at, purpose in opt_outs if purpose != q.purpose and at <= q.at]
        last_at = max(others, default=None)
        what = "an opt-out of another topic"
    else:
        rejected = cool.after is CoolOffAfter.REJECTION
        last = _anchor_contact(cool, q, history)
        last_at = None if last is None else (last.outcome_at if rejected else last.occurred_at)
        what = f"{'a rejection' if rejected else 'a contact'} ({cool.same.value})"
    if last_at is not None and q.at < last_at + cool.duration:
        until = (last_at + cool.duration).isoformat()
        return reason(False, f"cool-off after {what} at {last_at.isoformat()} runs until {until}")
    return reason(True, f"no {what} within the last {cool.duration}")


def _window(window: ActionWindow, q: Question, r: Recipient) -> Reason:
    for zone in r.zones:
        local = q.at.astimezone(zone)
        second = local.hour * 3600 + local.minute * 60 + local.second
        if not window.hours.open_at(local.weekday(), second):
            moment = f"{DAY_NAMES[local.weekday()].title()} {local:%H:%M} {zone.key}"
            return Reason(
                Layer.COMPANY,
                window.rule_id,
                False,
                f"{moment} is outside {window.hours.describe()} for this action",
            )
    return Reason(Layer.COMPANY, window.rule_id, True, f"within {window.hours.describe()}")
