"""Phone numbers: E.164, validity and the time zones of the number's range.

``phonenumbers.parse`` plus ``is_valid_number`` plus ``time_zones_for_number`` cost
about 40 µs a number; a file of a million customers cannot afford that. Here E.164
text is turned into a number directly, the numbering plans' patterns are compiled
once, and one typing of the number serves both validity and zones. A parity test
holds ``phone`` to the library on every region and number type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat, PhoneNumberType
from phonenumbers.phonemetadata import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from cortesia.engine.zones import calling_code_zones, known_zones, prefix_zones
from cortesia.errors import ValidationError

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_ERROR_NUMBER = re.compile(r"^\(\d+\)\s*")
_Desc = tuple[frozenset[int], re.Pattern[str]] | None
_SPECIAL_TYPES = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)


@dataclass(frozen=True, slots=True)
class Phone:
    """A valid phone number in E.164 and the time zones its number range is in."""

    e164: str
    zones: tuple[str, ...]


def _zones_of(number: PhoneNumber, kind: int, e164: str) -> tuple[str, ...]:
    """What ``phonenumbers.timezone.time_zones_for_number`` answers, without typing twice."""
    calling_code = number.country_code or 0
    if phonenumbers.is_number_type_geographical(kind, calling_code):
        zones = prefix_zones(e164[1:])
    else:
        zones = calling_code_zones(calling_code)
    known = known_zones()
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
    national = digits[len(str(code)) :]
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
            plans.append(
                _Plan(
                    re.compile(leading) if leading is not None else None,
                    _desc(metadata, "general_desc"),
                    tuple((_desc(metadata, name), kind) for name, kind in _SPECIAL_TYPES),
                    _desc(metadata, "fixed_line"),
                    _desc(metadata, "mobile"),
                    bool(metadata.same_mobile_and_fixed_line_pattern),
                )
            )
    return tuple(plans)


def _matches(national: str, desc: _Desc) -> bool:
    return (
        desc is not None
        and (not desc[0] or len(national) in desc[0])
        and bool(desc[1].fullmatch(national))
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
    checks); typing it once serves both validity and its time zones.

    >>> phone("305 555 0123", "US").e164
    '+13055550123'
    """
    text = value.strip()
    number = _from_e164(text)
    if number is None:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException as error:
            # str(error) starts with the library's error number, "(1) ", which says nothing here.
            why = _ERROR_NUMBER.sub("", str(error)).rstrip(".").lower()
            raise ValidationError("phone", value, f"not a phone number: {why}") from None
    kind = number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        reason = "not a valid phone number (unknown range or wrong length)"
        raise ValidationError("phone", value, reason)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return Phone(e164, _zones_of(number, kind, e164))
