from __future__ import annotations

from typing import Any

from tests.cli.conftest import EXAMPLES, Cli, one_line

from cortesia.cli.options import RECORDABLE_KINDS
from cortesia.domain.consent import LAWFUL_BASES
from cortesia.domain.vocabulary import Channel, ConsentKind, Source

OPT_IN = (
    "consent",
    "record",
    "--customer",
    "C1",
    "--channel",
    "email",
    "--purpose",
    "marketing",
    "--kind",
    "opt_in",
    "--source",
    "web",
    "--at",
    "2026-01-10T09:00:00+01:00",
    "--key",
    "signup-C1",
    "--evidence",
    "url=https://example.com/signup",
    "--evidence",
    "ticked the box",
    "--lawful-basis",
    "consent",
    "--jurisdiction",
    "es",
)
OPT_OUT_ALL = (
    "consent",
    "record",
    "--customer",
    "C1",
    "--channel",
    "all",
    "--purpose",
    "marketing",
    "--kind",
    "opt_out",
    "--source",
    "sms_keyword",
    "--at",
    "2026-02-01T12:00:00+01:00",
)


def _status(state: dict[str, Any], channel: str, purpose: str) -> str:
    found = [e for e in state["consent"] if (e["channel"], e["purpose"]) == (channel, purpose)]
    return str(found[0]["status"]) if found else "absent"


def test_recorded_opt_in_is_shown_now_and_not_before_it_happened(cli: Cli) -> None:
    recorded = cli.json(*OPT_IN)
    assert recorded["created"] is True
    assert recorded["event"]["evidence"] == {
        "url": "https://example.com/signup",
        "text": "ticked the box",
    }
    assert recorded["event"]["jurisdiction"] == "ES"
    now = cli.json("consent", "show", "C1")
    assert now["customer"] == "C1"
    assert now["consent"][0] | {"since": None} == {
        "channel": "email",
        "purpose": "marketing",
        "status": "opted_in",
        "since": None,
        "until": None,
        "event_id": recorded["event"]["event_id"],
    }
    assert now["consent"][0]["since"] == "2026-01-10T08:00:00+00:00"
    before = cli.json("consent", "show", "C1", "--at", "2026-01-01T00:00:00+00:00")
    assert before == {
        "customer": "C1",
        "at": "2026-01-01T00:00:00+00:00",
        "consent": [],
        "preferences": {},
    }


def test_opt_out_from_all_marketing_shows_in_the_present_but_not_in_the_past(cli: Cli) -> None:
    cli.ok(*OPT_IN)
    cli.ok(*OPT_OUT_ALL)
    now = cli.json("consent", "show", "C1")
    past = cli.json("consent", "show", "C1", "--at", "2026-01-20T00:00:00+01:00")
    assert _status(now, "email", "marketing") == "opted_out"
    assert _status(past, "email", "marketing") == "opted_in"


def test_snooze_and_preferences_are_recorded_with_their_values(cli: Cli) -> None:
    cli.ok(
        "consent",
        "record",
        "-c",
        "C1",
        "--channel",
        "sms",
        "--purpose",
        "marketing",
        "--kind",
        "snooze",
        "--source",
        "app",
        "--at",
        "2026-01-01T00:00:00+00:00",
        "--until",
        "2099-01-01T00:00:00+00:00",
    )
    cli.ok(
        "consent",
        "record",
        "-c",
        "C1",
        "--channel",
        "sms",
        "--purpose",
        "marketing",
        "--kind",
        "preference",
        "--source",
        "app",
        "--at",
        "2026-01-01T00:00:00+00:00",
        "--value",
        "max_per_week=2",
        "--value",
        "allowed_hours=09:00-21:00",
        "--value",
        "preferred_channels=sms,email",
    )
    state = cli.json("consent", "show", "C1")
    snooze = state["consent"][0]
    assert (snooze["status"], snooze["until"]) == ("snoozed", "2099-01-01T00:00:00+00:00")
    assert state["preferences"]["sms"] == {
        "max_per_week": 2,
        "allowed_hours": "09:00-21:00",
        "preferred_channels": ["sms", "email"],
    }


def test_show_without_json_prints_a_table_row_per_scope(cli: Cli) -> None:
    cli.ok(*OPT_IN)
    shown = cli.ok("consent", "show", "C1").stdout
    assert "Consent of C1" in shown
    assert "email" in shown and "opted_in" in shown and "2026-01-10 08:00:00 +00:00" in shown


def test_replayed_key_says_replayed_and_writes_nothing(cli: Cli) -> None:
    first = cli.ok(*OPT_IN).stdout
    again = cli.ok(*OPT_IN).stdout
    assert first.startswith("Recorded") and again.startswith("Replayed")
    replay = cli.json(*OPT_IN)
    assert replay["created"] is False
    assert len(cli.json("consent", "history", "C1")["events"]) == 1


def test_bad_kind_is_one_line_exit_2_and_nothing_written(cli: Cli) -> None:
    bad = [*OPT_IN]
    bad[bad.index("opt_in")] = "maybe"
    result = cli(*bad)
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert "kind" in line and "'maybe'" in line and "unknown kind" in line
    assert result.stdout == ""
    assert cli.json("consent", "history", "C1")["events"] == []


def test_erasure_is_refused_as_a_kind_pointing_at_customers_erase(cli: Cli) -> None:
    erasure = [*OPT_IN]
    erasure[erasure.index("opt_in")] = "Erasure"
    result = cli(*erasure)
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert "kind='Erasure'" in line and "use cortesia customers erase" in line
    assert cli.json("consent", "history", "C1")["events"] == []


def test_an_unknown_kind_lists_only_the_kinds_that_can_be_recorded(cli: Cli) -> None:
    bad = [*OPT_IN]
    bad[bad.index("opt_in")] = "maybe"
    line = one_line(cli(*bad).stderr)
    assert line.endswith(f"use one of {', '.join(RECORDABLE_KINDS)}")
    assert "erasure" not in line


def test_snooze_without_its_end_is_refused_naming_until(cli: Cli) -> None:
    result = cli(
        "consent",
        "record",
        "-c",
        "C1",
        "--channel",
        "sms",
        "--purpose",
        "marketing",
        "--kind",
        "snooze",
        "--source",
        "app",
    )
    assert result.exit_code == 2
    assert "until" in one_line(result.stderr)
    assert cli.sql("SELECT count(*) FROM consent_events") == [(0,)]


def test_instant_without_offset_is_refused(cli: Cli) -> None:
    result = cli("consent", "show", "C1", "--at", "2026-01-01T00:00:00")
    assert result.exit_code == 2
    assert "needs a UTC offset" in one_line(result.stderr)


def test_missing_source_is_one_line_naming_it_with_its_values_and_where_help_is(cli: Cli) -> None:
    result = cli(
        "consent",
        "record",
        "--customer",
        "C1",
        "--channel",
        "email",
        "--purpose",
        "marketing",
        "--kind",
        "opt_in",
    )
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert line.startswith("error: missing option --source (where the consent was collected: ")
    assert all(source.value in line for source in Source)
    assert line.endswith("see cortesia consent record --help")
    assert "Usage:" not in result.output
    assert result.stdout == ""


def test_record_help_lists_exactly_what_the_validators_accept(cli: Cli) -> None:
    shown = " ".join(cli.ok("consent", "record", "--help").stdout.split())
    for option, values in (
        ("--source SOURCE", Source),
        ("--channel CHANNEL", Channel),
        ("--kind KIND", RECORDABLE_KINDS),
        ("--lawful-basis BASIS", LAWFUL_BASES),
    ):
        described = shown.split(option, 1)[1].split(" --", 1)[0]
        assert all(str(value) in described for value in values), option
    kinds = shown.split("--kind KIND", 1)[1].split(" --", 1)[0]
    assert "erasure" not in kinds and "customers erase" in kinds
    assert set(RECORDABLE_KINDS) == set(ConsentKind) - {ConsentKind.ERASURE}
    until = shown.split("--until INSTANT", 1)[1].split(" --", 1)[0]
    assert "end of the snooze" in until.lower() and "only with" in until


def test_reused_key_with_a_different_statement_is_one_line_naming_the_key(cli: Cli) -> None:
    cli.ok(*OPT_IN)
    other = [*OPT_IN]
    other[other.index("opt_in")] = "opt_out"
    result = cli(*other)
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert "idempotency_key='signup-C1'" in line and "use a new key" in line
    assert len(cli.json("consent", "history", "C1")["events"]) == 1


def test_proof_lists_deciding_events_with_receipt_fields(cli: Cli) -> None:
    cli.ok(*OPT_IN)
    out = cli.json(*OPT_OUT_ALL)
    proof = cli.json("consent", "proof", "C1")
    assert proof["pii_principal_id"] == "C1"
    assert [e["event_id"] for e in proof["deciding_events"]] == [out["event"]["event_id"]]
    assert proof["deciding_events"][0]["collection_method"] == "sms_keyword"
    assert len(proof["history"]) == 2
    old = cli.json("consent", "proof", "C1", "--at", "2026-01-15T00:00:00+00:00")
    assert [e["kind"] for e in old["deciding_events"]] == ["opt_in"]
    assert "Events behind the consent of C1" in cli.ok("consent", "proof", "C1").stdout


def test_history_lists_events_in_the_order_they_occurred(cli: Cli) -> None:
    cli.ok(*OPT_OUT_ALL)
    cli.ok(*OPT_IN)  # recorded later, occurred earlier
    kinds = [e["kind"] for e in cli.json("consent", "history", "C1")["events"]]
    assert kinds == ["opt_in", "opt_out"]
    assert "opt_out" in cli.ok("consent", "history", "C1").stdout


def test_link_prints_the_url_and_both_unsubscribe_headers(cli: Cli) -> None:
    cli.ok("customers", "import", str(EXAMPLES / "customers.csv"))
    lines = cli.ok(
        "consent", "link", "C001", "--channel", "email", "--purpose", "marketing"
    ).stdout.splitlines()
    url = lines[0]
    assert url.startswith("http://127.0.0.1:8000/u/")
    assert lines[1:] == [
        f"List-Unsubscribe: <{url}>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    ]
    linked = cli.json("consent", "link", "C001")
    assert linked["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert linked["url"].startswith("http://127.0.0.1:8000/u/")
    assert linked["expires_at"]


def test_link_for_an_unknown_channel_is_refused(cli: Cli) -> None:
    cli.ok("customers", "import", str(EXAMPLES / "customers.csv"))
    result = cli("consent", "link", "C001", "--channel", "pigeon")
    assert result.exit_code == 2
    assert "channel" in one_line(result.stderr)


def test_link_for_an_unknown_customer_is_one_line_and_exit_1_like_other_lookups(
    cli: Cli,
) -> None:
    result = cli("consent", "link", "nobody", "--channel", "email")
    assert result.exit_code == 1
    assert one_line(result.stderr) == "error: customer 'nobody' not found"
    assert result.stdout == ""
