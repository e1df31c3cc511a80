"""What being contactable on a channel is worth per customer and day, from the controls.

For each segment and channel, the offers sent (treated) and held back (controls) of a
period give the incremental value of one offer, ``(response rate sent − response rate
held back) × mean value``, and how often a customer is offered something there (offers,
sent or held back, per customer and day). Their product is the value per day a customer
brings *because* they can be contacted there — what an opt-out stops. Groups whose control
group is smaller than ``min_control`` are left out (too little to measure); a negative
measure counts as zero.

>>> import polars as pl
>>> offers = pl.DataFrame({
...     "customer_id": ["a", "b", "c", "d"], "segment": ["s"] * 4, "channel": ["sms"] * 4,
...     "control": [None, None, "action", "action"], "responded": [True, False, False, False],
...     "value": [100.0] * 4})
>>> contact_value_per_day(offers, days=10, min_control=2)
{('s', 'sms'): 5.0}
"""

from __future__ import annotations

import polars as pl

from cortesia.errors import ValidationError


def contact_value_per_day(
    offers: pl.DataFrame, *, days: float, min_control: int = 30
) -> dict[tuple[str, str], float]:
    """``{(segment, channel): value per customer-day}`` measured on the period's offers."""
    if days <= 0:
        raise ValidationError("days", days, "must be above 0")
    sent = pl.col("control").is_null()
    held = pl.col("control").is_not_null()
    grouped = (
        offers.with_columns(pl.col("segment").fill_null("unknown"))
        .group_by("segment", "channel")
        .agg(
            sent.sum().alias("sent"),
            held.sum().alias("held"),
            (pl.col("responded") & sent).sum().alias("sent_yes"),
            (pl.col("responded") & held).sum().alias("held_yes"),
            pl.col("value").filter(sent).mean().alias("value"),
            pl.col("customer_id").n_unique().alias("customers"),
        )
        .filter((pl.col("held") >= min_control) & (pl.col("sent") > 0))
    )
    found: dict[tuple[str, str], float] = {}
    for row in grouped.iter_rows(named=True):
        lift = row["sent_yes"] / row["sent"] - row["held_yes"] / row["held"]
        frequency = (row["sent"] + row["held"]) / (row["customers"] * days)
        per_day = max(0.0, lift * (row["value"] or 0.0) * frequency)
        found[(str(row["segment"]), str(row["channel"]))] = per_day
    return found
