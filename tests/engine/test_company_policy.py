"""The company layer: caps by lifecycle and status, cool-offs, windows per action, parsing."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.policy_support import FakeRegistries, add_customer, consent, contacted, denied_by

from cortesia.adapters.memory import FrozenClock, MemoryStore
from cortesia.domain.contacts import Outcome
from cortesia.domain.policy.company_parse import parse_company_policy
from cortesia.domain.vocabulary import Channel
from cortesia.engine.hub import Engine
from cortesia.engine.policy import ActionRef, StaticCompanyPolicy
from cortesia.errors import ValidationError

NOW = datetime(2026, 11, 24, 15, tzinfo=UTC)  # Tuesday 10:00 in Bogotá

POLICY = """
[policy]
name = "Telco"
sector = "telecom"
unknown_consent = "deny"

[[cap]]
id = "marketing-week"
limit = 3
window = "calendar_week"
purposes = ["marketing"]

[[cap]]
id = "newcomers"
limit = 1
window = "calendar_week"
purposes = ["marketing"]
when = { attribute = "customer_since", within_days = 30 }

[[cap]]
id = "open-complaint"
limit = 0
window = "calendar_month"
purposes = ["marketing"]
when = { attribute = "status", in = ["open_complaint"] }

[[cool_off]]
id = "after-rejection"
after = "rejection"
days = 14
same = "action"

[[cool_off]]
id = "after-other-opt-out"
after = "opt_out"
days = 7

[[window]]
id = "video-evenings"
action_groups = ["sales/music_video"]
hours = { "mon-fri" = "18:00-22:00" }
"""


def _engine(text: str = POLICY, **fields: object) -> Engine:
    registries = FakeRegistries({"co-rne": date(2026, 11, 23)})
    policy = parse_company_policy(tomllib.loads(text))
    engine = Engine(
        MemoryStore(), FrozenClock(NOW), registries=registries, company=StaticCompanyPolicy(policy)
    )
    add_customer(engine, "ana", "CO", phone="+573001234567", **fields)
    consent(engine, "ana", "all", "opt_in", NOW - timedelta(days=60))
    return engine


def test_a_weekly_marketing_cap_denies_the_fourth_contact_of_the_week() -> None:
    engine = _engine()
    for days in (1,):  # Monday
        for hours in (1, 2, 3):
            contacted(engine, "ana", Channel.SMS, NOW - timedelta(days=days, hours=hours))
    verdict = engine.policy.check("ana", Channel.SMS, "marketing")
    assert denied_by(verdict) == {"marketing-week"}
    assert engine.policy.check("ana", Channel.SMS, "service").allowed  # service bypasses caps


def test_last_weeks_contacts_do_not_count_in_this_calendar_week() -> None:
    engine = _engine()
    for hours in (1, 2, 3):
        contacted(engine, "ana", Channel.SMS, NOW - timedelta(days=2, hours=hours))  # Sunday
    assert engine.policy.check("ana", Channel.SMS, "marketing").allowed


def test_newcomers_get_one_marketing_message_a_week() -> None:
    engine = _engine(customer_since=date(2026, 11, 10))
    contacted(engine, "ana", Channel.EMAIL, NOW - timedelta(hours=20))
    verdict = engine.policy.check("ana", Channel.SMS, "marketing")
    assert denied_by(verdict) == {"newcomers"}
    assert "customer_since" in next(r.detail for r in verdict.denials())


def test_an_open_complaint_stops_all_marketing_but_not_service() -> None:
    engine = _engine(status="open_complaint")
    assert denied_by(engine.policy.check("ana", Channel.SMS, "marketing")) == {"open-complaint"}
    assert engine.policy.check("ana", Channel.SMS, "service").allowed


def test_a_rejected_action_cools_off_for_14_days_but_other_actions_do_not() -> None:
    engine = _engine()
    offer = ActionRef(action_id="roaming-pack", action_group="sales/roaming")
    contacted(
        engine,
        "ana",
        Channel.SMS,
        NOW - timedelta(days=13),
        outcome=Outcome.REJECTED,
        action_id="roaming-pack",
        action_group="sales/roaming",
    )
    assert denied_by(engine.policy.check("ana", Channel.SMS, "marketing", action=offer)) == {
        "after-rejection"
    }
    other = ActionRef(action_id="data-pack", action_group="sales/data_packs")
    assert engine.policy.check("ana", Channel.SMS, "marketing", action=other).allowed
    later = NOW + timedelta(days=1, hours=1)
    assert engine.policy.check("ana", Channel.SMS, "marketing", at=later, action=offer).allowed


def test_an_opt_out_of_another_topic_cools_off_marketing_for_a_week() -> None:
    engine = _engine()
    consent(engine, "ana", "all", "opt_out", NOW - timedelta(days=2), purpose="video_offers")
    verdict = engine.policy.check("ana", Channel.SMS, "data_pack_offers")
    assert denied_by(verdict) == {"after-other-opt-out"}


def test_video_offers_only_go_out_on_weekday_evenings_local_time() -> None:
    engine = _engine()
    video = ActionRef(action_group="sales/music_video")
    assert denied_by(engine.policy.check("ana", Channel.SMS, "marketing", action=video)) == {
        "video-evenings"
    }
    evening = datetime(2026, 11, 24, 18, 30, tzinfo=UTC) + timedelta(hours=5)  # 18:30 Bogotá
    verdict = engine.policy.check("ana", Channel.SMS, "marketing", at=evening, action=video)
    assert "video-evenings" not in denied_by(verdict)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[[cap]]\nid = "x"\nlimit = 3\nwindow = "weekly"', "policy.cap[x].window"),
        ('[[cap]]\nid = "x"\nlimt = 3\nwindow = "calendar_day"', "policy.cap[x].limt"),
        ('[[cool_off]]\nid = "y"\nafter = "rejection"', "policy.cool_off[y].days"),
        (
            '[[cap]]\nid = "x"\nlimit = 1\nwindow = "calendar_day"\n[[cap]]\nid = "x"\nlimit = 2\n'
            'window = "calendar_day"',
            "policy.id",
        ),
        ('[policy]\nunknown_consent = "maybe"', "policy.policy.unknown_consent"),
    ],
)
def test_a_bad_company_policy_is_refused_naming_the_field(text: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_company_policy(tomllib.loads(text))
    assert caught.value.problem.field == field


caps = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from(["calendar_day", "calendar_week", "rolling_48h"])),
    max_size=4,
)


@settings(max_examples=40, deadline=None)
@given(caps=caps, opted_out=st.booleans(), listed=st.booleans())
def test_no_company_policy_turns_a_consent_or_registry_denial_into_an_allowance(
    caps: list[tuple[int, str]], opted_out: bool, listed: bool
) -> None:
    text = "\n".join(
        f'[[cap]]\nid = "c{i}"\nlimit = {limit}\nwindow = "{window}"'
        for i, (limit, window) in enumerate(caps)
    )
    policy = parse_company_policy(tomllib.loads(text + '\n[policy]\nunknown_consent = "allow"'))
    registries = FakeRegistries({"co-rne": date(2026, 11, 23)})
    if listed:
        registries.snapshot("co-rne", date(2026, 11, 23), {"+573001234567": None})
    engine = Engine(
        MemoryStore(), FrozenClock(NOW), registries=registries, company=StaticCompanyPolicy(policy)
    )
    add_customer(engine, "ana", "CO", phone="+573001234567")
    consent(engine, "ana", "voice", "opt_out" if opted_out else "opt_in", NOW - timedelta(days=1))
    verdict = engine.policy.check("ana", Channel.VOICE, "marketing")
    hard = {r.rule for r in verdict.denials() if r.layer.value in ("consent", "registry")}
    assert (opted_out or listed) == bool(hard)
    if hard:
        assert not verdict.allowed
