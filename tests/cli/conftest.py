"""A ``cortesia`` command line over a fresh SQLite workspace in a temporary folder."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cortesia.cli.main import build_app

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


@dataclass
class Cli:
    """Runs ``cortesia ARGS`` in-process; never lets a stack trace through."""

    runner: CliRunner
    db_path: Path

    def __call__(self, *args: str, stdin: str | None = None) -> Result:
        result = self.runner.invoke(build_app(), list(args), input=stdin, prog_name="cortesia")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"cortesia {' '.join(args)} raised") from result.exception
        return result

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.exit_code == 0, result.output
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)

    def sql(self, statement: str, *params: object) -> list[tuple[Any, ...]]:
        """Run SQL on the workspace's file behind Cortesía's back."""
        with sqlite3.connect(self.db_path) as connection:
            rows = connection.execute(statement, params).fetchall()
        connection.close()
        return rows


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """An initialised workspace; the working folder is the temporary one."""
    monkeypatch.chdir(tmp_path)
    db_path = tmp_path / "ws" / "cortesia.db"
    monkeypatch.setenv("CORTESIA_DATABASE_URL", f"sqlite:///{db_path}")
    monkeypatch.setenv("CORTESIA_WORKSPACE_DIR", str(tmp_path / "ws"))
    # Output goes to a pipe here, as in scripts: tables must not depend on a terminal's width.
    monkeypatch.delenv("COLUMNS", raising=False)
    runner = Cli(CliRunner(), db_path)
    runner.ok("init")
    yield runner


def one_line(text: str) -> str:
    """The only line of ``text``; fails when there are several."""
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]
