"""The Mexican pack (mx.toml), from its legal texts: LFPC arts. 17, 18 and 18 BIS (REPEP) and the
REUS of CONDUSEF for financial institutions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.engine.policy_support import (
    FakeRegistries,
    add_customer,
    consent,
    denied_by,
    local,
    policy_engine,
    rules,
)

from cortesia.domain.policy.company import CompanyPolicy
from cortesia.domain.policy.pack import RegistryRule
from cortesia.domain.policy.rules import Confidence
from cortesia.domain.vocabulary import Channel
from cortesia.engine.hub import Engine
from cortesia.engine.jurisdictions import PackLibrary
from cortesia.engine.policy import PolicyService, StaticCompanyPolicy

NOW = datetime(2026, 11, 24, 16, tzinfo=UTC)  # Tuesday 10:00 in Mexico City (UTC-6)
PHONE = "+525512345678"
DAY_0 = date(2026, 10, 26)  # the day the number was inscribed in the REPEP


def _policy(
    engine: Engine, registries: FakeRegistries, sector: str, *, review: bool = True
) -> PolicyService:
    company = StaticCompanyPolicy(CompanyPolicy(name="test company", sector=sector))
    return PolicyService(
        engine.store, engine.clock, PackLibrary(), registries, company, apply_review=review
    )


def _engine(registries: FakeRegistries) -> Engine:
    engine = policy_engine(NOW, registries)
    add_customer(engine, "luz", "MX", phone=PHONE, email="luz@example.mx")
    return engine


def _repep(listed_since: date = DAY_0) -> FakeRegistries:
    registries = FakeRegistries()
    registries.snapshot("mx-repep", date(2026, 11, 24), {PHONE: listed_since})
    return registries


def _on_day(days: int) -> datetime:
    """10:00 in Mexico City, ``days`` after the inscription."""
    return local("2026-10-26T10:00:00-06:00") + timedelta(days=days)


# -- the pack itself ---------------------------------------------------------------------------


def test_every_mexican_rule_cites_its_law_and_states_the_research_confidence() -> None:
    pack = PackLibrary().pack("MX")
    assert pack is not None and pack.holiday_country == "MX"
    for rule in pack.rules:
        assert rule.meta.rule_id.startswith("MX-")
        assert rule.meta.citation.strip() and rule.meta.title.strip()
        assert isinstance(rule.meta.confidence, Confidence)
    flagged = {r.meta.rule_id: r.meta.confidence for r in pack.rules if r.meta.needs_review}
    assert flagged == {
        "MX-4": Confidence.MEDIUM,
        "MX-5": Confidence.LOW,
        "MX-6": Confidence.MEDIUM,
        "MX-7": Confidence.UNVERIFIED,
        "MX-8": Confidence.UNVERIFIED,
    }


def test_repep_and_reus_bind_different_sectors_with_their_own_delays() -> None:
    pack = PackLibrary().pack("MX")
    assert pack is not None
    repep, reviewed, reus = pack.rule("MX-3"), pack.rule("MX-4"), pack.rule("MX-6")
    assert isinstance(repep, RegistryRule) and isinstance(reus, RegistryRule)
    assert isinstance(reviewed, RegistryRule)
    # High confidence with a delay that holds under both readings; the reviewed one is tighter.
    assert (repep.registry, repep.effect_delay_days) == ("mx-repep", 45)
    assert (reviewed.registry, reviewed.effect_delay_days) == ("mx-repep", 30)
    assert (reus.registry, reus.effect_delay_days) == ("mx-reus", 45)
    assert "financial" not in repep.scope.sectors
    assert reus.scope.sectors == frozenset({"financial"})


# -- REPEP: 30 natural days after inscription (MX-3, MX-4) -----------------------------------


def test_a_telecom_promo_call_on_day_29_after_inscription_passes_and_on_day_30_does_not() -> None:
    registries = _repep()
    service = _policy(_engine(registries), registries, "telecom")
    grace = service.check("luz", Channel.VOICE, "marketing", at=_on_day(29))
    assert grace.allowed, grace.denials()
    assert rules(grace)["MX-4"] is True
    for day in (30, 31):
        late = service.check("luz", Channel.VOICE, "marketing", at=_on_day(day))
        assert denied_by(late) == {"MX-4"}
        assert "listed on mx-repep since 2026-10-26" in late.denials()[0].detail
    assert denied_by(service.check("luz", Channel.VOICE, "marketing", at=_on_day(45))) == {
        "MX-3",
        "MX-4",
    }


def test_the_repep_delay_needs_review_and_is_reported_not_applied_by_default() -> None:
    registries = _repep()
    service = _policy(_engine(registries), registries, "telecom", review=False)
    verdict = service.check("luz", Channel.SMS, "marketing", at=_on_day(31))
    assert verdict.allowed
    flagged = next(r for r in verdict.reasons if r.rule == "MX-4")
    assert flagged.detail.startswith("not applied, needs counsel review (would deny:")
    # The high-confidence rule binds without review once 45 days have passed.
    assert denied_by(service.check("luz", Channel.SMS, "marketing", at=_on_day(45))) == {"MX-3"}


def test_repep_binds_commerce_and_tourism_companies_too_and_texts_as_well_as_calls() -> None:
    registries = _repep()
    engine = _engine(registries)
    for sector in ("commerce", "tourism"):
        service = _policy(engine, registries, sector)
        assert denied_by(service.check("luz", Channel.SMS, "marketing", at=_on_day(31))) == {"MX-4"}


def test_repep_does_not_cover_email() -> None:
    registries = _repep()
    service = _policy(_engine(registries), registries, "telecom")
    verdict = service.check("luz", Channel.EMAIL, "marketing", at=_on_day(31))
    assert verdict.allowed and "MX-3" not in rules(verdict)


def test_a_consumer_who_consented_may_be_called_though_listed_on_the_repep() -> None:
    registries = _repep(date(2025, 1, 10))
    engine = _engine(registries)
    consent(engine, "luz", "voice", "opt_in", NOW - timedelta(days=2))
    verdict = _policy(engine, registries, "telecom").check("luz", Channel.VOICE, "marketing")
    assert verdict.allowed, verdict.denials()
    assert "waived (the customer opted in" in next(
        r.detail for r in verdict.reasons if r.rule == "MX-3"
    )


def test_a_repep_snapshot_older_than_30_days_cannot_show_the_number_is_free() -> None:
    registries = FakeRegistries()
    registries.snapshot("mx-repep", date(2026, 10, 24))
    service = _policy(_engine(registries), registries, "telecom")
    assert denied_by(service.check("luz", Channel.VOICE, "marketing")) == {"MX-3", "MX-4"}


# -- REUS for financial institutions (MX-6) ---------------------------------------------------


def test_a_bank_promo_to_a_number_only_in_the_repep_is_checked_against_the_reus_instead() -> None:
    registries = _repep(date(2025, 1, 10))
    registries.snapshot("mx-reus", date(2026, 11, 20))
    service = _policy(_engine(registries), registries, "financial")
    verdict = service.check("luz", Channel.VOICE, "marketing")
    assert verdict.allowed, verdict.denials()
    assert "MX-3" not in rules(verdict)
    assert rules(verdict)["MX-6"] is True


def test_a_reus_registration_binds_banks_45_natural_days_after_it_was_made() -> None:
    registries = FakeRegistries()
    engine = _engine(registries)
    service = _policy(engine, registries, "financial")
    today = date(2026, 11, 24)
    registries.snapshot("mx-reus", date(2026, 11, 20), {PHONE: today - timedelta(days=44)})
    assert service.check("luz", Channel.EMAIL, "marketing").allowed
    registries.snapshot("mx-reus", date(2026, 11, 20), {PHONE: today - timedelta(days=45)})
    assert denied_by(service.check("luz", Channel.VOICE, "marketing")) == {"MX-6"}


def test_the_reus_does_not_bind_a_telecom_company() -> None:
    registries = FakeRegistries()
    registries.snapshot("mx-reus", date(2026, 11, 20), {PHONE: date(2025, 1, 10)})
    registries.snapshot("mx-repep", date(2026, 11, 20))
    service = _policy(_engine(registries), registries, "telecom")
    verdict = service.check("luz", Channel.VOICE, "marketing")
    assert verdict.allowed and "MX-6" not in rules(verdict)


# -- LFPC art. 17: opt-out, no statutory hours ----------------------------------------------


def test_a_consumer_who_asked_not_to_be_bothered_is_not_contacted_on_any_channel() -> None:
    engine = _engine(FakeRegistries())
    consent(engine, "luz", "all", "opt_out", NOW - timedelta(days=1))
    assert denied_by(engine.policy.check("luz", Channel.EMAIL, "marketing")) == {
        "consent.opted_out",
        "MX-2",
    }
    # A company that has not declared its sector is bound by the REPEP too; none is imported.
    assert denied_by(engine.policy.check("luz", Channel.SMS, "marketing")) == {
        "consent.opted_out",
        "MX-2",
        "MX-3",
    }


def test_mexico_sets_no_calling_hours_so_a_late_call_on_a_holiday_passes_the_law() -> None:
    registries = FakeRegistries()
    service = _policy(policy_engine(NOW, registries), registries, "telecom")
    late = local("2026-11-16T23:00:00-06:00")  # Revolution Day, observed Monday
    verdict = service.legal("MX", Channel.VOICE, "marketing", late, time_zone="America/Mexico_City")
    assert verdict.allowed, verdict.denials()
    assert set(rules(verdict)) == {"MX-2", "MX-3", "MX-4"}  # the law, and the REPEP to consult
