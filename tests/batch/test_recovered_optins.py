"""Recovered opt-ins: grants that follow a withdrawal, by touchpoint, with the value they bring."""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.batch.optout_support import change, consent_frame, day

from cortesia.batch.recovered_optins import RECOVERY_COLUMNS, recovered_grants, recovered_optins
from cortesia.errors import ValidationError


def _recovered(*rows: dict[str, object]) -> list[tuple[object, ...]]:
    frame = recovered_grants(consent_frame(list(rows)))
    return frame.select("customer_id", "source").rows()


def test_a_grant_after_a_withdrawal_of_the_same_scope_is_a_recovery() -> None:
    assert _recovered(
        change("c1", day(1)), change("c1", day(9), kind="granted", source="invoice")
    ) == [("c1", "invoice")]


def test_a_first_grant_or_a_grant_after_a_grant_is_not() -> None:
    assert (
        _recovered(
            change("c1", day(1), kind="granted", source="web"),
            change("c1", day(2), kind="granted", source="app"),
        )
        == []
    )


def test_only_the_first_grant_after_a_withdrawal_counts() -> None:
    assert _recovered(
        change("c1", day(1)),
        change("c1", day(2), kind="granted", source="pos"),
        change("c1", day(3), kind="granted", source="app"),
    ) == [("c1", "pos")]


def test_a_withdrawal_after_the_grant_does_not_count() -> None:
    assert _recovered(change("c1", day(5), kind="granted"), change("c1", day(6))) == []


@pytest.mark.parametrize(
    ("withdrawn", "granted", "recovered"),
    [
        (("all", "marketing"), ("email", "marketing"), True),  # back on part of it
        (("email", "marketing"), ("all", "marketing"), True),  # grant covers what was lost
        (("sms", "all"), ("sms", "music_offers"), True),
        (("sms", "marketing"), ("sms", "music_offers"), True),  # marketing covers topics
        (("email", "all"), ("all", "marketing"), True),  # email × marketing lies in both
        (("sms", "service"), ("sms", "marketing"), False),
        (("email", "marketing"), ("sms", "marketing"), False),
        (("sms", "music_offers"), ("sms", "news"), False),
    ],
)
def test_scopes_that_overlap_make_a_recovery(
    withdrawn: tuple[str, str], granted: tuple[str, str], recovered: bool
) -> None:
    rows = _recovered(
        change("c1", day(1), channel=withdrawn[0], purpose=withdrawn[1]),
        change("c1", day(2), kind="granted", channel=granted[0], purpose=granted[1]),
    )
    assert bool(rows) is recovered


def test_a_scope_granted_again_since_its_withdrawal_is_no_longer_lost() -> None:
    assert _recovered(
        change("c1", day(1), channel="email"),
        change("c1", day(2), kind="granted", channel="email", source="web"),
        change("c1", day(3), kind="granted", channel="all", source="app"),
    ) == [("c1", "web")]


def test_other_customers_withdrawals_do_not_count() -> None:
    assert _recovered(change("c1", day(1)), change("c2", day(2), kind="granted")) == []


def test_recoveries_are_counted_and_valued_by_touchpoint() -> None:
    consent = consent_frame(
        [
            change("c1", day(1)),
            change("c1", day(2), kind="granted", source="invoice", value=40.0),
            change("c2", day(1)),
            change("c2", day(3), kind="granted", source="invoice", value=None),
            change("c3", day(1), channel="all"),
            change("c3", day(4), kind="granted", channel="email", source="app", value=25.0),
            change("c3", day(4), kind="granted", channel="sms", source="app", value=15.0),
            change("c4", day(1)),
            change("c4", day(5), kind="granted", source="call_centre", value=90.0),
        ]
    )
    report = recovered_optins(consent)
    assert report.columns == list(RECOVERY_COLUMNS)
    assert report.rows() == [
        ("call_centre", 1, 1, 90.0, 0),
        ("app", 2, 1, 40.0, 0),
        ("invoice", 2, 2, 40.0, 1),
    ]
    in_period = recovered_optins(consent, start=day(3), end=day(5))
    assert in_period.rows() == [("app", 2, 1, 40.0, 0), ("invoice", 1, 1, 0.0, 1)]


def test_a_naive_period_bound_is_refused() -> None:
    consent = consent_frame([change("c1", day(1))])
    with pytest.raises(ValidationError, match="start"):
        recovered_optins(consent, start=datetime(2026, 11, 1))
    with pytest.raises(ValidationError, match="source"):
        recovered_optins(consent.drop("source"))
