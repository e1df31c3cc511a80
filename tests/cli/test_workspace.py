from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest
from tests.cli.conftest import Cli, one_line


def test_init_is_idempotent_and_reports_store_and_revision(cli: Cli, tmp_path: Path) -> None:
    first = cli.json("init")
    second = cli.json("init")
    assert first == second
    assert first["database_url"] == f"sqlite:///{tmp_path / 'ws' / 'cortesia.db'}"
    assert first["revision"]
    assert "schema revision" in cli.ok("init").stdout


def test_database_url_option_overrides_the_setting(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other" / "cortesia.db"
    shown = cli.json("--database-url", f"sqlite:///{other}", "init")
    assert shown["database_url"] == f"sqlite:///{other}"
    assert other.exists()


def test_password_in_the_store_url_is_never_printed(cli: Cli) -> None:
    from cortesia.cli.main import _hide_password

    assert _hide_password("postgresql+psycopg://app:s3cret@db/x") == (
        "postgresql+psycopg://app:***@db/x"
    )


def test_version_prints_the_installed_version(cli: Cli) -> None:
    assert cli.ok("--version").stdout.strip() == f"cortesia {version('cortesia')}"


def test_bad_setting_is_one_line_naming_the_variable(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORTESIA_PORT", "eighty")
    result = cli("init")
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert "CORTESIA_PORT" in line and "eighty" in line


def test_bad_unsubscribe_key_setting_is_reported_without_the_secret(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORTESIA_UNSUBSCRIBE_KEYS", "k1:short")
    result = cli("consent", "show", "C1")
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert "CORTESIA_UNSUBSCRIBE_KEYS" in line and "short" not in line


def test_help_lists_every_command_group(cli: Cli) -> None:
    shown = cli.ok("--help").stdout
    for name in ("init", "serve", "customers", "consent", "ledger", "keys"):
        assert name in shown


def test_serve_prints_where_to_go_and_runs_the_app(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cortesia.cli import workers

    calls: list[tuple[object, str, int]] = []
    monkeypatch.setattr(
        workers, "serve_one", lambda app, host, port: calls.append((app, host, port))
    )
    result = cli.ok("serve", "--port", "8123")
    assert "http://127.0.0.1:8123" in result.stdout
    assert "http://127.0.0.1:8123/docs" in result.stdout
    assert len(calls) == 1
    assert calls[0][1:] == ("127.0.0.1", 8123)
    assert hasattr(calls[0][0], "openapi")
