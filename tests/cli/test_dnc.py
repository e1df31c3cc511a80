from __future__ import annotations

import csv
from pathlib import Path

from tests.cli.conftest import Cli, one_line


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_prints_the_new_version_and_list_shows_it(cli: Cli, tmp_path: Path) -> None:
    path = _file(tmp_path, "dnc.txt", "202,5551234\n303,5551234\n")
    version = cli.json("dnc", "import", str(path), "--registry", "us-dnc", "--as-of", "2026-03-01")
    assert (version["registry"], version["version"], version["numbers"]) == ("us-dnc", 1, 2)
    assert version["snapshot_date"] == "2026-03-01" and version["kind"] == "full"
    human = cli.ok("dnc", "import", str(path), "--registry", "us-dnc", "--as-of", "2026-03-01")
    assert "us-dnc version 2: 2 number(s), snapshot 2026-03-01" in human.stdout
    listed = cli.json("dnc", "list")["versions"]
    assert [(v["registry"], v["version"]) for v in listed] == [("us-dnc", 1), ("us-dnc", 2)]
    assert "us-dnc" in cli.ok("dnc", "list").stdout


def test_a_change_list_and_check_at_two_instants(cli: Cli, tmp_path: Path) -> None:
    full = _file(tmp_path, "dnc.txt", "202,5551234\n")
    cli.ok("dnc", "import", str(full), "--registry", "us-dnc", "--as-of", "2026-03-01")
    changes = _file(tmp_path, "changes.txt", "202,5551234,2026-03-02,D\n")
    cli.ok(
        "dnc", "import", str(changes), "--registry", "us-dnc", "--as-of", "2026-03-02", "--changes"
    )
    then = cli.json("dnc", "check", "+12025551234", "--at", "2026-03-01T12:00:00Z")
    assert then["registries"] == [
        {
            "registry": "us-dnc",
            "number": "+12025551234",
            "channel": None,
            "listed": True,
            "listed_since": None,
            "snapshot_date": "2026-03-01",
            "version": 1,
        }
    ]
    now = cli.json(
        "dnc", "check", "(202) 555-1234", "--registry", "us-dnc", "--at", "2026-03-02T12:00:00Z"
    )
    assert (now["number"], now["registries"][0]["listed"]) == ("+12025551234", False)
    assert now["registries"][0]["version"] == 2


def test_check_per_channel_on_a_csv_registry(cli: Cli, tmp_path: Path) -> None:
    rne = _file(tmp_path, "rne.csv", "number,channel\n300 123 4567,voice\n")
    cli.ok("dnc", "import", str(rne), "--registry", "co-rne", "--as-of", "2026-03-01")
    asked = [
        cli.json("dnc", "check", "3001234567", "--registry", "co-rne", "--channel", c)
        for c in ("voice", "sms")
    ]
    assert [a["registries"][0]["listed"] for a in asked] == [True, False]
    assert asked[0]["registries"][0]["channel"] == "voice"


def test_scrub_writes_a_marked_copy_and_names_unreadable_rows(cli: Cli, tmp_path: Path) -> None:
    cli.ok(
        "dnc",
        "import",
        str(_file(tmp_path, "dnc.txt", "202,5551234\n")),
        "--registry",
        "us-dnc",
        "--as-of",
        "2026-03-01",
    )
    source = _file(tmp_path, "list.csv", "id,phone\n1,+12025551234\n2,+13035551234\n3,n/a\n")
    out = tmp_path / "marked.csv"
    result = cli("dnc", "scrub", str(source), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert [row[-1] for row in rows] == ["dnc_us-dnc", "true", "false", ""]
    assert "row 4: number='n/a' not marked" in one_line(result.stderr)
    human = cli.ok("dnc", "scrub", str(source), "--out", str(out), "--registry", "us-dnc")
    assert "Marked 3 row(s)" in human.stdout and "1 number(s) could not be read" in human.stdout


def test_a_bad_registry_file_is_refused_row_by_row_with_exit_2(cli: Cli, tmp_path: Path) -> None:
    bad = _file(tmp_path, "bad.txt", "202,5551234\n20,5551234\n")
    result = cli("dnc", "import", str(bad), "--registry", "us-dnc")
    assert result.exit_code == 2
    assert "row 2: number='20,5551234' is refused: not a US number" in result.stderr
    assert cli.json("dnc", "list")["versions"] == []


def test_usage_mistakes_are_one_line_each(cli: Cli, tmp_path: Path) -> None:
    path = _file(tmp_path, "dnc.txt", "202,5551234\n")
    cases = [
        (["dnc", "import", str(path), "--registry", "nope"], "registry='nope'"),
        (["dnc", "import", str(path), "--registry", "us-dnc", "--as-of", "March"], "as-of='March'"),
        (
            ["dnc", "import", str(tmp_path / "missing.txt"), "--registry", "us-dnc"],
            "does not exist",
        ),
        (["dnc", "check", "12345", "--at", "2026-03-01"], "at="),
        (["dnc", "scrub", str(path), "--out", str(tmp_path / "o.csv")], "no registry imported"),
    ]
    for args, expected in cases:
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert expected in one_line(result.stderr)


def test_check_without_any_registry_says_what_to_do(cli: Cli) -> None:
    assert cli.json("dnc", "check", "+12025551234")["registries"] == []
    assert "cortesia dnc import" in cli.ok("dnc", "check", "+12025551234").stdout
