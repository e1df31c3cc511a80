"""Request bodies of the contact-history endpoints (pydantic, API only)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from cortesia.api.schemas import ChannelText, InstantText, PurposeText

_STRICT = ConfigDict(strict=True, extra="forbid")


class ContactIn(BaseModel):
    """A contact made elsewhere (sent); without ``contact_id`` one is derived from it."""

    model_config = _STRICT
    contact_id: str | None = Field(default=None, max_length=64)
    idempotency_key: str | None = Field(default=None, max_length=128)
    customer_id: str = Field(min_length=1, max_length=128)
    channel: ChannelText
    purpose: PurposeText
    occurred_at: InstantText
    action_id: str | None = Field(default=None, max_length=128)
    action_group: str | None = Field(default=None, max_length=128)
    category: str | None = Field(default=None, max_length=64)
    subject: str | None = Field(default=None, max_length=128)
    direction: Literal["outbound", "inbound"] = "outbound"
    outcome: str | None = Field(default=None, max_length=32)
    outcome_at: InstantText | None = None


class ContactBatchIn(BaseModel):
    model_config = _STRICT
    contacts: list[ContactIn] = Field(min_length=1, max_length=10_000)


ContactBody = Annotated[ContactBatchIn | ContactIn, Field(union_mode="left_to_right")]


class OutcomeIn(BaseModel):
    """What came of a sent contact."""

    model_config = _STRICT
    outcome: str = Field(max_length=32, examples=["accepted"])
    at: InstantText | None = Field(default=None, description="when it happened; now if absent")
