"""Request bodies of the decision and outcome endpoints (pydantic, API only)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cortesia.api.schemas import InstantText
from cortesia.engine.decide import MAX_LIMIT

_STRICT = ConfigDict(strict=True, extra="forbid")
ContextScalar = str | int | float | bool | None


class DecisionIn(BaseModel):
    """Ask for the next best actions of one customer on one channel."""

    model_config = _STRICT
    customer: str = Field(min_length=1, max_length=128, examples=["7590-VHVEG"])
    channel: str = Field(
        min_length=1, max_length=32, examples=["sms"], description="a channel; `app` = in_app"
    )
    direction: Literal["outbound", "inbound"] = "outbound"
    context: dict[str, ContextScalar] = Field(
        default_factory=dict, examples=[{"inbound_reason": "billing", "device": "android"}]
    )
    at: InstantText | None = Field(default=None, description="ISO 8601 with offset; now if absent")
    limit: int = Field(default=1, ge=1, le=MAX_LIMIT, description="top-k actions on the channel")


OutcomeName = Literal[
    "accepted",
    "rejected",
    "ignored",
    "clicked",
    "converted",
    "opted_out",
    "complained",
    "delivered",
    "failed",
]


class OutcomeIn(BaseModel):
    """What came of an action a decision offered; idempotent by ``key``."""

    model_config = _STRICT
    decision_id: str = Field(min_length=1, max_length=64)
    action: str = Field(min_length=1, max_length=64, examples=["data_pack_5gb"])
    outcome: OutcomeName = Field(examples=["accepted"])
    key: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="idempotency key (default: decision, action and outcome)",
    )
    at: InstantText | None = Field(default=None, description="when it happened; now if absent")
