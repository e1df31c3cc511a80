"""Turning what callers send (API bodies, file rows) into normalised customers.

Each field has one normaliser, shared by the row-at-a-time API and the file
import. Codes repeat a lot in real files (countries, zones, languages, e-mail
domains), so their checks are cached; phones and e-mail local parts are checked
per value with the cheapest exact path (see ``phone`` and ``email``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TypeVar
from zoneinfo import TZPATH, available_timezones

import email_validator
import phonenumbers
import pycountry
from phonenumbers import PhoneNumber, PhoneNumberFormat, PhoneNumberType
from phonenumbers.phonemetadata import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE
from phonenumbers.tzdata import TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX

from cortesia.domain.customers import AttributeType, AttributeValue, Customer
from cortesia.errors import FieldProblem, ValidationError

T = TypeVar("T")
MAX_ID = 200
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
# RFC 5322 dot-atom in ASCII: what email-validator accepts unchanged as a local part.
_DOT_ATOM = re.compile(r"[A-Za-z0-9_!#$%&'*+\-/=?^`{|}~]+(?:\.[A-Za-z0-9_!#$%&'*+\-/=?^`{|}~]+)*")
_EMAIL_MAX = 254
# Deterministic primary zone where a country spans several: the capital's or the most
# populous area's. Choosing the most restrictive zone for contact hours is policy's job.
_PRINCIPAL_ZONES = {
    "AR": "America/Argentina/Buenos_Aires", "AU": "Australia/Sydney", "BR": "America/Sao_Paulo",
    "CA": "America/Toronto", "CD": "Africa/Kinshasa", "CL": "America/Santiago",
    "EC": "America/Guayaquil", "ES": "Europe/Madrid", "GB": "Europe/London",
    "ID": "Asia/Jakarta", "KZ": "Asia/Almaty", "MN": "Asia/Ulaanbaatar",
    "MX": "America/Mexico_City", "NZ": "Pacific/Auckland", "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow", "UA": "Europe/Kyiv", "US": "America/New_York",
}


def _fail(field: str, value: object, reason: str) -> ValidationError:
    return ValidationError(field, value, reason)


def customer_id(value: object) -> str:
    """The external id: text of 1 to 200 characters, trimmed."""
    text = str(value).strip() if isinstance(value, str | int) else ""
    if not text or len(text) > MAX_ID:
        raise _fail("customer_id", value, f"is required: text of 1 to {MAX_ID} characters")
    return text


@lru_cache(maxsize=1024)
def country(value: str) -> str:
    """ISO 3166-1 alpha-2 code, upper-case.

    >>> country("co")
    'CO'
    """
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise _fail("country", value, "not an ISO 3166-1 alpha-2 country code, e.g. ES")
    return code


@lru_cache(maxsize=4096)
def subdivision(value: str, country_code: str) -> str:
    """ISO 3166-2 code of a subdivision of ``country_code``; ``FL`` means ``US-FL`` there.

    >>> subdivision("fl", "US")
    'US-FL'
    """
    code = value.strip().upper()
    if "-" not in code:
        code = f"{country_code}-{code}"
    found = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    if found is None:
        raise _fail("subdivision", value, "not an ISO 3166-2 subdivision code, e.g. US-FL")
    if found.country_code != country_code:
        raise _fail("subdivision", value, f"is in {found.country_code}, not in {country_code}")
    return str(found.code)


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1024)
def time_zone(value: str) -> str:
    """An IANA time zone name that zoneinfo knows."""
    name = value.strip()
    if name not in _known_zones():
        raise _fail("time_zone", value, "not an IANA time zone, e.g. America/Bogota")
    return name


@lru_cache(maxsize=1024)
def language(value: str) -> str:
    """A BCP 47 tag with its usual casing; the language subtag must be ISO 639.

    >>> language("EN-us")
    'en-US'
    """
    text = value.strip().replace("_", "-")
    if not _LANGUAGE.fullmatch(text):
        raise _fail("language", value, "not a BCP 47 language tag, e.g. es or en-US")
    first, *rest = text.split("-")
    key = "alpha_2" if len(first) == 2 else "alpha_3"
    if pycountry.languages.get(**{key: first.lower()}) is None:
        raise _fail("language", value, f"{first!r} is not an ISO 639 language")
    parts = [first.lower()]
    for part in rest:
        parts.append(part.upper() if len(part) == 2 else part.title() if len(part) == 4 else part)
    return "-".join(parts)


@dataclass(frozen=True, slots=True)
class Phone:
    """A valid phone number in E.164 and the time zones its number range is in."""

    e164: str
    zones: tuple[str, ...]


@lru_cache(maxsize=512)
def _calling_code_zones(calling_code: int) -> tuple[str, ...]:
    code = str(calling_code)
    for length in range(min(TIMEZONE_LONGEST_PREFIX, len(code)), 0, -1):
        if code[:length] in TIMEZONE_DATA:
            return tuple(TIMEZONE_DATA[code[:length]])
    return ()


def _zones_of(number: phonenumbers.PhoneNumber, kind: int, e164: str) -> tuple[str, ...]:
    """What ``phonenumbers.timezone.time_zones_for_number`` answers, without typing twice."""
    calling_code = number.country_code or 0
    if not phonenumbers.is_number_type_geographical(kind, calling_code):
        zones = _calling_code_zones(calling_code)
    else:
        digits = e164[1:]
        zones = ()
        for length in range(min(TIMEZONE_LONGEST_PREFIX, len(digits)), 0, -1):
            if digits[:length] in TIMEZONE_DATA:
                zones = tuple(TIMEZONE_DATA[digits[:length]])
                break
    known = _known_zones()
    return tuple(z for z in zones if z in known)


@lru_cache(maxsize=512)
def _prefix_rule(calling_code: int) -> re.Pattern[str] | None:
    """The national-prefix rule ``parse`` applies after a calling code; None when it has none."""
    region = phonenumbers.region_code_for_country_code(calling_code)
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(calling_code, region)
    rule = metadata.national_prefix_for_parsing if metadata is not None else None
    return re.compile(rule) if rule else None


def _from_e164(text: str) -> PhoneNumber | None:
    """The number ``phonenumbers.parse`` reads from E.164 text, built directly (parse costs
    tens of microseconds); None when parse's own rules could read it differently."""
    if not _E164.fullmatch(text):
        return None
    digits = text[1:]
    code = next(
        (int(digits[:n]) for n in (1, 2, 3) if int(digits[:n]) in COUNTRY_CODE_TO_REGION_CODE), 0
    )
    national = digits[len(str(code)):]
    rule = _prefix_rule(code) if code else None
    match = rule.match(national) if rule is not None else None
    if not code or (match and (match.end() or any(g is not None for g in match.groups()))):
        return None
    number = PhoneNumber(country_code=code, national_number=int(national))
    if len(national) > 1 and national[0] == "0":
        number.italian_leading_zero = True
        zeros = len(national) - len(national.lstrip("0"))
        if min(zeros, len(national) - 1) > 1:
            number.number_of_leading_zeros = min(zeros, len(national) - 1)
    return number


_Desc = tuple[frozenset[int], re.Pattern[str]] | None
_SPECIAL_TYPES = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE), ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST), ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER), ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN), ("voicemail", PhoneNumberType.VOICEMAIL),
)


@dataclass(frozen=True, slots=True)
class _Plan:
    """One region's numbering plan from phonenumbers' metadata, with its patterns compiled."""

    leading: re.Pattern[str] | None
    general: _Desc
    special: tuple[tuple[_Desc, int], ...]
    fixed: _Desc
    mobile: _Desc
    same_fixed_and_mobile: bool


def _desc(metadata: object, name: str) -> _Desc:
    desc = getattr(metadata, name, None)
    pattern = getattr(desc, "national_number_pattern", None)
    if desc is None or not pattern:
        return None
    return frozenset(desc.possible_length), re.compile(pattern)


@lru_cache(maxsize=512)
def _plans(calling_code: int) -> tuple[_Plan, ...]:
    plans = []
    for region in COUNTRY_CODE_TO_REGION_CODE.get(calling_code, ()):
        metadata = PhoneMetadata.metadata_for_region_or_calling_code(calling_code, region)
        if metadata is not None:
            leading = metadata.leading_digits
            plans.append(_Plan(
                re.compile(leading) if leading is not None else None,
                _desc(metadata, "general_desc"),
                tuple((_desc(metadata, name), kind) for name, kind in _SPECIAL_TYPES),
                _desc(metadata, "fixed_line"), _desc(metadata, "mobile"),
                bool(metadata.same_mobile_and_fixed_line_pattern),
            ))
    return tuple(plans)


def _matches(national: str, desc: _Desc) -> bool:
    return desc is not None and (not desc[0] or len(national) in desc[0]) and bool(
        desc[1].fullmatch(national)
    )


def _type_in(plan: _Plan, national: str) -> int:
    if not _matches(national, plan.general):
        return PhoneNumberType.UNKNOWN
    for desc, kind in plan.special:
        if _matches(national, desc):
            return kind
    if _matches(national, plan.fixed):
        mobile_too = plan.same_fixed_and_mobile or _matches(national, plan.mobile)
        return PhoneNumberType.FIXED_LINE_OR_MOBILE if mobile_too else PhoneNumberType.FIXED_LINE
    if not plan.same_fixed_and_mobile and _matches(national, plan.mobile):
        return PhoneNumberType.MOBILE
    return PhoneNumberType.UNKNOWN


def number_type(number: PhoneNumber) -> int:
    """``phonenumbers.number_type`` with the metadata's patterns compiled once (it costs a
    pattern lookup per type and region otherwise); UNKNOWN means invalid."""
    code = number.country_code or 0
    national = phonenumbers.national_significant_number(number)
    plans = _plans(code)
    if len(COUNTRY_CODE_TO_REGION_CODE.get(code, ())) == 1:
        return _type_in(plans[0], national) if plans else PhoneNumberType.UNKNOWN
    for plan in plans:
        if plan.leading is not None:
            if plan.leading.match(national):
                return _type_in(plan, national)
        elif (kind := _type_in(plan, national)) != PhoneNumberType.UNKNOWN:
            return kind
    return PhoneNumberType.UNKNOWN


def phone(value: str, region: str | None) -> Phone:
    """Parse with ``region`` as the default country; invalid numbers are refused.

    A number is valid when phonenumbers gives it a type (what ``is_valid_number``
    checks); typing it once serves both validity and its time zones. A parity test
    holds this function to ``parse``, ``is_valid_number`` and ``time_zones_for_number``.

    >>> phone("305 555 0123", "US").e164
    '+13055550123'
    """
    text = value.strip()
    number = _from_e164(text)
    if number is None:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException as error:
            raise _fail("phone", value, f"not a phone number: {error._msg}") from None
    kind = number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        raise _fail("phone", value, "not a valid phone number (unknown range or wrong length)")
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return Phone(e164, _zones_of(number, kind, e164))


@lru_cache(maxsize=8192)
def _email_domain(domain: str) -> str:
    return str(email_validator.validate_email(f"a@{domain}", check_deliverability=False).domain)


def email(value: str) -> str:
    """An address as email-validator normalises it (domain lower-cased, IDNA checked).

    Most addresses are an ASCII dot-atom at an ASCII domain: for those the local part
    needs no change and the domain check is cached; a parity test holds this path to
    ``email_validator.validate_email``.

    >>> email("Ana.Gomez@Example.COM")
    'Ana.Gomez@example.com'
    """
    text = value.strip()
    local, at, domain = text.rpartition("@")
    try:
        if at and domain.isascii() and len(text) <= _EMAIL_MAX and _DOT_ATOM.fullmatch(local):
            normalised = f"{local}@{_email_domain(domain)}"
            if len(normalised) <= _EMAIL_MAX:
                return normalised
        return str(email_validator.validate_email(text, check_deliverability=False).normalized)
    except email_validator.EmailNotValidError as error:
        raise _fail("email", value, str(error)) from None


def push_id(value: str) -> str:
    """A push or app id: opaque text of 1 to 512 characters."""
    text = value.strip()
    if not text or len(text) > 512:
        raise _fail("push_id", value, "must be text of 1 to 512 characters")
    return text


@lru_cache(maxsize=1)
def _zone_tab() -> dict[str, tuple[str, ...]]:
    """Country -> zones, from the tz database's zone.tab (system or ``tzdata``)."""
    for folder in TZPATH:
        path = Path(folder) / "zone.tab"
        if path.is_file():
            table: dict[str, list[str]] = {}
            for line in path.read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#"):
                    parts = line.split("\t")
                    table.setdefault(parts[0], []).append(parts[2])
            return {code: tuple(zones) for code, zones in table.items()}
    return {}


@lru_cache(maxsize=512)
def country_zones(country_code: str) -> tuple[str, ...]:
    """The zones of a country: the tz database's list, else phonenumbers' for its calling code.

    >>> country_zones("CO")
    ('America/Bogota',)
    """
    zones = _zone_tab().get(country_code)
    if not zones:
        zones = _calling_code_zones(phonenumbers.country_code_for_region(country_code))
    known = _known_zones()
    return tuple(z for z in zones if z in known)


def primary_zone(candidates: Sequence[str], country_code: str) -> str:
    """One zone among several, the same every time: the country's principal zone when it is a
    candidate, else the first candidate in the tz database's order, else alphabetically."""
    principal = _PRINCIPAL_ZONES.get(country_code)
    if principal in candidates:
        return str(principal)
    ordered = [z for z in country_zones(country_code) if z in candidates]
    return ordered[0] if ordered else min(candidates)


def attribute_value(name: str, value: object, kind: AttributeType) -> AttributeValue:
    """A JSON value as an attribute of type ``kind``; a value that does not fit is refused."""
    if kind is AttributeType.BOOL and isinstance(value, bool):
        return value
    if kind is AttributeType.NUMBER and isinstance(value, int | float) and not isinstance(
        value, bool
    ) and float(value) - float(value) == 0.0:
        return float(value)
    if kind is AttributeType.STRING and isinstance(value, str):
        return value
    if kind is AttributeType.DATE and isinstance(value, date):
        return value
    if kind is AttributeType.DATE and isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    reason = f"is not a {kind.value}; attribute {name!r} holds {kind.value} values"
    raise _fail(f"attributes.{name}", value, reason)


def infer_type(value: object) -> AttributeType | None:
    """The type a new attribute gets from a JSON value (None when it has none)."""
    if isinstance(value, bool):
        return AttributeType.BOOL
    if isinstance(value, int | float):
        return AttributeType.NUMBER
    if isinstance(value, date):
        return AttributeType.DATE
    return AttributeType.STRING if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class RawCustomer:
    """One customer's fields as received, before normalisation."""

    customer_id: object
    country: str | None
    subdivision: str | None = None
    time_zone: str | None = None
    language: str | None = None
    phones: Sequence[str] = ()
    emails: Sequence[str] = ()
    push_ids: Sequence[str] = ()
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)


class RowCheck:
    """Runs a row's normalisers, keeping every problem instead of stopping at the first."""

    def __init__(self, row: int, columns: Mapping[str, str], problems: list[FieldProblem]) -> None:
        self.row = row
        self.columns = columns
        self.problems = problems
        self.failed = False

    def run(self, check: Callable[..., T], *args: object) -> T | None:
        try:
            return check(*args)
        except ValidationError as error:
            where = error.problem.field
            self.problems.append(
                FieldProblem(self.columns.get(where, where), error.problem.value,
                             error.problem.reason, self.row)
            )
            self.failed = True
            return None


def _required(field: str) -> None:
    raise _fail(field, None, "is required")


def _zone_choice(
    given: str | None, phones: Sequence[Phone], country_code: str
) -> tuple[str, tuple[str, ...]]:
    """The customer's zone and every candidate: given, else from a phone, else the country's."""
    if given is not None:
        return given, (given,)
    candidates = next((p.zones for p in phones if p.zones), ()) or country_zones(country_code)
    if not candidates:
        raise _fail("time_zone", None, "cannot be derived from phone or country; give it")
    return primary_zone(candidates, country_code), candidates


def _points(check: RowCheck, normalise: Callable[[str], str], values: Sequence[str]) -> tuple[
    str, ...
]:
    return tuple(dict.fromkeys(v for v in (check.run(normalise, x) for x in values) if v))


def build_customer(raw: RawCustomer, check: RowCheck) -> Customer | None:
    """Normalise one customer; None when ``check`` recorded a problem."""
    ident = check.run(customer_id, raw.customer_id)
    code = check.run(country, raw.country) if raw.country else check.run(_required, "country")
    sub = check.run(subdivision, raw.subdivision, code) if raw.subdivision and code else None
    lang = check.run(language, raw.language) if raw.language else None
    given = check.run(time_zone, raw.time_zone) if raw.time_zone else None
    phones = [p for p in (check.run(phone, v, code) for v in raw.phones) if p is not None]
    emails = _points(check, email, raw.emails)
    push_ids = _points(check, push_id, raw.push_ids)
    if check.failed or ident is None or code is None:
        return None
    zone = check.run(_zone_choice, given, phones, code)
    if zone is None:
        return None
    return Customer(
        customer_id=ident,
        country=code,
        time_zone=zone[0],
        subdivision=sub,
        time_zone_candidates=zone[1],
        language=lang,
        phones=tuple(dict.fromkeys(p.e164 for p in phones)),
        emails=emails,
        push_ids=push_ids,
        attributes=raw.attributes,
    )
