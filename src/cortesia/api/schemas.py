"""Request bodies of the HTTP API (pydantic, API only; never domain objects).

Models are strict and forbid unknown fields. Instants travel as ISO 8601 text and
vocabularies (channel, kind, source…) as text: the engine parses them, so the API
and the CLI refuse the same input with the same field, value and reason. The same
engine parsers also run here, as validators, so one answer lists every field problem
of a body (a wrong type and an unknown channel together) instead of one at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from cortesia.domain.consent import EVIDENCE_FIELDS
from cortesia.domain.vocabulary import (
    Channel,
    ConsentKind,
    Source,
    parse_channel,
    parse_kind,
    parse_purpose,
    parse_source,
)
from cortesia.engine.instants import parse_instant
from cortesia.errors import ValidationError

_STRICT = ConfigDict(strict=True, extra="forbid")
MAX_BATCH = 10_000


def _one_problem(reason: str) -> WrapValidator:
    """One problem for a union, instead of one per member type (``x.str``, ``x.int``…)."""

    def check(value: object, handler: ValidatorFunctionWrapHandler) -> object:
        try:
            return handler(value)
        except PydanticValidationError:
            raise PydanticCustomError("invalid_type", reason) from None

    return WrapValidator(check)


ATTRIBUTE_REASON = "must be text, a number, true/false or a date (YYYY-MM-DD text)"
EVIDENCE_REASON = f"must be text, or an object of text values ({', '.join(EVIDENCE_FIELDS)})"
AttributeIn = Annotated[str | int | float | bool, _one_problem(ATTRIBUTE_REASON)]
EvidenceIn = Annotated[str | dict[str, str], _one_problem(EVIDENCE_REASON)]


def _one_of(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)


def _checked_by(parse: Callable[[str, str], object]) -> AfterValidator:
    """A validator that runs an engine parser and keeps the text (the engine parses again)."""

    def check(value: str) -> str:
        try:
            parse(value, "")
        except ValidationError as error:
            # The reason goes in as context: braces in it must not read as a template.
            reason = {"reason": error.problem.reason}
            raise PydanticCustomError("invalid", "{reason}", reason) from None
        return value

    return AfterValidator(check)


ChannelText = Annotated[str, _checked_by(parse_channel)]
PurposeText = Annotated[str, _checked_by(parse_purpose)]
KindText = Annotated[str, _checked_by(parse_kind)]
SourceText = Annotated[str, _checked_by(parse_source)]
InstantText = Annotated[str, _checked_by(parse_instant)]


class CustomerIn(BaseModel):
    """One customer to create or replace (upsert by ``customer_id``)."""

    model_config = _STRICT

    customer_id: str = Field(min_length=1, max_length=128, examples=["C-1001"])
    country: str = Field(description="ISO 3166-1 alpha-2", examples=["ES"])
    subdivision: str | None = Field(default=None, examples=["US-FL"])
    time_zone: str | None = Field(
        default=None, description="IANA zone; derived from phone or country when absent"
    )
    language: str | None = Field(default=None, examples=["es"])
    phone: str | None = Field(default=None, examples=["+34600111222"])
    phones: list[str] | None = None
    email: str | None = Field(default=None, examples=["ana@example.com"])
    emails: list[str] | None = None
    push_id: str | None = None
    push_ids: list[str] | None = None
    attributes: dict[str, AttributeIn] | None = Field(
        default=None, description="dates as ISO text (YYYY-MM-DD)", examples=[{"plan": "gold"}]
    )


class CustomerBatchIn(BaseModel):
    """Many customers, validated whole: one bad row rejects the batch."""

    model_config = _STRICT

    customers: list[CustomerIn] = Field(min_length=1, max_length=MAX_BATCH)


class ConsentEventIn(BaseModel):
    """One consent event. A replayed ``idempotency_key`` returns the original event."""

    model_config = _STRICT

    customer_id: str = Field(examples=["C-1001"])
    channel: ChannelText = Field(description=f"one of {_one_of(Channel)}", examples=["email"])
    purpose: PurposeText = Field(
        description="marketing, service, third_party, profiling, all or a snake_case topic",
        examples=["marketing"],
    )
    kind: KindText = Field(description=f"one of {_one_of(ConsentKind)}", examples=["opt_in"])
    occurred_at: InstantText | None = Field(
        default=None, description="ISO 8601 with offset; now when absent"
    )
    until: InstantText | None = Field(default=None, description="end of a snooze (ISO 8601)")
    values: dict[str, Any] | None = Field(default=None, description="preference values")
    source: SourceText = Field(default="api", description=f"one of {_one_of(Source)}")
    evidence: EvidenceIn | None = Field(
        default=None, description="text, or text/url/recording_id/ip/user_agent/notice_version"
    )
    lawful_basis: str | None = None
    jurisdiction: str | None = Field(default=None, examples=["ES"])
    actor: str | None = None
    idempotency_key: str | None = Field(default=None, max_length=200)


class ConsentBatchIn(BaseModel):
    """Many consent events, appended in one transaction or not at all."""

    model_config = _STRICT

    events: list[ConsentEventIn] = Field(min_length=1, max_length=MAX_BATCH)


def _shape(key: str) -> Callable[[Any], str]:
    def pick(value: Any) -> str:
        return "batch" if isinstance(value, dict) and key in value else "one"

    return pick


CustomersBody = Annotated[
    Annotated[CustomerIn, Tag("one")] | Annotated[CustomerBatchIn, Tag("batch")],
    Discriminator(_shape("customers")),
]
ConsentBody = Annotated[
    Annotated[ConsentEventIn, Tag("one")] | Annotated[ConsentBatchIn, Tag("batch")],
    Discriminator(_shape("events")),
]

# Tags of the bodies above: they appear in pydantic's error locations, never in ours.
BODY_TAGS = frozenset({"one", "batch"})


def rows_of(
    body: CustomerIn | CustomerBatchIn | ConsentEventIn | ConsentBatchIn,
) -> list[dict[str, Any]]:
    """The raw rows of a single or batch body, without the fields the caller left out."""
    if isinstance(body, CustomerBatchIn):
        return [row.model_dump(exclude_none=True) for row in body.customers]
    if isinstance(body, ConsentBatchIn):
        return [row.model_dump(exclude_none=True) for row in body.events]
    return [body.model_dump(exclude_none=True)]
