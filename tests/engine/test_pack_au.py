"""The Australian pack (au.toml), from its legal texts: the Do Not Call Register Act 2006 s 11,
the Telemarketing and Research Calls Industry Standard 2017 and the Spam Act 2003."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.engine.policy_support import (
    FakeRegistries,
    add_customer,
    consent,
    denied_by,
    local,
    policy_engine,
    rules,
)

from cortesia.domain.policy.pack import HoursRule, RegistryRule
from cortesia.domain.policy.rules import Confidence
from cortesia.domain.verdict import Verdict
from cortesia.domain.vocabulary import Channel
from cortesia.engine.hub import Engine
from cortesia.engine.jurisdictions import PackLibrary
from cortesia.engine.policy import PolicyService, StaticCompanyPolicy

NOW = datetime(2026, 11, 23, 23, tzinfo=UTC)  # Tuesday 24 Nov, 10:00 in Sydney (AEDT)
SYDNEY_PHONE = "+61291234567"
MOBILE = "+61412345678"
HOUR = timedelta(hours=1)


def _call(engine: Engine, at: datetime, zone: str = "Australia/Sydney") -> Verdict:
    return engine.policy.legal("AU", Channel.VOICE, "marketing", at, time_zone=zone)


def _sydney(engine: Engine, text: str) -> set[str]:
    return denied_by(_call(engine, local(text)))


def _au_engine(
    washed: date = date(2026, 11, 20), listed: dict[str, date | None] | None = None
) -> Engine:
    registries = FakeRegistries()
    registries.snapshot("au-dncr", washed, listed or {})
    engine = policy_engine(NOW, registries)
    add_customer(engine, "jack", "AU", phone=MOBILE, time_zone="Australia/Sydney")
    return engine


# -- Industry Standard 2017: calling times ----------------------------------------------------


def test_weekday_calls_run_from_nine_to_eight_in_the_evening() -> None:
    engine = policy_engine(NOW)
    assert _sydney(engine, "2026-11-24T09:00:00+11:00") == set()
    assert _sydney(engine, "2026-11-24T08:59:00+11:00") == {"AU-4"}
    assert _sydney(engine, "2026-11-24T19:59:00+11:00") == set()
    assert _sydney(engine, "2026-11-24T20:00:00+11:00") == {"AU-4"}


def test_saturday_calls_end_at_five_so_sixteen_fifty_nine_is_the_last_minute() -> None:
    engine = policy_engine(NOW)
    assert _sydney(engine, "2026-11-28T16:59:00+11:00") == set()
    assert _sydney(engine, "2026-11-28T17:00:00+11:00") == {"AU-4"}
    assert _sydney(engine, "2026-11-28T09:00:00+11:00") == set()
    assert _sydney(engine, "2026-11-28T08:59:00+11:00") == {"AU-4"}


def test_no_telemarketing_call_on_a_sunday_even_at_ten() -> None:
    engine = policy_engine(NOW)
    verdict = _call(engine, local("2026-11-29T10:00:00+11:00"))
    assert denied_by(verdict) == {"AU-4"}
    assert "Sun 2026-11-29 10:00 Australia/Sydney" in verdict.denials()[0].detail


def test_national_public_holidays_are_closed_but_a_state_only_holiday_is_not() -> None:
    engine = policy_engine(NOW)
    australia_day = _call(engine, local("2026-01-26T10:00:00+11:00"))  # a Monday
    assert denied_by(australia_day) == {"AU-4"}
    assert "Australia Day" in australia_day.denials()[0].detail
    assert _sydney(engine, "2026-04-06T10:00:00+10:00") == {"AU-4"}  # Easter Monday
    melbourne_cup = engine.policy.legal(  # first Tuesday of November, Victoria only
        "AU", Channel.VOICE, "marketing", local("2026-11-03T10:00:00+11:00"), subdivision="AU-VIC"
    )
    assert melbourne_cup.allowed, melbourne_cup.denials()


def test_a_perth_recipient_at_half_past_eight_is_refused_while_sydney_is_in_hours() -> None:
    engine = policy_engine(NOW)
    at = local("2026-11-24T08:30:00+08:00")  # 11:30 in Sydney
    perth = _call(engine, at, "Australia/Perth")
    assert denied_by(perth) == {"AU-4"}
    assert "08:30 Australia/Perth" in perth.denials()[0].detail
    assert _call(engine, at).allowed
    by_state = engine.policy.legal("AU", Channel.VOICE, "marketing", at, subdivision="AU-WA")
    assert denied_by(by_state) == {"AU-4"}


def test_a_western_australian_with_a_sydney_number_must_be_in_hours_in_both_zones() -> None:
    registries = FakeRegistries()
    registries.snapshot("au-dncr", date(2026, 11, 20))
    engine = policy_engine(NOW, registries)
    add_customer(engine, "mia", "AU", subdivision="AU-WA", phone=SYDNEY_PHONE)
    customer = engine.store.get_customer("mia")
    assert customer is not None and customer.time_zone == "Australia/Perth"
    assert set(customer.time_zone_candidates) == {"Australia/Perth", "Australia/Sydney"}

    def check(text: str) -> Verdict:
        return engine.policy.check("mia", Channel.VOICE, "marketing", at=local(text))

    assert check("2026-11-24T10:00:00+08:00").allowed  # 13:00 in Sydney
    early = check("2026-11-24T08:30:00+08:00")  # 11:30 in Sydney
    assert denied_by(early) == {"AU-4"} and "Australia/Perth" in early.denials()[0].detail
    late = check("2026-11-24T17:30:00+08:00")  # 20:30 in Sydney
    assert denied_by(late) == {"AU-4"} and "Australia/Sydney" in late.denials()[0].detail


def test_every_hour_of_the_october_clock_change_sunday_in_sydney_is_closed() -> None:
    engine = policy_engine(NOW)
    start = datetime(2026, 10, 3, 14, tzinfo=UTC)  # Sun 4 Oct 00:00 AEST; 02:00 → 03:00 AEDT
    instants = [start + HOUR * n for n in range(23)]  # a 23-hour local day
    assert instants[-1].astimezone(ZoneInfo("Australia/Sydney")).day == 4
    for moment in instants:
        assert denied_by(_call(engine, moment)) == {"AU-4"}, moment


def test_after_the_october_change_monday_opens_at_nine_daylight_time() -> None:
    engine = policy_engine(NOW)
    assert denied_by(_call(engine, datetime(2026, 9, 27, 22, tzinfo=UTC))) == {"AU-4"}  # 08:00
    assert _call(engine, datetime(2026, 9, 27, 23, tzinfo=UTC)).allowed  # 09:00 AEST
    assert _call(engine, datetime(2026, 10, 4, 22, tzinfo=UTC)).allowed  # 09:00 AEDT
    assert denied_by(_call(engine, datetime(2026, 10, 4, 21, 59, tzinfo=UTC))) == {"AU-4"}
    assert _call(engine, datetime(2026, 10, 3, 6, 59, tzinfo=UTC)).allowed  # Sat 16:59 AEST
    assert denied_by(_call(engine, datetime(2026, 10, 3, 7, tzinfo=UTC))) == {"AU-4"}


def test_around_the_april_change_saturday_closes_at_five_and_tuesday_opens_at_nine() -> None:
    engine = policy_engine(NOW)
    assert _call(engine, datetime(2026, 4, 4, 5, 59, tzinfo=UTC)).allowed  # Sat 16:59 AEDT
    assert denied_by(_call(engine, datetime(2026, 4, 4, 6, tzinfo=UTC))) == {"AU-4"}
    start = datetime(2026, 4, 4, 13, tzinfo=UTC)  # Sun 5 Apr 00:00 AEDT; 03:00 → 02:00 AEST
    for moment in (start + HOUR * n for n in range(25)):  # a 25-hour local day
        assert denied_by(_call(engine, moment)) == {"AU-4"}, moment
    assert denied_by(_call(engine, datetime(2026, 4, 6, 0, tzinfo=UTC))) == {"AU-4"}  # Easter Mon
    assert _call(engine, datetime(2026, 4, 6, 23, tzinfo=UTC)).allowed  # Tue 09:00 AEST
    assert denied_by(_call(engine, datetime(2026, 4, 6, 22, 59, tzinfo=UTC))) == {"AU-4"}


# -- Do Not Call Register Act 2006 s 11 ---------------------------------------------------------


def test_a_number_washed_31_days_ago_may_not_be_called() -> None:
    verdict = _au_engine(washed=date(2026, 10, 24)).policy.check("jack", Channel.VOICE, "marketing")
    assert denied_by(verdict) == {"AU-1"}
    assert "31 days old" in verdict.denials()[0].detail


def test_a_wash_30_days_before_the_call_is_outside_the_30_day_period_ending_that_day() -> None:
    verdict = _au_engine(washed=date(2026, 10, 25)).policy.check("jack", Channel.VOICE, "marketing")
    assert denied_by(verdict) == {"AU-1"}


def test_a_number_washed_29_days_ago_and_registered_since_may_be_called() -> None:
    engine = _au_engine(washed=date(2026, 10, 26))  # not on the register when washed
    verdict = engine.policy.check("jack", Channel.VOICE, "marketing")
    assert verdict.allowed, verdict.denials()
    assert "not in effect on au-dncr" in next(r.detail for r in verdict.reasons if r.rule == "AU-1")


def test_a_registered_number_is_refused_unless_the_account_holder_consented() -> None:
    engine = _au_engine(listed={MOBILE: date(2024, 3, 1)})
    assert denied_by(engine.policy.check("jack", Channel.VOICE, "marketing")) == {"AU-1"}
    consent(engine, "jack", "voice", "opt_in", NOW - timedelta(days=5))
    verdict = engine.policy.check("jack", Channel.VOICE, "marketing")
    assert verdict.allowed, verdict.denials()
    assert next(r.detail for r in verdict.reasons if r.rule == "AU-1").startswith("waived")


def test_consent_does_not_open_the_calling_times() -> None:
    engine = _au_engine()
    consent(engine, "jack", "voice", "opt_in", NOW - timedelta(days=5))
    sunday = local("2026-11-29T10:00:00+11:00")
    assert denied_by(engine.policy.check("jack", Channel.VOICE, "marketing", at=sunday)) == {"AU-4"}


# -- Spam Act 2003 ---------------------------------------------------------------------------


def test_commercial_sms_and_e_mail_need_consent() -> None:
    engine = _au_engine()
    add_customer(engine, "jack", "AU", phone=MOBILE, email="jack@example.com.au")
    for channel in (Channel.SMS, Channel.EMAIL):
        verdict = engine.policy.check("jack", channel, "marketing")
        assert denied_by(verdict) == {"AU-8"}, channel
        assert "Spam Act 2003" in (verdict.denials()[0].citation or "")
    consent(engine, "jack", "sms", "opt_in", NOW - timedelta(days=5))
    assert engine.policy.check("jack", Channel.SMS, "marketing").allowed


def test_sms_is_not_bound_by_the_telemarketing_calling_times() -> None:
    engine = _au_engine()
    consent(engine, "jack", "sms", "opt_in", NOW - timedelta(days=5))
    sunday = local("2026-11-29T10:00:00+11:00")
    verdict = engine.policy.check("jack", Channel.SMS, "marketing", at=sunday)
    assert verdict.allowed and "AU-4" not in rules(verdict)


def test_an_sms_unsubscribe_on_monday_stops_a_promo_the_next_week_and_at_once() -> None:
    engine = _au_engine()
    consent(engine, "jack", "sms", "opt_in", NOW - timedelta(days=20))
    consent(engine, "jack", "sms", "opt_out", local("2026-11-23T09:00:00+11:00"))  # Monday
    for text in ("2026-12-01T10:00:00+11:00", "2026-11-23T09:01:00+11:00"):
        verdict = engine.policy.check("jack", Channel.SMS, "marketing", at=local(text))
        assert denied_by(verdict) == {"AU-8", "consent.opted_out"}, text
    deadline = PackLibrary().pack("AU")
    notice = deadline.rule("AU-11") if deadline else None
    assert notice is not None and getattr(notice, "deadline_days", None) == 5


def test_push_as_a_commercial_message_is_flagged_and_applied_on_request() -> None:
    registries = FakeRegistries()
    engine = policy_engine(NOW, registries)
    add_customer(engine, "zoe", "AU", push_id="apns:zoe", time_zone="Australia/Brisbane")
    flagged = engine.policy.check("zoe", Channel.PUSH, "marketing")
    assert flagged.allowed
    detail = next(r.detail for r in flagged.reasons if r.rule == "AU-8b")
    assert detail.startswith("not applied, needs counsel review")
    reviewing = PolicyService(
        engine.store,
        engine.clock,
        PackLibrary(),
        registries,
        StaticCompanyPolicy(),
        apply_review=True,
    )
    assert denied_by(reviewing.check("zoe", Channel.PUSH, "marketing")) == {"AU-8b"}


# -- The pack itself ------------------------------------------------------------------------


def test_every_australian_rule_has_an_id_a_citation_and_a_confidence() -> None:
    pack = PackLibrary().pack("AU")
    assert pack is not None and pack.country == "AU" and pack.holiday_country == "AU"
    for rule in pack.rules:
        assert rule.meta.rule_id.startswith("AU-") and rule.meta.title
        assert rule.meta.citation.strip()
        assert rule.meta.needs_review is (rule.meta.confidence is not Confidence.HIGH)
    hours, dncr = pack.rule("AU-4"), pack.rule("AU-1")
    assert isinstance(hours, HoursRule) and hours.closed_on_holidays
    assert not hours.regional_holidays
    assert hours.meta.note is not None and "unverified" in hours.meta.note
    assert isinstance(dncr, RegistryRule) and dncr.max_snapshot_age_days == 29
    definition = pack.rule("AU-6")
    assert definition is not None and definition.meta.confidence is Confidence.UNVERIFIED


def test_unknown_consent_to_a_call_is_left_to_the_register() -> None:
    engine = _au_engine()
    verdict = engine.policy.check("jack", Channel.VOICE, "marketing")
    assert verdict.allowed, verdict.denials()
    assert rules(verdict)["consent.unknown"] is True
    bare = _call(engine, NOW)  # Tuesday 10:00 in Sydney, consent unknown
    assert bare.allowed and {r.rule for r in bare.reasons} == {"AU-1", "AU-4"}
