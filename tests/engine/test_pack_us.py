"""The US pack (us.toml), from its legal texts: 47 CFR 64.1200 (quiet hours, National DNC with
its safe harbour and EBR), Florida, Maryland and Oklahoma, and the low-confidence state table of
jurisdictions.md §9.3 (applied only under review)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.engine.policy_support import (
    FakeRegistries,
    add_customer,
    consent,
    contacted,
    denied_by,
    local,
    policy_engine,
)

from cortesia.domain.policy.pack import HoursRule, NoticeRule
from cortesia.domain.policy.rules import Confidence
from cortesia.domain.verdict import Verdict
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.hub import Engine
from cortesia.engine.jurisdictions import PackLibrary
from cortesia.engine.policy import ActionRef, PolicyService, StaticCompanyPolicy

NOW = datetime(2026, 11, 24, 15, tzinfo=UTC)  # Tuesday 10:00 in New York, 07:00 in Los Angeles
NEW_YORK, CHICAGO = "America/New_York", "America/Chicago"
DATA_PACKS = ActionRef(action_group="sales/data_packs")
STATE_TABLE = (
    "AL",
    "CT",
    "KY",
    "LA",
    "MA",
    "ME",
    "MI",
    "MN",
    "MS",
    "PA",
    "RI",
    "TX",
    "UT",
    "WA",
    "WY",
)


def _service(review: bool) -> PolicyService:
    engine = policy_engine(NOW)
    return PolicyService(
        engine.store,
        engine.clock,
        PackLibrary(),
        FakeRegistries(),
        StaticCompanyPolicy(),
        apply_review=review,
    )


def _legal(
    at: str,
    subdivision: str,
    time_zone: str,
    *,
    channel: Channel = Channel.VOICE,
    review: bool = False,
) -> Verdict:
    return _service(review).legal(
        "US",
        channel,
        "marketing",
        local(at),
        subdivision=subdivision,
        time_zone=time_zone,
        consent=ConsentStatus.OPTED_IN,
    )


def _dnc_engine(
    at: datetime = NOW,
    snapshot: date = date(2026, 11, 20),
    listed: dict[str, date | None] | None = None,
) -> Engine:
    registries = FakeRegistries()
    registries.snapshot("us-dnc", snapshot, listed or {})
    return policy_engine(at, registries)


# -- the pack itself ---------------------------------------------------------------------------


def test_every_us_rule_cites_its_law_and_states_the_research_confidence() -> None:
    pack = PackLibrary().pack("US")
    assert pack is not None and pack.holiday_country == "US"
    for rule in pack.rules:
        assert rule.meta.rule_id.startswith("US-")
        assert rule.meta.citation.strip() and rule.meta.title.strip()
        assert isinstance(rule.meta.confidence, Confidence)
    confidence = {r.meta.rule_id: r.meta.confidence for r in pack.rules}
    for rule_id in ("US-1", "US-3", "US-FL-1", "US-FL-2", "US-MD-1", "US-MD-2"):
        assert confidence[rule_id] is Confidence.HIGH
    assert confidence["US-OK-1"] is Confidence.MEDIUM


def test_the_other_states_table_is_encoded_at_low_confidence_one_state_per_rule() -> None:
    pack = PackLibrary().pack("US")
    assert pack is not None
    states = {}
    for rule in pack.rules:
        state = rule.meta.rule_id.split("-")[1]
        if state in STATE_TABLE:
            assert rule.meta.confidence is Confidence.LOW and rule.meta.needs_review
            assert rule.scope.subdivisions == frozenset({f"US-{state}"})
            states[rule.meta.rule_id] = rule
    assert {k.split("-")[1] for k in states} == set(STATE_TABLE)
    assert isinstance(states["US-ME-1"], NoticeRule)  # automated calls only: not a gate
    for rule_id in ("US-AL-1", "US-LA-1"):
        rule = states[rule_id]
        assert isinstance(rule, HoursRule) and rule.regional_holidays


# -- 47 CFR 64.1200(c)(1): 08:00-21:00 at the called party's location ----------------------------


def test_a_new_york_number_is_judged_on_new_york_time_not_the_callers() -> None:
    # 08:30 for a caller in Los Angeles is 11:30 in New York.
    assert _legal("2026-11-24T08:30:00-08:00", "US-NY", NEW_YORK).allowed
    # 18:30 in Los Angeles is 21:30 in New York.
    assert denied_by(_legal("2026-11-24T18:30:00-08:00", "US-NY", NEW_YORK)) == {"US-1"}


def test_eight_am_is_the_first_permitted_minute_and_nine_pm_the_first_refused() -> None:
    assert denied_by(_legal("2026-11-24T07:59:00-05:00", "US-NY", NEW_YORK)) == {"US-1"}
    assert _legal("2026-11-24T08:00:00-05:00", "US-NY", NEW_YORK).allowed
    assert _legal("2026-11-24T20:59:00-05:00", "US-NY", NEW_YORK).allowed
    assert denied_by(_legal("2026-11-24T21:00:00-05:00", "US-NY", NEW_YORK)) == {"US-1"}


def test_quiet_hours_follow_the_clock_on_the_spring_forward_sunday() -> None:
    # 2026-03-08: clocks jump from 02:00 EST to 03:00 EDT.
    assert denied_by(_legal("2026-03-08T07:59:00-04:00", "US-NY", NEW_YORK)) == {"US-1"}
    assert _legal("2026-03-08T08:00:00-04:00", "US-NY", NEW_YORK).allowed
    assert _legal("2026-03-08T20:59:00-04:00", "US-NY", NEW_YORK).allowed
    assert denied_by(_legal("2026-03-08T21:00:00-04:00", "US-NY", NEW_YORK)) == {"US-1"}


def test_quiet_hours_follow_the_clock_on_the_fall_back_sunday() -> None:
    # 2026-11-01: clocks fall back from 02:00 EDT to 01:00 EST; 12:00 UTC is 07:00 EST.
    assert denied_by(_legal("2026-11-01T12:00:00+00:00", "US-NY", NEW_YORK)) == {"US-1"}
    assert denied_by(_legal("2026-11-01T07:59:00-05:00", "US-NY", NEW_YORK)) == {"US-1"}
    assert _legal("2026-11-01T08:00:00-05:00", "US-NY", NEW_YORK).allowed
    assert _legal("2026-11-01T20:59:00-05:00", "US-NY", NEW_YORK).allowed
    assert denied_by(_legal("2026-11-01T21:00:00-05:00", "US-NY", NEW_YORK)) == {"US-1"}


def test_a_new_york_customer_with_a_los_angeles_phone_is_called_only_when_both_clocks_allow() -> (
    None
):
    engine = _dnc_engine()
    add_customer(engine, "eve", "US", subdivision="US-NY", phone="+12135550123")
    early = engine.policy.check(
        "eve", Channel.VOICE, "marketing", at=local("2026-11-24T08:30:00-05:00")
    )
    later = engine.policy.check(
        "eve", Channel.VOICE, "marketing", at=local("2026-11-24T11:30:00-05:00")
    )
    assert denied_by(early) == {"US-1"}
    assert "America/Los_Angeles" in early.denials()[0].detail
    assert later.allowed, later.denials()


# -- Florida: 8 p.m. and three calls per 24 hours on one subject -------------------------------


def test_florida_refuses_eight_pm_and_allows_a_minute_before() -> None:
    assert denied_by(_legal("2026-11-24T20:00:00-05:00", "US-FL", NEW_YORK)) == {"US-FL-1"}
    assert _legal("2026-11-24T19:59:00-05:00", "US-FL", NEW_YORK).allowed


def test_a_fourth_call_on_one_subject_in_24_hours_is_refused_whatever_number_it_comes_from() -> (
    None
):
    engine = _dnc_engine()
    add_customer(engine, "bob", "US", subdivision="US-FL", phone="+13055550123")
    first = NOW - timedelta(hours=23)
    for at in (first, NOW - timedelta(hours=2), NOW - timedelta(hours=1)):
        contacted(engine, "bob", Channel.VOICE, at, action_group="sales/data_packs")
    fourth = engine.policy.check("bob", Channel.VOICE, "marketing", at=NOW, action=DATA_PACKS)
    assert denied_by(fourth) == {"US-FL-2"}
    day_later = first + timedelta(hours=24)
    assert engine.policy.check(
        "bob", Channel.VOICE, "marketing", at=day_later, action=DATA_PACKS
    ).allowed


def test_florida_counts_24_elapsed_hours_across_the_spring_forward_night() -> None:
    engine = _dnc_engine(datetime(2026, 3, 8, 16, tzinfo=UTC), date(2026, 3, 1))
    add_customer(engine, "bob", "US", subdivision="US-FL", phone="+13055550123")
    for hour in (10, 11, 12):
        contacted(
            engine,
            "bob",
            Channel.VOICE,
            local(f"2026-03-07T{hour}:00:00-05:00"),
            action_group="sales/data_packs",
        )
    # 10:30 EDT on Sunday is only 23.5 hours after 10:00 EST on Saturday.
    early = engine.policy.check(
        "bob", Channel.VOICE, "marketing", at=local("2026-03-08T10:30:00-04:00"), action=DATA_PACKS
    )
    # 11:00 EDT is 24 elapsed hours later, though the clocks say 25.
    later = engine.policy.check(
        "bob", Channel.VOICE, "marketing", at=local("2026-03-08T11:00:00-04:00"), action=DATA_PACKS
    )
    assert denied_by(early) == {"US-FL-2"}
    assert later.allowed, later.denials()


# -- National DNC: EBR, internal do-not-call, safe harbour --------------------------------------


def test_an_established_business_relationship_of_17_months_waives_the_dnc_and_19_does_not() -> None:
    engine = _dnc_engine(listed={"+12125550123": None})
    add_customer(engine, "cy", "US", phone="+12125550123", last_purchase_on=date(2025, 6, 24))
    seventeen = engine.policy.check("cy", Channel.VOICE, "marketing")
    assert seventeen.allowed and "waived" in next(
        r.detail for r in seventeen.reasons if r.rule == "US-3"
    )
    add_customer(engine, "cy", "US", phone="+12125550123", last_purchase_on=date(2025, 4, 24))
    assert denied_by(engine.policy.check("cy", Channel.VOICE, "marketing")) == {"US-3"}


def test_an_internal_do_not_call_request_ends_what_the_relationship_allowed() -> None:
    engine = _dnc_engine(listed={"+12125550123": None})
    add_customer(engine, "cy", "US", phone="+12125550123", last_purchase_on=date(2025, 6, 24))
    consent(engine, "cy", "voice", "opt_out", NOW - timedelta(days=3))
    verdict = engine.policy.check("cy", Channel.VOICE, "marketing")
    assert not verdict.allowed
    assert "consent.opted_out" in denied_by(verdict)


def test_a_dnc_snapshot_31_days_old_keeps_the_safe_harbour_and_32_loses_it() -> None:
    kept, lost = _dnc_engine(snapshot=date(2026, 10, 24)), _dnc_engine(snapshot=date(2026, 10, 23))
    for engine in (kept, lost):
        add_customer(engine, "dee", "US", phone="+12125550199")
    assert kept.policy.check("dee", Channel.VOICE, "marketing").allowed
    stale = lost.policy.check("dee", Channel.VOICE, "marketing")
    assert denied_by(stale) == {"US-3"}
    assert "32 days old; at most 31 allowed" in stale.denials()[0].detail


# -- Maryland (high) and Oklahoma (medium) -----------------------------------------------------


def test_maryland_refuses_eight_pm_and_a_fourth_call_on_one_subject_in_24_hours() -> None:
    assert denied_by(_legal("2026-11-24T20:00:00-05:00", "US-MD", NEW_YORK)) == {"US-MD-1"}
    assert _legal("2026-11-24T19:59:00-05:00", "US-MD", NEW_YORK).allowed
    engine = _dnc_engine()
    add_customer(engine, "mo", "US", subdivision="US-MD", phone="+14105550123")
    for hours in (5, 3, 1):
        contacted(
            engine, "mo", Channel.SMS, NOW - timedelta(hours=hours), action_group="sales/data_packs"
        )
    consent(engine, "mo", "sms", "opt_in", NOW - timedelta(days=5))
    assert denied_by(engine.policy.check("mo", Channel.SMS, "marketing", action=DATA_PACKS)) == {
        "US-MD-2"
    }


def test_oklahoma_rules_need_review_and_apply_once_review_rules_are_enabled() -> None:
    default = _legal("2026-11-24T20:00:00-06:00", "US-OK", CHICAGO)
    assert default.allowed
    flagged = next(r for r in default.reasons if r.rule == "US-OK-1")
    assert flagged.detail.startswith("not applied, needs counsel review (would deny:")
    reviewed = _legal("2026-11-24T20:00:00-06:00", "US-OK", CHICAGO, review=True)
    assert denied_by(reviewed) == {"US-OK-1"}
    assert _legal("2026-11-24T19:59:00-06:00", "US-OK", CHICAGO, review=True).allowed


# -- the other states (§9.3, low, applied only under review) ----------------------------------


def test_texas_sunday_calls_start_at_noon_under_review() -> None:
    sunday_morning = "2026-11-29T11:59:00-06:00"
    assert _legal(sunday_morning, "US-TX", CHICAGO).allowed
    assert denied_by(_legal(sunday_morning, "US-TX", CHICAGO, review=True)) == {"US-TX-1"}
    assert _legal("2026-11-29T12:00:00-06:00", "US-TX", CHICAGO, review=True).allowed
    assert denied_by(_legal("2026-11-28T08:59:00-06:00", "US-TX", CHICAGO, review=True)) == {
        "US-TX-1"
    }


def test_texas_hours_hold_on_el_paso_clocks_too() -> None:
    # 09:30 in Chicago is 08:30 in El Paso (America/Denver).
    verdict = _legal("2026-11-24T09:30:00-06:00", "US-TX", "America/Denver", review=True)
    assert denied_by(verdict) == {"US-TX-1"}


def test_texas_texts_are_held_to_the_same_hours_from_1_september_2025() -> None:
    before = _legal("2025-08-31T11:00:00-05:00", "US-TX", CHICAGO, channel=Channel.SMS, review=True)
    after = _legal("2025-09-07T11:00:00-05:00", "US-TX", CHICAGO, channel=Channel.SMS, review=True)
    assert before.allowed, before.denials()
    assert denied_by(after) == {"US-TX-2"}


def test_washington_refuses_eight_pm_under_review() -> None:
    la = "America/Los_Angeles"
    assert denied_by(_legal("2026-11-24T20:00:00-08:00", "US-WA", la, review=True)) == {"US-WA-1"}
    assert _legal("2026-11-24T19:59:00-08:00", "US-WA", la, review=True).allowed


def test_alabama_closes_sundays_and_its_own_state_holidays_under_review() -> None:
    sunday = _legal("2026-11-29T14:00:00-06:00", "US-AL", CHICAGO, review=True)
    memorial = _legal("2026-04-27T10:00:00-05:00", "US-AL", CHICAGO, review=True)
    assert denied_by(sunday) == {"US-AL-1"}
    assert denied_by(memorial) == {"US-AL-1"}
    assert "public holiday" in memorial.denials()[0].detail  # a Monday
    assert _legal("2026-04-27T10:00:00-05:00", "US-FL", CHICAGO, review=True).allowed


def test_louisiana_closes_mardi_gras_under_review_while_texas_calls_on() -> None:
    mardi_gras = "2026-02-17T10:00:00-06:00"
    verdict = _legal(mardi_gras, "US-LA", CHICAGO, review=True)
    assert denied_by(verdict) == {"US-LA-1"}
    assert "public holiday" in verdict.denials()[0].detail  # a Tuesday
    assert _legal(mardi_gras, "US-TX", CHICAGO, review=True).allowed
    assert _legal(mardi_gras, "US-LA", CHICAGO).allowed  # not applied without review
