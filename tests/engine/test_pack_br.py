"""The Brazilian pack (br.toml), from its legal texts: Não Me Perturbe (Anatel), the state
telemarketing laws of SP, RJ, CE, ES and MS, and the LGPD."""

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
from cortesia.domain.policy.pack import HoursRule, RegistryRule
from cortesia.domain.policy.rules import Confidence
from cortesia.domain.verdict import Verdict
from cortesia.domain.vocabulary import Channel
from cortesia.engine.hub import Engine
from cortesia.engine.jurisdictions import PackLibrary
from cortesia.engine.policy import PolicyService, StaticCompanyPolicy

NOW = datetime(2026, 11, 24, 13, tzinfo=UTC)  # Tuesday 10:00 in São Paulo and Rio (UTC-3)
PHONE = "+5521987654321"  # Rio de Janeiro
MANAUS_PHONE = "+5592987654321"


def _policy(
    engine: Engine,
    registries: FakeRegistries,
    sector: str | None = None,
    *,
    review: bool = True,
) -> PolicyService:
    company = StaticCompanyPolicy(CompanyPolicy(name="test company", sector=sector))
    return PolicyService(
        engine.store, engine.clock, PackLibrary(), registries, company, apply_review=review
    )


def _state_call(
    subdivision: str,
    at: str,
    *,
    channel: Channel = Channel.VOICE,
    purpose: str = "marketing",
    time_zone: str | None = None,
) -> Verdict:
    registries = FakeRegistries()
    service = _policy(policy_engine(NOW, registries), registries)
    return service.legal(
        "BR", channel, purpose, local(at), subdivision=subdivision, time_zone=time_zone
    )


# -- the pack itself ---------------------------------------------------------------------------


def test_every_brazilian_rule_cites_its_law_and_states_the_research_confidence() -> None:
    pack = PackLibrary().pack("BR")
    assert pack is not None and pack.holiday_country == "BR"
    for rule in pack.rules:
        assert rule.meta.rule_id.startswith("BR-")
        assert rule.meta.citation.strip() and rule.meta.title.strip()
        assert isinstance(rule.meta.confidence, Confidence)
    confidence = {r.meta.rule_id: r.meta.confidence.value for r in pack.rules}
    assert confidence["BR-8b"] == "low" and confidence["BR-11"] == "high"
    assert {r.meta.rule_id for r in pack.rules if not r.meta.needs_review} == {"BR-11"}
    hours = {r.meta.rule_id: r for r in pack.rules if isinstance(r, HoursRule)}
    assert {k: next(iter(r.scope.subdivisions)) for k, r in hours.items()} == {
        "BR-6": "BR-RJ",
        "BR-7": "BR-CE",
        "BR-8a": "BR-ES",
        "BR-8b": "BR-MS",
    }
    assert all(r.regional_holidays for k, r in hours.items() if k != "BR-8a")
    nmp = pack.rule("BR-1")
    assert isinstance(nmp, RegistryRule) and nmp.scope.sectors == frozenset({"telecom"})


# -- Não Me Perturbe (BR-1 with the 30-day effect of BR-3) -------------------------------------


def _nmp(listed_days_ago: int) -> tuple[Engine, FakeRegistries]:
    registries = FakeRegistries()
    since = date(2026, 11, 24) - timedelta(days=listed_days_ago)
    registries.snapshot("br-nao-me-perturbe", date(2026, 11, 23), {PHONE: since})
    engine = policy_engine(NOW, registries)
    add_customer(engine, "joao", "BR", phone=PHONE, email="joao@example.br")
    return engine, registries


def test_a_telecom_offer_call_is_refused_30_days_after_the_number_was_registered() -> None:
    engine, registries = _nmp(29)
    telecom = _policy(engine, registries, "telecom")
    assert telecom.check("joao", Channel.VOICE, "marketing").allowed
    engine, registries = _nmp(30)
    telecom = _policy(engine, registries, "telecom")
    verdict = telecom.check("joao", Channel.VOICE, "marketing")
    assert denied_by(verdict) == {"BR-1"}
    assert "br-nao-me-perturbe" in verdict.denials()[0].detail


def test_nao_me_perturbe_needs_review_and_is_reported_not_applied_by_default() -> None:
    engine, registries = _nmp(90)
    verdict = _policy(engine, registries, "telecom", review=False).check(
        "joao", Channel.VOICE, "marketing"
    )
    assert verdict.allowed
    flagged = next(r for r in verdict.reasons if r.rule == "BR-1")
    assert flagged.detail.startswith("not applied, needs counsel review (would deny:")


def test_nao_me_perturbe_binds_telecom_providers_only() -> None:
    engine, registries = _nmp(90)
    verdict = _policy(engine, registries, "retail").check("joao", Channel.VOICE, "marketing")
    assert verdict.allowed and "BR-1" not in rules(verdict)


# -- state hour laws --------------------------------------------------------------------------


def test_rio_allows_telemarketing_from_eight_until_six_on_weekdays() -> None:
    assert _state_call("BR-RJ", "2026-11-23T08:00:00-03:00").allowed
    assert _state_call("BR-RJ", "2026-11-23T17:59:00-03:00").allowed
    for at in (
        "2026-11-23T07:59:00-03:00",
        "2026-11-23T18:00:00-03:00",
        "2026-11-28T10:00:00-03:00",
    ):
        assert denied_by(_state_call("BR-RJ", at)) == {"BR-6"}, at


def test_rio_closes_national_and_state_holidays_but_sao_paulo_keeps_rios_holiday_open() -> None:
    zumbi = _state_call("BR-RJ", "2026-11-20T10:00:00-03:00")
    saint_george = _state_call("BR-RJ", "2026-04-23T10:00:00-03:00")
    assert denied_by(zumbi) == {"BR-6"} and denied_by(saint_george) == {"BR-6"}
    assert "public holiday" in saint_george.denials()[0].detail  # a Thursday
    assert _state_call("BR-SP", "2026-04-23T10:00:00-03:00").allowed


def test_ceara_limits_offers_and_collections_by_whatsapp_to_weekday_office_hours() -> None:
    def collect(at: str) -> Verdict:
        return _state_call("BR-CE", at, channel=Channel.WHATSAPP, purpose="collections")

    assert collect("2026-11-23T17:59:00-03:00").allowed
    assert denied_by(collect("2026-11-23T18:00:00-03:00")) == {"BR-7"}
    saint_joseph = _state_call("BR-CE", "2026-03-19T10:00:00-03:00", channel=Channel.SMS)
    assert denied_by(saint_joseph) == {"BR-7"}
    assert "public holiday" in saint_joseph.denials()[0].detail


def test_espirito_santo_allows_calls_until_seven_and_its_source_names_no_holiday_ban() -> None:
    def call(at: str, purpose: str = "marketing") -> Verdict:
        return _state_call("BR-ES", at, purpose=purpose, time_zone="America/Sao_Paulo")

    assert call("2026-11-23T18:59:00-03:00", "collections").allowed
    assert denied_by(call("2026-11-23T19:00:00-03:00")) == {"BR-8a"}
    assert call("2026-04-13T10:00:00-03:00").allowed  # Our Lady of Penha, an ES holiday


def test_mato_grosso_do_sul_hours_are_read_on_campo_grande_clocks() -> None:
    # 08:30 in Brasília is 07:30 in Campo Grande; 09:00 in Brasília is 08:00 there.
    early = _state_call("BR-MS", "2026-11-23T08:30:00-03:00")
    assert denied_by(early) == {"BR-8b"}
    assert "America/Campo_Grande" in early.denials()[0].detail
    assert _state_call("BR-MS", "2026-11-23T09:00:00-03:00").allowed


def test_a_rio_customer_with_a_manaus_phone_is_called_only_when_both_clocks_allow() -> None:
    registries = FakeRegistries()
    engine = policy_engine(NOW, registries)
    add_customer(engine, "ana", "BR", subdivision="BR-RJ", phone=MANAUS_PHONE)
    service = _policy(engine, registries, sector="retail")  # outside Não Me Perturbe
    early = service.check("ana", Channel.VOICE, "marketing", at=local("2026-11-23T08:30:00-03:00"))
    later = service.check("ana", Channel.VOICE, "marketing", at=local("2026-11-23T09:30:00-03:00"))
    assert denied_by(early) == {"BR-6"}
    assert "America/Manaus" in early.denials()[0].detail
    assert later.allowed, later.denials()


# -- São Paulo "Não Me Ligue" (BR-5) ----------------------------------------------------------


def test_sao_paulo_customers_need_the_procon_list_scrubbed_under_review() -> None:
    registries = FakeRegistries()
    engine = policy_engine(NOW, registries)
    add_customer(engine, "bia", "BR", subdivision="BR-SP", phone="+5511961234567")
    add_customer(engine, "caio", "BR", subdivision="BR-RJ", phone=PHONE)
    service = _policy(engine, registries)
    unscrubbed = service.check("bia", Channel.SMS, "marketing")
    assert denied_by(unscrubbed) == {"BR-5"}
    assert "cannot scrub" in unscrubbed.denials()[0].detail
    assert "BR-5" not in rules(service.check("caio", Channel.SMS, "marketing"))
    registries.snapshot("br-sp-nao-me-ligue", date(2026, 11, 20))
    assert service.check("bia", Channel.SMS, "marketing").allowed


# -- LGPD: no opt-in required, revocation honoured ----------------------------------------------


def test_brazil_requires_no_opt_in_for_marketing_but_honours_a_revocation() -> None:
    engine = policy_engine(NOW)
    add_customer(engine, "davi", "BR", phone=PHONE, email="davi@example.br")
    assert engine.policy.check("davi", Channel.EMAIL, "marketing").allowed
    consent(engine, "davi", "email", "opt_out", NOW - timedelta(hours=2))
    assert denied_by(engine.policy.check("davi", Channel.EMAIL, "marketing")) == {
        "consent.opted_out"
    }
