from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import EXAMPLES, Cli, one_line

CANONICAL = "customer_id,country,subdivision,time_zone,language,phone,email,segment\n"


def test_example_file_imports_and_reimport_updates(cli: Cli) -> None:
    first = cli.json("customers", "import", str(EXAMPLES / "customers.csv"))
    assert (first["rows"], first["created"], first["updated"], first["suppressed"]) == (6, 6, 0, 0)
    again = cli.json("customers", "import", str(EXAMPLES / "customers.csv"))
    assert (again["created"], again["updated"]) == (0, 6)
    assert (
        "Imported 6 row(s)" in cli.ok("customers", "import", str(EXAMPLES / "customers.csv")).stdout
    )


def test_list_pages_through_customers_in_id_order(cli: Cli) -> None:
    cli.ok("customers", "import", str(EXAMPLES / "customers.csv"))
    page = cli.json("customers", "list", "--limit", "2")
    assert [c["customer_id"] for c in page["customers"]] == ["C001", "C002"]
    following = cli.json("customers", "list", "--limit", "2", "--after", page["next_after"])
    assert [c["customer_id"] for c in following["customers"]] == ["C003", "C004"]
    assert "C006" in cli.ok("customers", "list").stdout


def test_show_prints_the_stored_customer(cli: Cli) -> None:
    cli.ok("customers", "import", str(EXAMPLES / "customers.csv"))
    shown = cli.json("customers", "show", "C004")
    assert shown["customer_id"] == "C004"
    assert shown["country"] == "US"
    assert shown["time_zone"] == "America/New_York"
    assert shown["phones"] == ["+13055550101"]
    assert shown["emails"] == ["john.miller@example.com"]
    assert shown["attributes"]["plan"] == "unlimited"
    assert shown["attributes"]["arpu"] == 70
    assert "john.miller@example.com" in cli.ok("customers", "show", "C004").stdout


def test_unknown_customer_is_one_line_and_exit_1(cli: Cli) -> None:
    result = cli("customers", "show", "nobody")
    assert result.exit_code == 1
    assert "nobody" in one_line(result.stderr)


def test_mapping_file_imports_another_layout(cli: Cli) -> None:
    report = cli.json(
        "customers",
        "import",
        str(EXAMPLES / "crm-export.csv"),
        "--mapping",
        str(EXAMPLES / "crm-mapping.toml"),
    )
    assert report["created"] == 3
    shown = cli.json("customers", "show", "E100")
    assert shown["language"] == "es"
    assert shown["attributes"]["arpu"] == 29.9
    assert "Notas" not in shown["attributes"]


def test_file_with_bad_rows_reports_every_row_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        CANONICAL
        + "G1,ES,,,es,+34600100001,g1@example.com,consumer\n"
        + "G2,XX,,,es,+34600100002,g2@example.com,consumer\n"
        + "G3,ES,,,es,+34600100003,not-an-email,consumer\n",
        encoding="utf-8",
    )
    result = cli("customers", "import", str(bad))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    assert "country" in lines[0] and "'XX'" in lines[0]
    assert "email" in lines[1] and "'not-an-email'" in lines[1]
    assert "2 bad row(s)" in lines[2]
    assert cli.json("customers", "list")["customers"] == []


def test_missing_file_is_one_line_naming_it(cli: Cli, tmp_path: Path) -> None:
    result = cli("customers", "import", str(tmp_path / "absent.csv"))
    assert result.exit_code != 0
    assert "absent.csv" in one_line(result.stderr)


def test_erase_refuses_without_yes_when_input_is_not_a_terminal(cli: Cli) -> None:
    cli.ok("customers", "import", str(EXAMPLES / "customers.csv"))
    result = cli("customers", "erase", "C005")
    assert result.exit_code == 2
    assert "--yes" in one_line(result.stderr)
    assert cli.json("customers", "show", "C005")["customer_id"] == "C005"


def test_erase_removes_the_customer_and_the_ledger_still_verifies(cli: Cli) -> None:
    cli.ok("customers", "import", str(EXAMPLES / "customers.csv"))
    cli.ok(
        "consent",
        "record",
        "-c",
        "C005",
        "--channel",
        "email",
        "--purpose",
        "marketing",
        "--kind",
        "opt_in",
        "--source",
        "web",
        "--evidence",
        "ip=203.0.113.5",
        "--at",
        "2026-01-01T00:00:00+00:00",
    )
    receipt = cli.json("customers", "erase", "C005", "--yes")
    assert receipt["events_blanked"] == 1
    assert receipt["contact_points_suppressed"] == 2
    assert cli("customers", "show", "C005").exit_code == 1
    assert cli.json("ledger", "verify")["intact"] is True
    state = cli.json("consent", "show", "C005")
    assert {e["status"] for e in state["consent"]} == {"opted_out"}
    assert "203.0.113.5" not in str(cli.sql("SELECT evidence FROM consent_events"))


def test_list_table_says_where_the_next_page_starts_only_when_there_is_one(cli: Cli) -> None:
    cli.ok("customers", "import", str(EXAMPLES / "customers.csv"))
    first = cli.ok("customers", "list", "--limit", "2").stdout.splitlines()
    assert first[-1] == "showing 2; more after C002: --after C002"
    last = cli.ok("customers", "list", "--limit", "2", "--after", "C004").stdout
    assert "C006" in last and "more after" not in last
    assert cli.json("customers", "list", "--limit", "2", "--after", "C004")["next_after"] is None
    assert cli.json("customers", "list", "--limit", "3")["next_after"] == "C003"


def test_piped_tables_keep_every_cell_whole_on_one_line(cli: Cli) -> None:
    cli.ok("customers", "import", str(EXAMPLES / "customers.csv"))
    listed = cli.ok("customers", "list").stdout.splitlines()
    shown = cli.json("customers", "list")["customers"]
    for customer in shown:
        cells = [
            f"{customer['customer_id']} ",
            customer["time_zone"],
            *customer["phones"],
            *customer["emails"],
        ]
        assert any(all(cell in line for cell in cells) for line in listed), cells
    recorded = cli.json(
        "consent",
        "record",
        "-c",
        "C001",
        "--channel",
        "email",
        "--purpose",
        "music_video_offers",
        "--kind",
        "opt_in",
        "--source",
        "web",
    )
    event_id = recorded["event"]["event_id"]
    state = cli.ok("consent", "show", "C001").stdout.splitlines()
    assert any("music_video_offers" in line and event_id in line for line in state)
    cli.ok(
        "keys",
        "create",
        "--scope",
        "consent:read",
        "--scope",
        "customers:write",
        "--name",
        "crm-nightly-export",
    )
    keys = cli.ok("keys", "list").stdout.splitlines()
    assert any(
        "crm-nightly-export" in line and "consent:read, customers:write" in line for line in keys
    )


def test_import_counts_customers_whose_contact_points_were_erased(cli: Cli, tmp_path: Path) -> None:
    cli.ok("customers", "import", str(EXAMPLES / "customers.csv"))
    shown = cli.json("customers", "show", "C005")
    cli.ok("customers", "erase", "C005", "--yes")
    back = tmp_path / "back.csv"
    back.write_text(
        f"customer_id,country,email\nC005,{shown['country']},{shown['emails'][0]}\n"
        f"N1,ES,new@example.com\n",
        encoding="utf-8",
    )
    report = cli.json("customers", "import", str(back))
    assert (report["created"], report["suppressed"]) == (2, 1)
    line = one_line(cli.ok("customers", "import", str(back)).stdout)
    assert line.endswith("0 created, 2 updated, 1 with suppressed contact points")


def test_a_hand_edited_json_column_is_one_line_naming_customer_and_column(cli: Cli) -> None:
    cli.ok("customers", "import", str(EXAMPLES / "customers.csv"))
    cli.sql("UPDATE customers SET attributes = 'not json' WHERE customer_id = 'C002'")
    for args in (("customers", "show", "C002"), ("customers", "list")):
        result = cli(*args)
        assert result.exit_code == 1
        assert one_line(result.stderr) == (
            "error: customer 'C002' cannot be read: column attributes is not valid JSON"
        )
