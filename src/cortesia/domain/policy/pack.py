"""Jurisdiction packs: the contact rules of one country, each citing its law.

Rule kinds:

- ``HoursRule``: permitted days and hours in the recipient's local time, closed on public
  holidays when the law says so (national, or with the recipient's region where the law
  counts regional holidays).
- ``ConsentRule``: whether contact needs prior consent (``opt_in``) or is allowed until the
  customer objects (``opt_out``); exemptions such as an existing relationship.
- ``FrequencyRule``: at most ``limit`` contacts per window (see ``windows``), per channel or
  across channels, per subject or not; or at most ``max_channels`` distinct channels.
- ``RegistryRule``: a do-not-call registry that must be consulted, with its effect delay and
  the maximum age of the snapshot consulted.
- ``NoticeRule``: duties that do not gate a contact (opt-out deadlines, identification),
  printed with the pack for compliance people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from cortesia.domain.policy.hours import WeeklyHours
from cortesia.domain.policy.rules import Exemption, RuleMeta, Scope
from cortesia.domain.policy.windows import Window
from cortesia.domain.vocabulary import Channel


class Counting(StrEnum):
    """Which earlier contacts a frequency rule counts."""

    ALL = "all"  # every contact made
    REACHED = "reached"  # only contacts that reached the person (direct contact)


class ConsentNeed(StrEnum):
    OPT_IN = "opt_in"  # prior consent needed: unknown consent denies
    OPT_OUT = "opt_out"  # allowed until the customer objects: unknown consent allows


@dataclass(frozen=True, slots=True)
class HoursRule:
    meta: RuleMeta
    scope: Scope
    hours: WeeklyHours
    closed_on_holidays: bool = False
    regional_holidays: bool = False
    exemptions: tuple[Exemption, ...] = ()


@dataclass(frozen=True, slots=True)
class ConsentRule:
    meta: RuleMeta
    scope: Scope
    need: ConsentNeed
    exemptions: tuple[Exemption, ...] = ()


@dataclass(frozen=True, slots=True)
class FrequencyRule:
    meta: RuleMeta
    scope: Scope
    window: Window
    limit: int | None = None
    max_channels: int | None = None
    per_channel: bool = False
    per_subject: bool = False
    counting: Counting = Counting.ALL
    exemptions: tuple[Exemption, ...] = ()


@dataclass(frozen=True, slots=True)
class RegistryRule:
    meta: RuleMeta
    scope: Scope
    registry: str
    max_snapshot_age_days: int
    effect_delay_days: int = 0
    exemptions: tuple[Exemption, ...] = ()


@dataclass(frozen=True, slots=True)
class NoticeRule:
    meta: RuleMeta
    scope: Scope
    duty: str
    text: str
    deadline_days: int | None = None
    business_days: bool = False


GatingRule = HoursRule | ConsentRule | FrequencyRule | RegistryRule
Rule = GatingRule | NoticeRule


@dataclass(frozen=True, slots=True)
class Pack:
    """One country's rules, versioned; ``holiday_country`` names its holiday calendar."""

    country: str
    name: str
    version: str
    holiday_country: str
    sources: str
    rules: tuple[Rule, ...] = field(default_factory=tuple)
    # Gating rules per (channel, purpose, subdivision, sector, day), filled as questions come.
    _applicable: dict[tuple[object, ...], tuple[GatingRule, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def applicable(
        self, channel: Channel, purpose: str, subdivision: str | None, sector: str | None, day: date
    ) -> tuple[GatingRule, ...]:
        """Gating rules that cover this contact and are in force on the local ``day``."""
        key = (channel, purpose, subdivision, sector, day)
        found = self._applicable.get(key)
        if found is None:
            found = tuple(
                rule
                for rule in self.rules
                if not isinstance(rule, NoticeRule)
                and rule.scope.covers(channel, purpose, subdivision, sector)
                and rule.meta.in_force(day)
            )
            if len(self._applicable) > 4096:
                self._applicable.clear()
            self._applicable[key] = found
        return found

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.meta.rule_id == rule_id), None)
