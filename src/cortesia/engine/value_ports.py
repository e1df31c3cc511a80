"""Port of the customers' lifetime values: what each is expected to bring from now on.

Part of ``Store`` (``cortesia.engine.ports``). A fit of the lifetime-value models
replaces the values of the customers it scored; erasing a customer deletes theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

# The decision variables that carry a customer's lifetime value (rules may read them).
LIFETIME_VALUE = "clv"  # residual value
LIFETIME_DAYS = "clv_days"  # expected remaining days


@dataclass(frozen=True, slots=True)
class CustomerValue:
    """One customer's expected residual value and the time it is spread over."""

    customer_id: str
    residual_value: float  # discounted margin expected from now on, over the horizon
    expected_periods: float  # discounted periods of life expected from now on
    period_days: float  # the length of one period of the model, in days
    model: str  # which fit produced it, e.g. "sbg@3"
    fitted_at: datetime


class CustomerValues(Protocol):
    """Residual lifetime values by customer."""

    def save_customer_values(self, values: Sequence[CustomerValue]) -> int:
        """Insert or replace each customer's value in one transaction; returns how many."""
        ...

    def customer_value(self, customer_id: str) -> CustomerValue | None: ...

    def count_customer_values(self) -> int: ...
