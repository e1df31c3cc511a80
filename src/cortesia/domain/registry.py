"""Do-not-call registries: which snapshots were imported and what one of them says.

A registry (the US National DNC, Colombia's RNE, the UK TPS …) is imported as a
series of *versions*. Each version is a complete snapshot of the list as of its
``snapshot_date``; a change list produces a new version from the one before it.
A lookup at instant T answers from the newest version whose snapshot date is on
or before T's date (UTC), so a contact can always be explained by the snapshot
that was in force. Effect delays and maximum snapshot ages are the jurisdiction
packs' business: this module only says what the snapshot said.

>>> registry_id("US-DNC")
'us-dnc'
>>> registry_region("uk-tps"), registry_region("pe-gracias"), registry_region("acme-list")
('GB', 'PE', None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from cortesia.domain.vocabulary import Channel
from cortesia.errors import ValidationError

FULL = "full"
CHANGES = "changes"
REGISTRY_FORMATS = ("ftc", "csv")


@dataclass(frozen=True, slots=True)
class RegistryInfo:
    """What Cortesía knows about a registry it has a name for."""

    registry_id: str
    region: str
    name: str
    default_format: str = "csv"


KNOWN_REGISTRIES: dict[str, RegistryInfo] = {
    info.registry_id: info
    for info in (
        RegistryInfo("us-dnc", "US", "US National Do Not Call Registry (FTC)", "ftc"),
        RegistryInfo("co-rne", "CO", "Colombia Registro de Números Excluidos (CRC)"),
        RegistryInfo("mx-repep", "MX", "México REPEP (PROFECO)"),
        RegistryInfo("mx-reus", "MX", "México REUS (CONDUSEF)"),
        RegistryInfo("ar-no-llame", "AR", "Argentina Registro Nacional No Llame"),
        RegistryInfo("br-nao-me-perturbe", "BR", "Brasil Não Me Perturbe"),
        RegistryInfo("es-robinson", "ES", "España Lista Robinson (Adigital)"),
        RegistryInfo("uk-tps", "GB", "UK Telephone Preference Service"),
        RegistryInfo("uk-ctps", "GB", "UK Corporate Telephone Preference Service"),
        RegistryInfo("au-dncr", "AU", "Australia Do Not Call Register"),
        RegistryInfo("cl-no-molestar", "CL", "Chile Sistema No Molestar (SERNAC)"),
        RegistryInfo("br-sp-nao-me-ligue", "BR", "São Paulo Não Me Ligue (Procon-SP)"),
    )
}

# User-defined registries: lower-case words joined by hyphens, e.g. "pe-gracias" or "acme-internal".
_USER_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+){1,5}$")
_REGION_ALIASES = {"uk": "GB"}


def registry_id(value: str, field: str = "registry") -> str:
    """The registry id named by ``value``: a known one or a user-defined ``word-word`` id.

    >>> registry_id("acme internal")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cortesia.errors.ValidationError: registry='acme internal': ...
    """
    name = value.strip().lower()
    if name in KNOWN_REGISTRIES or (len(name) <= 48 and _USER_ID.match(name)):
        return name
    known = ", ".join(KNOWN_REGISTRIES)
    raise ValidationError(
        field,
        value,
        f"unknown registry; use one of {known}, or your own id in lower-case words "
        "joined by hyphens (e.g. pe-gracias)",
    )


def registry_region(registry: str) -> str | None:
    """The country whose national numbers the registry holds, when its id says so.

    A user-defined id that starts with a two-letter country code (``pe-…``) takes that
    country; anything else has no default country and needs numbers in E.164.
    """
    info = KNOWN_REGISTRIES.get(registry)
    if info is not None:
        return info.region
    prefix = registry.split("-", 1)[0]
    if len(prefix) == 2:
        return _REGION_ALIASES.get(prefix, prefix.upper())
    return None


def default_format(registry: str) -> str:
    """``ftc`` for the US National DNC, ``csv`` for every other registry."""
    info = KNOWN_REGISTRIES.get(registry)
    return info.default_format if info is not None else "csv"


@dataclass(frozen=True, slots=True)
class RegistryVersion:
    """One imported snapshot of a registry.

    ``numbers`` counts the distinct numbers listed in this version (over all of its
    channel lists); ``channels`` names the lists it holds (``all`` = every channel).
    """

    registry_id: str
    version: int
    snapshot_date: date
    imported_at: datetime
    kind: str
    numbers: int
    source_name: str
    source_sha256: str
    channels: tuple[str, ...] = ("all",)


@dataclass(frozen=True, slots=True)
class RegistryFinding:
    """What one snapshot of one registry says about one number.

    ``version`` is None when no snapshot of the registry was in force at the instant
    asked (nothing imported yet, or only snapshots dated later): the number is then
    reported as not listed, and the caller decides what a missing snapshot means.
    ``listed_since`` is the day the number was added when the source file said so.
    """

    registry_id: str
    number: str
    channel: Channel | None
    listed: bool
    listed_since: date | None
    version: RegistryVersion | None
