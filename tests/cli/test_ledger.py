from __future__ import annotations

from tests.cli.conftest import Cli

from cortesia.cli.ledger import problem_line
from cortesia.domain.chain_check import ChainProblem


def _record_three(cli: Cli) -> list[str]:
    ids = []
    for day, kind in (("01", "opt_in"), ("02", "opt_out"), ("03", "opt_in")):
        created = cli.json(
            "consent",
            "record",
            "-c",
            "C1",
            "--channel",
            "email",
            "--purpose",
            "marketing",
            "--kind",
            kind,
            "--source",
            "web",
            "--at",
            f"2026-01-{day}T10:00:00+00:00",
        )
        ids.append(created["event"]["event_id"])
    return ids


def test_verify_reports_an_intact_ledger(cli: Cli) -> None:
    _record_three(cli)
    assert cli.json("ledger", "verify") == {"intact": True, "events_checked": 3, "problems": []}
    assert "Ledger intact: 3 event(s)" in cli.ok("ledger", "verify").stdout


def test_verify_names_an_event_altered_by_hand_and_exits_1(cli: Cli) -> None:
    ids = _record_three(cli)
    cli.sql("UPDATE consent_events SET kind = 'opt_in' WHERE event_id = ?", ids[1])
    result = cli("ledger", "verify", "--json")
    assert result.exit_code == 1
    assert '"intact": false' in result.stdout
    assert ids[1] in result.stdout and "altered" in result.stdout
    plain = cli("ledger", "verify")
    assert plain.exit_code == 1
    assert f"altered  seq 2  event {ids[1]}: fields differ from what was recorded" in (
        plain.stdout.splitlines()
    )
    assert "Ledger BROKEN: 1 problem(s) in 3 event(s)" in plain.stdout


def test_verify_reports_a_removed_event(cli: Cli) -> None:
    ids = _record_three(cli)
    cli.sql("DELETE FROM consent_events WHERE event_id = ?", ids[0])
    result = cli("ledger", "verify")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"removed  seq 1: seq 1 missing before event {ids[1]}"


def test_each_kind_of_problem_reads_as_one_aligned_line() -> None:
    lines = [
        problem_line(ChainProblem("e3", 3, "altered", "fields differ from what was recorded")),
        problem_line(ChainProblem("-", 4, "removed", "seq 4 missing before event e5")),
        problem_line(ChainProblem("e7", 7, "inserted", "not in the chain after seq 6")),
    ]
    assert lines == [
        "altered  seq 3  event e3: fields differ from what was recorded",
        "removed  seq 4: seq 4 missing before event e5",
        "inserted seq 7  event e7: not in the chain after seq 6",
    ]


def test_head_prints_an_anchor_that_verify_holds_the_ledger_to(cli: Cli) -> None:
    _record_three(cli)
    anchor = cli.json("ledger", "head")["anchor"]
    assert anchor.startswith("3:")
    cli.sql("DELETE FROM consent_events WHERE seq = 3")
    cli.sql(
        'UPDATE chain_head SET "count" = 2, last_seq = 2, '
        "last_hash = (SELECT hash FROM consent_events WHERE seq = 2)"
    )
    assert cli("ledger", "verify").exit_code == 0  # a consistent rewrite, without the anchor
    result = cli("ledger", "verify", "--anchor", anchor)
    assert result.exit_code == 1
    assert "anchored event seq 3 is no longer in the chain" in result.stdout


def test_a_malformed_anchor_is_one_line_and_exit_2(cli: Cli) -> None:
    result = cli("ledger", "verify", "--anchor", "three")
    assert result.exit_code == 2
    assert "anchor" in result.stderr
