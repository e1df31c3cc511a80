"""Control groups: who is held back from marketing so that its effect can be measured.

Two kinds, both assigned by a salted hash so that every process, every day, puts the same
customer in the same place, and no learner's exploration can choose who is held back:

- the **global holdout**: a stable share of customers who receive no marketing at all;
  comparing them with everyone else measures what the whole programme adds;
- **per-action controls**: a share of the customers an action would have been sent to;
  the decision logs it as "would have sent" but the channel does not send it, so the
  action's response among the sent and the held back measures its uplift.

Only purposes that are marketing (marketing itself and its topics) or third-party offers
are withheld: service and collections messages are never held back.

>>> design = ControlDesign(global_holdout=0.02, action_control=0.05, salt="s")
>>> held = sum(design.in_global_holdout(f"C{n}") for n in range(20_000))
>>> 0.015 < held / 20_000 < 0.025
True
>>> design.in_global_holdout("C7") == design.in_global_holdout("C7")
True
>>> withholdable("service"), withholdable("marketing"), withholdable("music_offers")
(False, True, True)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from cortesia.domain.vocabulary import MARKETING, THIRD_PARTY, purpose_covers

_SCALE = float(1 << 64)


class Control(StrEnum):
    """Why an action a decision would have sent was held back."""

    GLOBAL = "global"  # the customer is in the global holdout
    ACTION = "action"  # the customer is in this action's control group


@dataclass(frozen=True, slots=True)
class ControlDesign:
    """The shares held back and the salt of the assignment (a catalog setting).

    Changing the salt reshuffles everyone: keep it for the life of a measurement.
    """

    global_holdout: float = 0.0
    action_control: float = 0.0
    salt: str = "cortesia"

    def in_global_holdout(self, customer_id: str) -> bool:
        """True when the customer receives no marketing."""
        if self.global_holdout <= 0.0:
            return False
        return _unit(f"{self.salt}|global|{customer_id}") < self.global_holdout

    def in_action_control(self, customer_id: str, action_id: str, share: float | None) -> bool:
        """True when the action is held back from this customer (``share`` overrides the
        catalog's per-action share for this action)."""
        wanted = self.action_control if share is None else share
        if wanted <= 0.0:
            return False
        return _unit(f"{self.salt}|action|{action_id}|{customer_id}") < wanted

    def control_of(
        self, customer_id: str, action_id: str, purpose: str, share: float | None
    ) -> Control | None:
        """Which control, if any, holds this action back from this customer."""
        if not withholdable(purpose):
            return None
        if self.in_global_holdout(customer_id):
            return Control.GLOBAL
        if self.in_action_control(customer_id, action_id, share):
            return Control.ACTION
        return None


def withholdable(purpose: str) -> bool:
    """True for purposes a control group may hold back (never service or collections)."""
    return purpose == THIRD_PARTY or purpose_covers(MARKETING, purpose)


def _unit(text: str) -> float:
    """A uniform number in [0, 1) from the text (BLAKE2b: fast, stable across runs)."""
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / _SCALE
