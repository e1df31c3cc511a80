"""Catalogs as normalised JSON-able documents, and their digest.

The store keeps the normalised document of every version: defaults written out, numbers
as floats, dates and windows as text, rules as the text the analyst wrote. Two files that
say the same thing (``levers`` left out or written as ``1``; TOML or YAML) normalise to the
same document and the same digest, so loading one after the other makes no new version.
Parsing a normalised document gives back the same catalog.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

from cortesia.domain.catalog.actions import Action, ChannelTreatment, Texts
from cortesia.domain.catalog.compiled import Catalog
from cortesia.domain.catalog.economics import Economics
from cortesia.domain.catalog.parse import parse_catalog
from cortesia.domain.rules import Rule


def catalog_document(catalog: Catalog | Mapping[str, object]) -> dict[str, Any]:
    """The normalised document of a catalog (a raw document is validated first).

    >>> doc = catalog_document({"catalog": {"name": "demo"}, "actions": []})
    >>> doc["catalog"]["time_zone"], doc["actions"]
    ('UTC', [])
    """
    found = catalog if isinstance(catalog, Catalog) else parse_catalog(catalog)
    return {
        "catalog": {"name": found.name, **economics_document(found.economics)},
        "actions": [action_document(action) for action in found.actions],
    }


def economics_document(economics: Economics) -> dict[str, Any]:
    """The catalog-wide settings as a JSON-able table."""
    return {
        "time_zone": economics.time_zone,
        "threshold": economics.threshold,
        "eroded_value_attribute": economics.eroded_value_attribute,
        "eroded_value": dict(economics.eroded_value),
        "default_eroded_value": economics.default_eroded_value,
        "accept_prior": list(economics.accept_prior),
        "opt_out_prior": list(economics.opt_out_prior),
        "baseline": {category.value: share for category, share in economics.baseline.items()},
        **_controls_document(economics),
    }


def _controls_document(economics: Economics) -> dict[str, Any]:
    """Control and uplift settings, written only when set, so that a catalog that does not
    use them keeps the document (and digest) it had before they existed."""
    controls = economics.controls
    found: dict[str, Any] = {}
    defaults = Economics()
    if controls.global_holdout:
        found["global_holdout"] = controls.global_holdout
    if controls.action_control:
        found["action_control"] = controls.action_control
    if controls.salt != defaults.controls.salt:
        found["control_salt"] = controls.salt
    if economics.uplift_min_qini != defaults.uplift_min_qini:
        found["uplift_min_qini"] = economics.uplift_min_qini
    return found


def action_document(action: Action) -> dict[str, Any]:
    """One action as a JSON-able table, in the file's own field names; unset fields left out."""
    found: dict[str, Any] = {
        "id": action.action_id,
        "name": _texts(action.name),
        "text": _texts(action.text),
        "group": action.group,
        "category": action.category.value,
        "purpose": action.purpose,
        "channels": {c.value: _treatment(t) for c, t in action.channels.items()},
        "value": rule_document(action.value),
        "eligibility": None if action.eligibility is None else action.eligibility.text,
        "levers": rule_document(action.levers),
        "valid_from": None if action.valid_from is None else action.valid_from.isoformat(),
        "valid_until": None if action.valid_until is None else action.valid_until.isoformat(),
        "daily_limit": action.daily_limit,
        "daily_budget": action.daily_budget,
        "cool_off_days": action.cool_off_days,
        "reject_cool_off_days": action.reject_cool_off_days,
        "propensity_prior": None
        if action.propensity_prior is None
        else list(action.propensity_prior),
        "control_share": action.control_share,
    }
    if action.consent_ask is not None:
        ask = action.consent_ask
        found["consent_ask"] = {
            "channel": ask.channel.value,
            "purpose": ask.purpose,
            "reward": _texts(ask.reward),
        }
    return {key: value for key, value in found.items() if value is not None}


def rule_document(rule: Rule) -> float | str:
    """A number rule that is a plain number as that number, any other rule as its text.

    >>> from cortesia.domain.rules import RuleKind, constant_rule, parse_rule
    >>> rule_document(constant_rule(1.0)), rule_document(parse_rule("2 * arpu", RuleKind.NUMBER))
    (1.0, '2 * arpu')
    """
    if not rule.names:
        try:
            amount = float(rule.text)
        except ValueError:
            return rule.text
        if math.isfinite(amount):
            return amount
    return rule.text


def document_digest(document: Mapping[str, object]) -> str:
    """SHA-256 of the canonical JSON of a document (sorted keys, no spaces), in hex.

    >>> document_digest({"b": 1, "a": [2.0]}) == document_digest({"a": [2.0], "b": 1})
    True
    """
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _texts(texts: Texts) -> dict[str, str]:
    return {"es": texts.es, "en": texts.en}


def _treatment(treatment: ChannelTreatment) -> dict[str, Any]:
    found: dict[str, Any] = {"treatment": treatment.treatment, "cost": treatment.cost}
    if treatment.window is not None:
        found["window"] = str(treatment.window)
    if treatment.daily_limit is not None:
        found["daily_limit"] = treatment.daily_limit
    return found
