"""Every shipped pack loads, cites its law, and names registries the DNC layer knows."""

from __future__ import annotations

import pytest

from cortesia.domain.policy.pack import RegistryRule
from cortesia.domain.registry import KNOWN_REGISTRIES
from cortesia.engine.jurisdictions import PackLibrary

COUNTRIES = ["AR", "AU", "BR", "CL", "CO", "ES", "EU", "GB", "MX", "PE", "US"]


def test_the_packs_the_issue_asks_for_are_all_shipped() -> None:
    assert PackLibrary().countries() == COUNTRIES


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_rule_has_an_id_a_citation_and_a_known_registry(country: str) -> None:
    pack = PackLibrary().pack(country)
    assert pack is not None and pack.version
    ids = [rule.meta.rule_id for rule in pack.rules]
    assert len(ids) == len(set(ids))
    for rule in pack.rules:
        assert rule.meta.citation.strip() and rule.meta.title.strip()
        if isinstance(rule, RegistryRule):
            assert rule.registry in KNOWN_REGISTRIES, (rule.meta.rule_id, rule.registry)
