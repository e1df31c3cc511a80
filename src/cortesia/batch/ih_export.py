"""Offers and their outcomes written as Pega's Interaction History (IH), for pdstools.

The input is the **outcomes frame**: the ``offers`` columns of
``cortesia.batch.optout_attribution`` (``decision_id``, ``customer_id``, ``decided_at``,
``action_id``, ``campaign``, ``channel``, ``purpose``, ``segment``, ``control``, ``value``,
``eroded_value``, ``cost``, …) plus

- ``outcome`` (str or null): what was reported of the offer, in Cortesía's words
  (accepted, clicked, converted, rejected, ignored, opted_out, complained, delivered,
  failed, reached);
- ``outcome_at`` (datetime, UTC, or null): when.

One row per (offer, outcome); an offer nothing was reported of appears once, with both null.
Optional columns used when present: ``direction`` (inbound/outbound), ``issue``, ``group``,
``treatment``, ``propensity``.

The export has one **interaction per offer** (``pxInteractionID`` =
``decision_id/channel/action_id``; the decision itself is in ``DecisionID``) and, as Pega
records it, one row per outcome: first the offer itself — ``Impression`` (``Pending`` for
direct mail, as pdstools expects of that channel) at ``decided_at`` — then each outcome at
``outcome_at`` under Pega's standard label (``OUTCOME_LABELS``). Control offers are left out
unless asked for; then their first row says ``Holdout`` (they were not sent) and
``ExperimentGroup`` is ``Control`` rather than ``Test``.

Pega's names: ``pxInteractionID``, ``pySubjectID``, ``pyIssue`` (``issue``, else the
purpose), ``pyGroup`` (``group``, else the campaign), ``pyName`` (action), ``pyTreatment``,
``pyChannel`` (Pega's channel names, ``CHANNEL_NAMES``), ``pyDirection`` (``direction``,
else Inbound for in-app and Outbound for the rest), ``pyOutcome``, ``pxOutcomeTime`` and
``pxDecisionTime`` (Pega's ``20261124T101500.000 GMT`` strings, which pdstools parses),
``pyPropensity``; and ours: ``DecisionID``, ``ExperimentGroup``, ``ControlGroup``,
``Campaign``, ``Purpose``, ``Segment``, ``Value``, ``ErodedValue``, ``Cost``.

``pdstools.IH.from_ds_export(path)`` loads every format written here (parquet, csv, ndjson,
and zip: Pega's dataset export, ``data.json`` zipped).
"""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from cortesia.batch.optout_attribution import OFFER_COLUMNS, check_columns, utc_instants
from cortesia.errors import ValidationError

IH_FORMATS = ("parquet", "csv", "ndjson", "zip")
IH_FILE = "Data-pxStrategyResult_pxInteractionHistory"
CHANNEL_NAMES = {
    "sms": "SMS",
    "email": "Email",
    "voice": "Call Center",
    "push": "Push",
    "whatsapp": "WhatsApp",
    "in_app": "Mobile",
    "mail": "Direct Mail",
}
OUTCOME_LABELS = {
    "accepted": "Accepted",
    "clicked": "Clicked",
    "converted": "Conversion",
    "rejected": "Rejected",
    "ignored": "NoResponse",
    "opted_out": "OptOut",
    "complained": "Complaint",
    "delivered": "Delivered",
    "failed": "Failed",
    "reached": "Reached",
}
IH_COLUMNS = (
    "pxInteractionID",
    "pySubjectID",
    "pyIssue",
    "pyGroup",
    "pyName",
    "pyTreatment",
    "pyChannel",
    "pyDirection",
    "pyOutcome",
    "pxOutcomeTime",
    "pxDecisionTime",
    "pyPropensity",
    "DecisionID",
    "ExperimentGroup",
    "ControlGroup",
    "Campaign",
    "Purpose",
    "Segment",
    "Value",
    "ErodedValue",
    "Cost",
)
# The offer columns up to ``cost`` (response and fatigue columns are not exported), then
# what came of the offer.
_REQUIRED = (*OFFER_COLUMNS[: OFFER_COLUMNS.index("cost") + 1], "outcome", "outcome_at")
_PEGA_TIME = "%Y%m%dT%H%M%S%.3f GMT"


def ih_frame(outcomes: pl.DataFrame, *, include_controls: bool = False) -> pl.DataFrame:
    """The interaction history rows of ``outcomes`` (``IH_COLUMNS``), in interaction order.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 11, 24, 10, 15, tzinfo=timezone.utc)
    >>> outcomes = pl.DataFrame({"decision_id": ["d1", "d1"], "customer_id": ["c1", "c1"],
    ...     "decided_at": [t, t], "action_id": ["gold", "gold"], "campaign": ["cards"] * 2,
    ...     "channel": ["email"] * 2, "purpose": ["marketing"] * 2, "segment": ["s"] * 2,
    ...     "control": [None, None], "value": [9.0] * 2, "eroded_value": [50.0] * 2,
    ...     "cost": [0.1] * 2, "outcome": ["delivered", "clicked"],
    ...     "outcome_at": [t, t.replace(hour=11)]})
    >>> ih_frame(outcomes).select("pyOutcome", "pxOutcomeTime").rows()[:2]
    [('Impression', '20261124T101500.000 GMT'), ('Delivered', '20261124T101500.000 GMT')]
    """
    check_columns(outcomes, _REQUIRED, "outcomes")
    if outcomes.schema["outcome_at"] == pl.Null:  # nothing reported yet
        outcomes = outcomes.with_columns(pl.col("outcome_at").cast(pl.Datetime("us", "UTC")))
    for column in ("decided_at", "outcome_at"):
        outcomes = utc_instants(outcomes, column, "outcomes")
    rows = outcomes if include_controls else outcomes.filter(pl.col("control").is_null())
    rows = rows.with_columns(*_identity(rows))
    offers = rows.unique("pxInteractionID", keep="first", maintain_order=True).with_columns(
        _first_outcome().alias("pyOutcome"), pl.col("decided_at").alias("_when")
    )
    reported = rows.filter(pl.col("outcome").is_not_null()).with_columns(
        _outcome_label().alias("pyOutcome"),
        pl.coalesce("outcome_at", "decided_at").alias("_when"),
    )
    both = pl.concat([offers.with_columns(_order=0), reported.with_columns(_order=1)])
    return (
        both.sort("pxInteractionID", "_order", "_when", maintain_order=True)
        .with_columns(
            pl.col("_when")
            .dt.convert_time_zone("UTC")
            .dt.strftime(_PEGA_TIME)
            .alias("pxOutcomeTime"),
            pl.col("decided_at")
            .dt.convert_time_zone("UTC")
            .dt.strftime(_PEGA_TIME)
            .alias("pxDecisionTime"),
        )
        .select(IH_COLUMNS)
    )


def ih_file_name(when: datetime, file_format: str = "zip") -> str:
    """The name Pega gives an IH dataset export taken at ``when``.

    >>> from datetime import timezone
    >>> ih_file_name(datetime(2026, 11, 24, 6, tzinfo=timezone.utc))
    'Data-pxStrategyResult_pxInteractionHistory_20261124T060000_GMT.zip'
    """
    _check_format(file_format)
    if when.utcoffset() is None:
        raise ValidationError("when", when, "needs a time zone")
    return f"{IH_FILE}_{when.astimezone(UTC):%Y%m%dT%H%M%S}_GMT.{file_format}"


def write_ih(outcomes: pl.DataFrame, path: Path, *, include_controls: bool = False) -> int:
    """Write the interaction history of ``outcomes`` to ``path``; return the rows written.

    The format follows the suffix: ``.parquet``, ``.csv``, ``.ndjson`` or ``.zip`` (Pega's
    dataset export: ``data.json``, one JSON object a line, zipped).
    """
    file_format = path.suffix.lower().lstrip(".")
    _check_format(file_format)
    frame = ih_frame(outcomes, include_controls=include_controls)
    path.parent.mkdir(parents=True, exist_ok=True)
    if file_format == "parquet":
        frame.write_parquet(path)
    elif file_format == "csv":
        frame.write_csv(path)
    elif file_format == "ndjson":
        frame.write_ndjson(path)
    else:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", frame.write_ndjson())
    return frame.height


def _check_format(file_format: str) -> None:
    if file_format not in IH_FORMATS:
        raise ValidationError("file_format", file_format, f"must be one of {', '.join(IH_FORMATS)}")


def _optional(frame: pl.DataFrame, column: str, fallback: pl.Expr) -> pl.Expr:
    return pl.col(column) if column in frame.columns else fallback


def _identity(rows: pl.DataFrame) -> list[pl.Expr]:
    channel = pl.col("channel").cast(pl.String)
    inferred = pl.when(channel == "in_app").then(pl.lit("Inbound")).otherwise(pl.lit("Outbound"))
    direction = _optional(rows, "direction", inferred).cast(pl.String).str.to_titlecase()
    treated = pl.col("control").is_null()
    return [
        pl.concat_str("decision_id", "channel", "action_id", separator="/").alias(
            "pxInteractionID"
        ),
        pl.col("customer_id").alias("pySubjectID"),
        _optional(rows, "issue", pl.col("purpose")).cast(pl.String).alias("pyIssue"),
        _optional(rows, "group", pl.col("campaign")).cast(pl.String).alias("pyGroup"),
        pl.col("action_id").alias("pyName"),
        _optional(rows, "treatment", pl.lit(None)).cast(pl.String).alias("pyTreatment"),
        channel.replace_strict(CHANNEL_NAMES, default=channel).alias("pyChannel"),
        pl.coalesce(direction, inferred).alias("pyDirection"),
        _optional(rows, "propensity", pl.lit(None)).cast(pl.Float64).alias("pyPropensity"),
        pl.col("decision_id").alias("DecisionID"),
        pl.when(treated).then(pl.lit("Test")).otherwise(pl.lit("Control")).alias("ExperimentGroup"),
        pl.col("control").cast(pl.String).alias("ControlGroup"),
        pl.col("campaign").alias("Campaign"),
        pl.col("purpose").alias("Purpose"),
        pl.col("segment").alias("Segment"),
        pl.col("value").cast(pl.Float64).alias("Value"),
        pl.col("eroded_value").cast(pl.Float64).alias("ErodedValue"),
        pl.col("cost").cast(pl.Float64).alias("Cost"),
    ]


def _first_outcome() -> pl.Expr:
    """What the offer itself is: an impression, pending direct mail, or a withheld control."""
    return (
        pl.when(pl.col("control").is_not_null())
        .then(pl.lit("Holdout"))
        .when(pl.col("pyChannel") == CHANNEL_NAMES["mail"])
        .then(pl.lit("Pending"))
        .otherwise(pl.lit("Impression"))
    )


def _outcome_label() -> pl.Expr:
    outcome = pl.col("outcome").cast(pl.String)
    return outcome.replace_strict(OUTCOME_LABELS, default=outcome.str.to_titlecase())
