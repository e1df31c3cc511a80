"""Turning what callers send (API bodies, file rows) into normalised customers.

Each field has one normaliser, shared by the row-at-a-time API and the file
import. Codes repeat a lot in real files (countries, zones, languages), so their
checks are cached; phones and e-mails have their own modules with the cheapest
exact path (``cortesia.engine.phones``, ``cortesia.engine.emails``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TypeVar

import pycountry

from cortesia.domain.customers import AttributeType, AttributeValue, Customer
from cortesia.engine.emails import email
from cortesia.engine.phones import Phone, phone
from cortesia.engine.zones import country_zones, primary_zone, subdivision_zone, time_zone
from cortesia.errors import FieldProblem, ValidationError

T = TypeVar("T")
MAX_ID = 128  # the same limit as consent events and the HTTP API
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NUL = re.compile(r"\x00")


def _fail(field: str, value: object, reason: str) -> ValidationError:
    return ValidationError(field, value, reason)


def plain_text(field: str, value: str, *, nul_only: bool = False) -> str:
    """``value`` unchanged when it holds no control character (only NUL with ``nul_only``).

    PostgreSQL cannot store NUL, and a tab or line break inside an id or a code is a
    copy-and-paste accident, so both are refused with their code point named.

    >>> plain_text("attributes.note", "two\\nlines", nul_only=True)
    'two\\nlines'
    """
    # Most text is printable, and ``isprintable`` is far cheaper than a search.
    if value.isprintable():
        return value
    found = (_NUL if nul_only else _CONTROL).search(value)
    if found is not None:
        code = f"U+{ord(found.group()):04X}"
        raise _fail(field, value, f"contains the control character {code}; remove it")
    return value


def customer_id(value: object) -> str:
    """The external id: text of 1 to 128 characters, trimmed, without control characters."""
    ok = isinstance(value, str | int) and not isinstance(value, bool)
    text = str(value).strip() if ok else ""
    if not text:
        raise _fail("customer_id", value, f"is required: text of 1 to {MAX_ID} characters")
    if len(text) > MAX_ID:
        raise _fail("customer_id", value, f"is {len(text)} characters long; at most {MAX_ID}")
    return plain_text("customer_id", text)


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


@lru_cache(maxsize=1024)
def language(value: str) -> str:
    """A BCP 47 tag with its usual casing; the language subtag must be ISO 639.

    >>> language("EN-us")
    'en-US'
    """
    text = plain_text("language", value).strip().replace("_", "-")
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


def push_id(value: str) -> str:
    """A push or app id: opaque text of 1 to 512 characters, without control characters."""
    text = value.strip()
    if not text or len(text) > 512:
        raise _fail("push_id", value, "must be text of 1 to 512 characters")
    return plain_text("push_id", text)


def attribute_value(name: str, value: object, kind: AttributeType) -> AttributeValue:
    """A JSON value as an attribute of type ``kind``; a value that does not fit is refused."""
    if kind is AttributeType.BOOL and isinstance(value, bool):
        return value
    if (
        kind is AttributeType.NUMBER
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and float(value) - float(value) == 0.0
    ):
        return float(value)
    if kind is AttributeType.STRING and isinstance(value, str):
        # Tabs and line breaks are fine in free text; NUL cannot be stored.
        return plain_text(f"attributes.{name}", value, nul_only=True)
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
                FieldProblem(
                    self.columns.get(where, where),
                    error.problem.value,
                    error.problem.reason,
                    self.row,
                )
            )
            self.failed = True
            return None


def _required(field: str) -> None:
    raise _fail(field, None, "is required")


def _zone_choice(
    given: str | None, phones: Sequence[Phone], country_code: str, sub: str | None
) -> tuple[str, tuple[str, ...]]:
    """The customer's zone and every candidate: given, else from a phone, else the country's.

    A subdivision that keeps one clock names the primary zone; it joins the candidates
    when a phone's range points elsewhere (people keep their numbers when they move).
    """
    if given is not None:
        return given, (given,)
    candidates = next((p.zones for p in phones if p.zones), ()) or country_zones(country_code)
    local = subdivision_zone(sub) if sub is not None else None
    if local is not None:
        return local, candidates if local in candidates else (*candidates, local)
    if not candidates:
        raise _fail("time_zone", None, "cannot be derived from phone or country; give it")
    return primary_zone(candidates, country_code), candidates


def _phone(value: str, region: str | None) -> Phone:
    # phonenumbers drops what follows a number, a NUL included: refuse it first.
    return phone(plain_text("phone", value), region)


def _points(
    check: RowCheck, normalise: Callable[[str], str], values: Sequence[str]
) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in (check.run(normalise, x) for x in values) if v))


def build_customer(raw: RawCustomer, check: RowCheck) -> Customer | None:
    """Normalise one customer; None when ``check`` recorded a problem."""
    ident = check.run(customer_id, raw.customer_id)
    code = check.run(country, raw.country) if raw.country else check.run(_required, "country")
    sub = check.run(subdivision, raw.subdivision, code) if raw.subdivision and code else None
    lang = check.run(language, raw.language) if raw.language else None
    given = check.run(time_zone, raw.time_zone) if raw.time_zone else None
    phones = [p for p in (check.run(_phone, v, code) for v in raw.phones) if p is not None]
    emails = _points(check, email, raw.emails)
    push_ids = _points(check, push_id, raw.push_ids)
    if check.failed or ident is None or code is None:
        return None
    zone = check.run(_zone_choice, given, phones, code, sub)
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
