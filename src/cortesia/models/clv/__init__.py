"""Customer lifetime value: how long customers stay, how often they buy, what they spend.

- :mod:`~cortesia.models.clv.sbg` — contractual (postpaid, subscriptions): the
  shifted-beta-geometric model of renewals, residual lifetime and residual value.
- :mod:`~cortesia.models.clv.bgnbd` — non-contractual (prepaid, retail): BG/NBD, the
  chance a customer is still active and their expected purchases.
- :mod:`~cortesia.models.clv.gamma_gamma` — spend per purchase, and the discounted lifetime
  value that combines it with BG/NBD.

Fitted models are frozen dataclasses with ``to_dict`` / ``from_dict`` (JSON-able).
"""

from __future__ import annotations

from cortesia.models.clv.bgnbd import BgNbd, bgnbd_log_likelihood, fit_bgnbd
from cortesia.models.clv.gamma_gamma import (
    GammaGamma,
    customer_lifetime_value,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
)
from cortesia.models.clv.sbg import (
    ShiftedBetaGeometric,
    fit_sbg,
    fit_sbg_cohort,
    sbg_log_likelihood,
)

__all__ = [
    "BgNbd",
    "GammaGamma",
    "ShiftedBetaGeometric",
    "bgnbd_log_likelihood",
    "customer_lifetime_value",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_sbg",
    "fit_sbg_cohort",
    "gamma_gamma_log_likelihood",
    "sbg_log_likelihood",
]
