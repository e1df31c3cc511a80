"""What every decision needs of one catalog version, derived once per version.

A decision on a catalog version reads how far back its actions' cool-offs look (the
contact history to load), the consent variables its rules read, and the channel's
actions with their treatment, in catalog order, each marked when it has no validity
dates, send window or cool-off of its own (only its rule screens it). Deriving them per
decision cost more than some stages.
"""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from cortesia.domain.catalog import Action, Catalog, ChannelTreatment
from cortesia.domain.vocabulary import Channel

Offer = tuple[Action, ChannelTreatment, bool]  # the bool: only its rule screens it


class CatalogFacts(NamedTuple):
    """Derived from one catalog version (see the module docstring)."""

    horizon: timedelta
    consent_names: tuple[str, ...]
    offers: dict[Channel, tuple[Offer, ...]]
    rule_stops: dict[tuple[str, str], str]  # (rule code, rule text) -> the words, as met


def catalog_facts(catalog: Catalog) -> CatalogFacts:
    """The facts of ``catalog``."""
    consent = tuple(n for n in catalog.names_read() if n.startswith("consent."))
    offers = {
        channel: tuple(_offer(a, a.channels[channel]) for a in catalog.for_channel(channel))
        for channel in Channel
    }
    return CatalogFacts(_horizon(catalog), consent, offers, {})


def _offer(action: Action, treatment: ChannelTreatment) -> Offer:
    timed = (
        action.valid_from is not None
        or action.valid_until is not None
        or treatment.window is not None
        or action.cool_off_days is not None
        or action.reject_cool_off_days is not None
    )
    return action, treatment, not timed


def _horizon(catalog: Catalog) -> timedelta:
    """The contact history the actions' own cool-offs read, and a day more."""
    days = [a.cool_off_days or 0 for a in catalog.actions]
    days += [a.reject_cool_off_days or 0 for a in catalog.actions]
    return timedelta(days=max(days, default=0) + 1)
