"""Field normalisers: codes, zones, phones and e-mails, held to the libraries they stand for."""

from __future__ import annotations

import random
from zoneinfo import available_timezones

import email_validator
import phonenumbers
import pycountry
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from phonenumbers import timezone as phone_zones

from cortesia.engine.customer_intake import country, language, subdivision
from cortesia.engine.emails import email
from cortesia.engine.phones import phone
from cortesia.engine.zones import (
    country_zones,
    primary_zone,
    subdivision_zone,
    subdivision_zones,
    time_zone,
)
from cortesia.errors import ValidationError

KNOWN_ZONES = available_timezones()


def library_phone(text: str, region: str) -> tuple[str, tuple[str, ...]] | None:
    """What phonenumbers itself says: E.164 and zones of a valid number, else None."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    zones = tuple(z for z in phone_zones.time_zones_for_number(number) if z in KNOWN_ZONES)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), zones


def our_phone(text: str, region: str) -> tuple[str, tuple[str, ...]] | None:
    try:
        found = phone(text, region)
    except ValidationError:
        return None
    return found.e164, found.zones


def varied_numbers(seed: int, per_type: int) -> list[tuple[str, str]]:
    """Example numbers of every region and type with a few digits changed, in E.164 and
    in national format."""
    rng = random.Random(seed)
    cases = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in range(11):
            example_number = phonenumbers.example_number_for_type(region, kind)
            if example_number is None:
                continue
            digits = list(phonenumbers.national_significant_number(example_number))
            for _ in range(per_type):
                changed = digits.copy()
                for _ in range(rng.randint(0, 2)):
                    changed[rng.randrange(len(changed))] = str(rng.randrange(10))
                national = "".join(changed)
                cases.append((f"+{example_number.country_code}{national}", region))
                cases.append((national, region))
    return cases


def test_our_phone_check_agrees_with_phonenumbers_on_every_region_and_type() -> None:
    cases = varied_numbers(seed=11, per_type=3)
    assert len(cases) > 8_000
    differ = [(t, r) for t, r in cases if our_phone(t, r) != library_phone(t, r)]
    assert differ == []


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True), st.sampled_from(["US", "ES", "CO"]))
def test_any_e164_text_gets_the_answer_phonenumbers_gives(text: str, region: str) -> None:
    assert our_phone(text, region) == library_phone(text, region)


def library_email(text: str) -> str | None:
    try:
        return str(email_validator.validate_email(text, check_deliverability=False).normalized)
    except email_validator.EmailNotValidError:
        return None


def our_email(text: str) -> str | None:
    try:
        return email(text)
    except ValidationError:
        return None


LOCAL = st.from_regex(r"[A-Za-z0-9._%+'!#-]{1,70}", fullmatch=True)
DOMAIN = st.from_regex(r"[A-Za-z0-9-]{1,20}(\.[A-Za-z0-9-]{1,12}){0,3}", fullmatch=True)


@settings(max_examples=400, deadline=None)
@given(LOCAL, DOMAIN)
@example("ana", "EXAMPLE.com")
@example("a" * 64, "b" * 63 + "." + "c" * 63 + "." + "d" * 61 + ".com")
@example("a..b", "example.com")
@example("ñandú", "Correo.ES")
@example("x", "localhost")
@example("x", "münchen.de")
def test_our_email_check_agrees_with_email_validator(local: str, domain: str) -> None:
    text = f"{local}@{domain}"
    assert our_email(text) == library_email(text)


def test_an_email_domain_is_lower_cased_and_the_local_part_kept() -> None:
    assert email("  Ana.Gomez@Example.COM ") == "Ana.Gomez@example.com"


def test_an_invalid_email_says_why() -> None:
    with pytest.raises(ValidationError) as caught:
        email("ana@@example.com")
    assert caught.value.problem.field == "email"


def test_codes_are_checked_and_normalised() -> None:
    assert country(" mx ") == "MX"
    assert subdivision("US-fl", "US") == "US-FL"
    assert language("pt_br") == "pt-BR"
    assert time_zone("Europe/Madrid") == "Europe/Madrid"
    for check, args in [
        (country, ("XX",)),
        (subdivision, ("ES-MD", "US")),
        (subdivision, ("US-ZZ", "US")),
        (language, ("english",)),
        (language, ("qq",)),
        (time_zone, ("Mars/Olympus",)),
    ]:
        with pytest.raises(ValidationError):
            check(*args)


def test_a_subdivision_of_another_country_is_refused_with_its_country() -> None:
    with pytest.raises(ValidationError, match="is in ES, not in US"):
        subdivision("ES-M", "US")


def test_a_miami_number_is_in_new_york_time() -> None:
    assert phone("+1 305 555 0123", "US").zones == ("America/New_York",)


def test_an_alaska_number_has_both_alaskan_zones() -> None:
    assert phone("(907) 234-5678", "US").zones == ("America/Adak", "America/Anchorage")


def test_the_primary_zone_is_the_principal_one_else_the_first_in_tz_order() -> None:
    assert primary_zone(("America/Chicago", "America/New_York"), "US") == "America/New_York"
    assert primary_zone(("America/Adak", "America/Anchorage"), "US") == "America/Anchorage"
    assert primary_zone(("Europe/Berlin",), "DE") == "Europe/Berlin"


def test_a_country_gives_its_zones() -> None:
    assert country_zones("CO") == ("America/Bogota",)
    assert "America/Sao_Paulo" in country_zones("BR")


def test_an_invalid_phone_says_why() -> None:
    with pytest.raises(ValidationError, match="not a valid phone number"):
        phone("+1 555 000", "US")
    with pytest.raises(ValidationError, match="not a phone number"):
        phone("call me", "US")


def test_every_subdivision_in_the_zone_table_is_a_real_code_with_a_zone_of_its_country() -> None:
    table = subdivision_zones()
    assert len(table) > 100
    for code, zone in table.items():
        found = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
        assert found is not None and found.code == code, code
        # A US territory's zone is the zone of the territory's own country code (US-PR: PR).
        assert zone in country_zones(code[:2]) + country_zones(code[3:]), code


def test_subdivisions_of_two_clocks_have_no_zone_of_their_own() -> None:
    assert subdivision_zone("US-FL") is None
    assert subdivision_zone("US-TX") is None
    assert subdivision_zone("BR-AM") is None
    assert [subdivision_zone(c) for c in ("PT-30", "MX-BCN", "AU-WA", "US-NY")] == [
        "Atlantic/Madeira",
        "America/Tijuana",
        "Australia/Perth",
        "America/New_York",
    ]
