"""Catalog-wide decision settings, versioned with the actions they weigh.

The expected net value of offering an action on a channel is

    ENV = (P(accept | contact) − P(accept | no contact)) · V − P(opt-out | contact) · L − cost

times the action's levers. ``Economics`` holds what the catalog says of the terms that are
not per action: the threshold ENV must beat, the estimate of L (the value eroded when a
customer opts out) per segment, the Beta priors of the two probabilities, the baseline
P(accept | no contact) per category, the time zone whose day counts daily limits, the
control groups (``ControlDesign``) and the bar an uplift model must pass to be used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cortesia.domain.catalog.actions import Category
from cortesia.domain.controls import ControlDesign

DEFAULT_ACCEPT_PRIOR = (1.0, 49.0)
DEFAULT_OPT_OUT_PRIOR = (1.0, 999.0)


@dataclass(frozen=True, slots=True)
class Economics:
    """Decision settings of one catalog version (see docs/catalog.md).

    >>> Economics().accept_prior
    (1.0, 49.0)
    """

    threshold: float = 0.0
    eroded_value_attribute: str = "segment"
    eroded_value: Mapping[str, float] = field(default_factory=dict)
    default_eroded_value: float = 100.0
    accept_prior: tuple[float, float] = DEFAULT_ACCEPT_PRIOR
    opt_out_prior: tuple[float, float] = DEFAULT_OPT_OUT_PRIOR
    baseline: Mapping[Category, float] = field(default_factory=dict)
    time_zone: str = "UTC"
    controls: ControlDesign = field(default_factory=ControlDesign)
    # The uplift model replaces P(accept | contact) − P(accept | no contact) only when
    # its Qini coefficient on held-out data is above this bar.
    uplift_min_qini: float = 0.0
