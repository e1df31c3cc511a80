"""The catalog-wide settings (the ``[catalog]`` table) into ``Economics``.

Every problem is appended to the caller's list, each naming its field path, so that a
catalog's problems are reported together (``parse.py``).
"""

from __future__ import annotations

from cortesia.domain.catalog import fields as f
from cortesia.domain.catalog.actions import Category
from cortesia.domain.catalog.economics import (
    DEFAULT_ACCEPT_PRIOR,
    DEFAULT_OPT_OUT_PRIOR,
    Economics,
)
from cortesia.domain.controls import ControlDesign
from cortesia.errors import ValidationError

HEAD_KEYS = frozenset(
    {
        "name",
        "time_zone",
        "threshold",
        "eroded_value_attribute",
        "eroded_value",
        "default_eroded_value",
        "accept_prior",
        "opt_out_prior",
        "baseline",
        "global_holdout",
        "action_control",
        "control_salt",
        "uplift_min_qini",
    }
)
_CATEGORY = f.choice({c.value: c for c in Category})


def parse_economics(value: object, problems: list[ValidationError]) -> tuple[str, Economics] | None:
    try:
        head = f.table(value, "catalog")
    except ValidationError as error:
        problems.append(error)
        return None
    before = len(problems)
    problems += f.unknown_keys(head, HEAD_KEYS, "catalog")
    read = f.Fields(head, "catalog", problems)
    read.read("name", "name", f.text, "catalog")
    read.read("time_zone", "time_zone", f.time_zone, "UTC")
    read.read("threshold", "threshold", f.number, 0.0)
    read.read("eroded_value_attribute", "eroded_value_attribute", f.text, "segment")
    read.read("eroded_value", "eroded_value", _amounts, {})
    read.read("default_eroded_value", "default_eroded_value", f.at_least_zero, 100.0)
    read.read("accept_prior", "accept_prior", f.prior, DEFAULT_ACCEPT_PRIOR)
    read.read("opt_out_prior", "opt_out_prior", f.prior, DEFAULT_OPT_OUT_PRIOR)
    read.read("baseline", "baseline", _baseline, {})
    read.read("global_holdout", "global_holdout", f.probability, 0.0)
    read.read("action_control", "action_control", f.probability, 0.0)
    read.read("control_salt", "control_salt", f.text, "cortesia")
    read.read("uplift_min_qini", "uplift_min_qini", f.number, 0.0)
    if len(problems) > before:
        return None
    values = read.values
    name = values.pop("name")
    values["controls"] = ControlDesign(
        values.pop("global_holdout"), values.pop("action_control"), values.pop("control_salt")
    )
    return name, Economics(**values)


def _amounts(value: object, path: str) -> dict[str, float]:
    found = f.table(value, path)
    return {key: f.at_least_zero(amount, f"{path}.{key}") for key, amount in found.items()}


def _baseline(value: object, path: str) -> dict[Category, float]:
    found = f.table(value, path)
    return {
        _CATEGORY(key, f"{path}.{key}"): f.probability(share, f"{path}.{key}")
        for key, share in found.items()
    }
