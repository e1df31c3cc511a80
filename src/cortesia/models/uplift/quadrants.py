"""The four kinds of customer an uplift model tells apart.

From a customer's chance to respond if treated (``p_treated``) and if not
(``p_control``), with the uplift u = p_treated − p_control:

- **persuadable** — u > ``margin``: the contact makes the response more likely; contact.
- **sleeping dog** — u < −``margin``: the contact makes it *less* likely (an annoyed
  customer); never contact.
- **sure thing** — |u| ≤ ``margin`` and p_control ≥ ``likely``: responds anyway; a
  contact spends money and patience for nothing.
- **lost cause** — |u| ≤ ``margin`` and p_control < ``likely``: responds neither way.

``margin`` is the smallest uplift worth calling an effect and ``likely`` the response
chance that counts as "would respond". The plain function's defaults (0.01 and 0.5) suit
a response around one in two; a fitted :class:`~cortesia.models.uplift.model.UpliftModel`
stores thresholds from its own data instead (see :func:`thresholds_for`), since most
campaigns respond far below 50 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cortesia.errors import ValidationError


class Quadrant(StrEnum):
    """A customer's quadrant, named as the field names it."""

    PERSUADABLE = "persuadable"
    SURE_THING = "sure_thing"
    LOST_CAUSE = "lost_cause"
    SLEEPING_DOG = "sleeping_dog"


@dataclass(frozen=True, slots=True)
class QuadrantThresholds:
    """Where the quadrants part (see the module docstring)."""

    margin: float = 0.01
    likely: float = 0.5

    def __post_init__(self) -> None:
        if not 0 <= self.margin < 1:
            raise ValidationError("margin", self.margin, "must lie in [0, 1)")
        if not 0 < self.likely <= 1:
            raise ValidationError("likely", self.likely, "must lie in (0, 1]")


def thresholds_for(control_rate: float) -> QuadrantThresholds:
    """Thresholds from a campaign's control response rate r: ``likely`` = r (more likely
    than the average customer without the contact) and ``margin`` = r / 10 (an effect of a
    tenth of the base rate), at least 0.001.

    Examples
    --------
    >>> thresholds_for(0.106)
    QuadrantThresholds(margin=0.0106, likely=0.106)
    """
    rate = min(max(control_rate, 0.001), 1.0)
    return QuadrantThresholds(margin=max(rate / 10, 0.001), likely=rate)


def quadrant(
    p_treated: float, p_control: float, thresholds: QuadrantThresholds | None = None
) -> Quadrant:
    """The quadrant of one customer.

    Examples
    --------
    >>> [str(quadrant(pt, pc)) for pt, pc in ((0.6, 0.3), (0.2, 0.4), (0.8, 0.8), (0.1, 0.1))]
    ['persuadable', 'sleeping_dog', 'sure_thing', 'lost_cause']
    """
    return Quadrant(str(quadrants([p_treated], [p_control], thresholds)[0]))


def quadrants(
    p_treated: ArrayLike, p_control: ArrayLike, thresholds: QuadrantThresholds | None = None
) -> NDArray[np.str_]:
    """The quadrant of every customer, as an array of names."""
    limits = thresholds or QuadrantThresholds()
    treated = np.asarray(p_treated, dtype=np.float64)
    control = np.asarray(p_control, dtype=np.float64)
    if treated.shape != control.shape:
        raise ValidationError("p_control", control.shape, "must match p_treated's shape")
    uplift = treated - control
    no_effect = np.where(
        control >= limits.likely, Quadrant.SURE_THING.value, Quadrant.LOST_CAUSE.value
    )
    return np.select(
        [uplift > limits.margin, uplift < -limits.margin],
        [Quadrant.PERSUADABLE.value, Quadrant.SLEEPING_DOG.value],
        default=no_effect,
    )
