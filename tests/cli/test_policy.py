"""``cortesia policy``: checks, legal checks and packs from the command line."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Cli


def test_policy_legal_gives_every_reason_as_json_and_reads_the_local_offset(cli: Cli) -> None:
    view = cli.json(
        "policy",
        "legal",
        "--country",
        "CO",
        "--channel",
        "voice",
        "--purpose",
        "marketing",
        "--at",
        "2026-11-28T15:00:00-05:00",
        "--consent",
        "opted_in",
    )
    assert view["allowed"] is False
    assert [r["rule"] for r in view["reasons"] if not r["allowed"]] == ["CO-3"]
    assert view["at"] == "2026-11-28T15:00:00-05:00"


def test_policy_check_of_a_customer_names_the_denying_rule(cli: Cli, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "customer_id,country,subdivision,time_zone,language,phone,email\n"
        "X,CO,,,es,+573001234567,x@example.co\n",
        encoding="utf-8",
    )
    cli.ok("customers", "import", str(people))
    cli.ok(
        "consent",
        "record",
        "--customer",
        "X",
        "--channel",
        "sms",
        "--purpose",
        "marketing",
        "--kind",
        "opt_out",
        "--source",
        "web",
        "--at",
        "2026-01-05T10:00:00-05:00",
    )
    view = cli.json(
        "policy",
        "check",
        "--customer",
        "X",
        "--channel",
        "sms",
        "--purpose",
        "marketing",
        "--at",
        "2026-03-03T10:00:00-05:00",
    )
    assert view["allowed"] is False
    assert "consent.opted_out" in [r["rule"] for r in view["reasons"] if not r["allowed"]]
    text = cli.ok(
        "policy",
        "check",
        "--customer",
        "X",
        "--channel",
        "sms",
        "--purpose",
        "marketing",
        "--at",
        "2026-03-03T10:00:00-05:00",
    ).stdout
    assert "DENIED" in text and "consent.opted_out" in text


def test_policy_check_of_an_unknown_customer_fails_with_one_line(cli: Cli) -> None:
    result = cli(
        "policy", "check", "--customer", "nobody", "--channel", "sms", "--purpose", "marketing"
    )
    assert result.exit_code != 0 and "nobody" in result.output


def test_policy_pack_prints_rules_with_citations_and_review_flags(cli: Cli) -> None:
    text = cli.ok("policy", "pack", "CO").stdout
    assert "CO-3" in text and "Ley 2300" in text and "[needs review]" in text


def test_a_bad_instant_is_one_clear_line_and_a_failure(cli: Cli) -> None:
    result = cli(
        "policy",
        "legal",
        "--country",
        "CO",
        "--channel",
        "sms",
        "--purpose",
        "marketing",
        "--at",
        "tomorrow",
    )
    assert result.exit_code != 0
    assert "at" in result.output and "tomorrow" in result.output


def test_contacts_recorded_count_against_a_reservation_and_show_in_the_history(
    cli: Cli, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "customer_id,country,subdivision,time_zone,language,phone,email\n"
        "Y,US,US-FL,America/New_York,en,+13055550123,y@example.com\n",
        encoding="utf-8",
    )
    cli.ok("customers", "import", str(people))
    for hour in ("13", "14", "15"):
        cli.ok(
            "contacts",
            "record",
            "--customer",
            "Y",
            "--channel",
            "voice",
            "--purpose",
            "marketing",
            "--at",
            f"2026-03-03T{hour}:00:00+00:00",
            "--action-group",
            "sales/tv",
        )
    history = cli.json("contacts", "history", "Y")
    assert len(history["contacts"]) == 3
    view = cli.json(
        "policy",
        "check",
        "--customer",
        "Y",
        "--channel",
        "voice",
        "--purpose",
        "marketing",
        "--action-group",
        "sales/tv",
        "--at",
        "2026-03-03T16:00:00+00:00",
    )
    assert "US-FL-2" in [r["rule"] for r in view["reasons"] if not r["allowed"]]


def test_an_imported_ftc_list_denies_a_listed_number_with_the_federal_rule(
    cli: Cli, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "customer_id,country,subdivision,time_zone,language,phone,email\n"
        "L,US,US-NY,America/New_York,en,+12125550123,l@example.com\n"
        "F,US,US-NY,America/New_York,en,+12125550199,f@example.com\n",
        encoding="utf-8",
    )
    cli.ok("customers", "import", str(people))
    listed = tmp_path / "dnc.txt"
    listed.write_text("212,5550123\n305,5550100\n", encoding="utf-8")
    cli.ok(
        "dnc",
        "import",
        str(listed),
        "--registry",
        "us-dnc",
        "--format",
        "ftc",
        "--as-of",
        "2026-03-01",
    )
    at = ("--at", "2026-03-03T15:00:00+00:00")
    denied = cli.json(
        "policy", "check", "--customer", "L", "--channel", "voice", "--purpose", "marketing", *at
    )
    assert [r["rule"] for r in denied["reasons"] if not r["allowed"]] == ["US-3"]
    free = cli.json(
        "policy", "check", "--customer", "F", "--channel", "voice", "--purpose", "marketing", *at
    )
    assert free["allowed"] is True, free
    stale = cli.json(
        "policy",
        "check",
        "--customer",
        "F",
        "--channel",
        "voice",
        "--purpose",
        "marketing",
        "--at",
        "2026-04-15T15:00:00+00:00",
    )
    assert "days old" in next(r["detail"] for r in stale["reasons"] if r["rule"] == "US-3")
