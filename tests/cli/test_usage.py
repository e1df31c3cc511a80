"""Mistakes on the command line: one line that says what to fix, never a usage block or a trace."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from tests.cli.conftest import Cli, one_line

from cortesia.cli.main import build_app
from cortesia.engine.hub import Engine

_CLUMSY_METAVAR = re.compile(r"<\w+(\[\w+\])?>")


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every group and command of the application, with the words that reach it."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def test_missing_scope_names_the_option_its_values_and_where_help_is(cli: Cli) -> None:
    result = cli("keys", "create", "--name", "crm")
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert line.startswith("error: missing option --scope (what the key may do: admin, ")
    assert line.endswith("see cortesia keys create --help")
    assert cli.json("keys", "list")["keys"] == []


def test_missing_argument_is_named_by_its_metavar(cli: Cli) -> None:
    result = cli("consent", "show")
    assert result.exit_code == 2
    assert one_line(result.stderr) == (
        "error: missing argument CUSTOMER (customer id) — see cortesia consent show --help"
    )


def test_value_missing_after_an_option_points_at_that_command_help(cli: Cli) -> None:
    result = cli("consent", "record", "-c", "C1", "--source")
    assert result.exit_code == 2
    assert one_line(result.stderr) == (
        "error: option '--source' requires an argument — see cortesia consent record --help"
    )


def test_unknown_option_suggests_the_close_ones(cli: Cli) -> None:
    result = cli("consent", "record", "--cust", "C1")
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert line.startswith("error: no such option --cust (did you mean ")
    assert "--customer" in line


def test_unknown_command_and_bad_number_are_one_line_each(cli: Cli) -> None:
    unknown = cli("consnet")
    assert unknown.exit_code == 2
    line = one_line(unknown.stderr)
    assert line.startswith("error: no such command 'consnet'") and "'consent'" in line
    assert line.endswith("see cortesia --help")
    bad = cli("customers", "list", "--limit", "lots")
    assert bad.exit_code == 2
    assert "'--limit'" in one_line(bad.stderr)


def test_a_bare_group_still_prints_its_help(cli: Cli) -> None:
    result = cli("consent")
    assert "record" in result.output and "Commands" in result.output
    assert "error:" not in result.output


def test_ctrl_c_is_one_line_and_exit_130(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(self: Engine, *args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Engine, "verify_ledger", interrupted)
    result = cli("ledger", "verify")
    assert result.exit_code == 130
    assert one_line(result.stderr) == "error: interrupted"


def test_an_unexpected_fault_is_one_line_not_a_trace(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Engine, *args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Engine, "verify_ledger", broken)
    result = cli("ledger", "verify")
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "RuntimeError: disk on fire" in line and "Traceback" not in result.output


def test_every_option_and_argument_has_a_meaningful_metavar(cli: Cli) -> None:
    for path, _ in _commands(typer.main.get_command(build_app())):
        shown = cli.ok(*path, "--help").stdout
        assert _CLUMSY_METAVAR.search(shown) is None, (path, _CLUMSY_METAVAR.findall(shown))


def test_every_summary_is_whole_in_the_command_lists() -> None:
    for path, command in list(_commands(typer.main.get_command(build_app())))[1:]:
        summary = command.get_short_help_str(limit=45)
        assert summary and not summary.endswith("..."), (path, summary)
