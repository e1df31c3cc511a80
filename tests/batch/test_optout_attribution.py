"""Opt-outs attributed to the contacts before them: last touch, even split, window, coverage."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest
from tests.batch.optout_support import change, consent_frame, day, offer, offers_frame

from cortesia.batch.optout_attribution import attribute_optouts, offers_with_optouts
from cortesia.errors import ValidationError

TWO_CONTACTS = offers_frame(
    [offer("d1", "c1", day(1), action_id="early"), offer("d2", "c1", day(3), action_id="late")]
)
OPT_OUT = consent_frame([change("c1", day(5), value=80.0)])


def _blame(offers: pl.DataFrame, consent: pl.DataFrame, **options: object) -> dict[str, float]:
    scored = offers_with_optouts(offers, consent, **options)  # type: ignore[arg-type]
    return dict(zip(scored["decision_id"], scored["opt_outs"], strict=True))


def test_last_touch_gives_the_whole_opt_out_and_its_value_to_the_latest_contact() -> None:
    scored = offers_with_optouts(TWO_CONTACTS, OPT_OUT)
    assert scored.select("decision_id", "opt_outs", "value_eroded").rows() == [
        ("d1", 0.0, 0.0),
        ("d2", 1.0, 80.0),
    ]


def test_even_split_shares_the_opt_out_and_its_value_among_every_contact_in_the_window() -> None:
    scored = offers_with_optouts(TWO_CONTACTS, OPT_OUT, rule="even")
    assert scored.select("decision_id", "opt_outs", "value_eroded").rows() == [
        ("d1", 0.5, 40.0),
        ("d2", 0.5, 40.0),
    ]


def test_contacts_tied_at_the_latest_instant_split_the_last_touch() -> None:
    offers = offers_frame(
        [offer("d1", "c1", day(3)), offer("d2", "c1", day(3)), offer("d3", "c1", day(1))]
    )
    assert _blame(offers, OPT_OUT) == {"d1": 0.5, "d2": 0.5, "d3": 0.0}


def test_the_window_includes_both_ends_and_nothing_beyond() -> None:
    at = day(10)
    offers = offers_frame(
        [
            offer("exactly_7_days", "c1", at - timedelta(days=7)),
            offer("just_over_7_days", "c1", at - timedelta(days=7, microseconds=1)),
            offer("same_instant", "c1", at),
            offer("after", "c1", at + timedelta(microseconds=1)),
        ]
    )
    blamed = _blame(offers, consent_frame([change("c1", at)]), rule="even")
    assert blamed == {
        "exactly_7_days": 0.5,
        "just_over_7_days": 0.0,
        "same_instant": 0.5,
        "after": 0.0,
    }


def test_a_shorter_window_leaves_an_older_contact_out() -> None:
    blamed = _blame(TWO_CONTACTS, OPT_OUT, rule="even", window_days=3)
    assert blamed == {"d1": 0.0, "d2": 1.0}


def test_an_opt_out_with_no_contact_in_the_window_is_organic() -> None:
    consent = consent_frame(
        [
            change("c1", day(30)),  # the contacts were weeks before
            change("c1", day(5), channel="email"),  # no e-mail contact at all
            change("c2", day(5)),  # never contacted
            change("c1", day(4)),  # blamed on d2
        ]
    )
    attribution = attribute_optouts(TWO_CONTACTS, consent)
    assert attribution.organic.select("customer_id", "channel").rows() == [
        ("c1", "sms"),
        ("c1", "email"),
        ("c2", "sms"),
    ]
    assert attribution.links.select("optout_id", "offer_index", "share").rows() == [(3, 1, 1.0)]


@pytest.mark.parametrize(
    ("optout_channel", "optout_purpose", "offer_purpose", "blamed"),
    [
        ("all", "marketing", "marketing", True),  # every channel covers SMS
        ("sms", "marketing", "music_offers", True),  # marketing covers its topics
        ("sms", "all", "service", True),  # every purpose covers service
        ("sms", "marketing", "service", False),  # marketing does not cover service
        ("sms", "music_offers", "marketing", False),  # a topic does not cover marketing
        ("sms", "music_offers", "news", False),  # nor another topic
        ("email", "all", "marketing", False),  # another channel
    ],
)
def test_an_opt_out_is_blamed_only_on_contacts_its_scope_covers(
    optout_channel: str, optout_purpose: str, offer_purpose: str, blamed: bool
) -> None:
    offers = offers_frame([offer("d1", "c1", day(1), purpose=offer_purpose)])
    consent = consent_frame([change("c1", day(2), channel=optout_channel, purpose=optout_purpose)])
    assert _blame(offers, consent) == {"d1": 1.0 if blamed else 0.0}


def test_the_offers_eroded_value_stands_in_when_the_opt_out_carries_none() -> None:
    offers = offers_frame([offer("d1", "c1", day(1), eroded_value=35.0)])
    scored = offers_with_optouts(offers, consent_frame([change("c1", day(2), value=None)]))
    assert scored["value_eroded"].to_list() == [35.0]


def test_control_offers_take_their_share_among_themselves_as_if_sent() -> None:
    offers = offers_frame(
        [
            offer("treated", "c1", day(1)),
            offer("held_earlier", "c1", day(2), control="action"),
            offer("held_later", "c1", day(3), control="global"),
        ]
    )
    assert _blame(offers, OPT_OUT) == {"treated": 1.0, "held_earlier": 0.0, "held_later": 1.0}
    assert _blame(offers, OPT_OUT, rule="even") == {
        "treated": 1.0,
        "held_earlier": 0.5,
        "held_later": 0.5,
    }


def test_an_opt_out_after_only_control_offers_is_organic() -> None:
    offers = offers_frame([offer("held", "c1", day(3), control="action")])
    attribution = attribute_optouts(offers, OPT_OUT)
    assert attribution.organic.height == 1
    assert attribution.links.select("treated", "share").rows() == [(False, 1.0)]


def test_granted_changes_are_not_opt_outs() -> None:
    consent = consent_frame([change("c1", day(4), kind="granted", value=10.0)])
    assert _blame(TWO_CONTACTS, consent) == {"d1": 0.0, "d2": 0.0}


def test_each_opt_out_counts_on_its_own() -> None:
    consent = consent_frame([change("c1", day(4)), change("c1", day(5), channel="all")])
    assert _blame(TWO_CONTACTS, consent) == {"d1": 0.0, "d2": 2.0}


@pytest.mark.parametrize(
    ("options", "field"),
    [({"rule": "first"}, "rule"), ({"window_days": 0}, "window_days")],
)
def test_a_bad_rule_or_window_is_refused(options: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        attribute_optouts(TWO_CONTACTS, OPT_OUT, **options)  # type: ignore[arg-type]


def test_a_frame_missing_a_column_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError, match="eroded_value"):
        attribute_optouts(TWO_CONTACTS.drop("eroded_value"), OPT_OUT)
    with pytest.raises(ValidationError, match="occurred_at"):
        attribute_optouts(TWO_CONTACTS, OPT_OUT.drop("occurred_at"))


def test_instants_in_any_time_zone_are_compared_as_the_same_moments() -> None:
    madrid = OPT_OUT.with_columns(pl.col("occurred_at").dt.convert_time_zone("Europe/Madrid"))
    nanoseconds = TWO_CONTACTS.with_columns(pl.col("decided_at").dt.cast_time_unit("ns"))
    assert _blame(nanoseconds, madrid) == {"d1": 0.0, "d2": 1.0}


def test_instants_without_a_time_zone_are_refused() -> None:
    naive = OPT_OUT.with_columns(pl.col("occurred_at").dt.replace_time_zone(None))
    with pytest.raises(ValidationError, match=r"consent\.occurred_at"):
        attribute_optouts(TWO_CONTACTS, naive)
