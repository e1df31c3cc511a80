"""Request bodies of the contact-policy endpoints (pydantic, API only)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cortesia.api.schemas import ChannelText, InstantText, PurposeText

_STRICT = ConfigDict(strict=True, extra="forbid")


class PolicyCheckIn(BaseModel):
    """May we contact this customer? With ``reserve``, hold the slot when allowed."""

    model_config = _STRICT
    customer: str = Field(min_length=1, max_length=128, examples=["C-1001"])
    channel: ChannelText = Field(examples=["sms"])
    purpose: PurposeText = Field(examples=["marketing"])
    at: InstantText | None = Field(default=None, description="ISO 8601 with offset; now if absent")
    action: str | None = Field(default=None, max_length=128)
    action_group: str | None = Field(default=None, max_length=128, examples=["sales/data_packs"])
    category: str | None = Field(default=None, max_length=64, examples=["sales"])
    subject: str | None = Field(default=None, max_length=128)
    direction: Literal["outbound", "inbound"] = "outbound"
    reserve: bool = False


class LegalCheckIn(BaseModel):
    """The bare legal check for a place and a local time, without a customer."""

    model_config = _STRICT
    country: str = Field(min_length=2, max_length=2, examples=["CO"])
    subdivision: str | None = Field(default=None, max_length=8, examples=["US-FL"])
    time_zone: str | None = Field(default=None, max_length=64)
    channel: ChannelText = Field(examples=["voice"])
    purpose: PurposeText = Field(examples=["marketing"])
    at: InstantText = Field(description="ISO 8601 with the offset of the local time meant")
    consent: Literal["unknown", "opted_in", "opted_out", "snoozed"] = "unknown"
