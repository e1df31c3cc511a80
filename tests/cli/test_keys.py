from __future__ import annotations

from tests.cli.conftest import Cli, one_line


def test_created_key_is_printed_once_and_listed_without_its_secret(cli: Cli) -> None:
    result = cli.ok(
        "keys", "create", "--scope", "consent:write", "--scope", "consent:read", "--name", "crm"
    )
    secret = result.stdout.strip()
    assert secret.startswith("ck_")
    assert "not shown again" in result.stderr
    listed = cli.json("keys", "list")["keys"]
    assert len(listed) == 1
    assert listed[0]["name"] == "crm"
    assert listed[0]["scopes"] == ["consent:read", "consent:write"]
    assert secret not in cli.ok("keys", "list").stdout
    stored = cli.sql("SELECT secret_hash FROM api_keys")
    assert secret not in str(stored)


def test_revoked_key_shows_when_it_was_revoked(cli: Cli) -> None:
    created = cli.json("keys", "create", "--scope", "admin")
    assert created["key"].startswith("ck_")
    cli.ok("keys", "revoke", created["key_id"])
    listed = cli.json("keys", "list")["keys"]
    assert listed[0]["revoked_at"] is not None


def test_revoking_an_unknown_key_is_one_line_and_exit_1(cli: Cli) -> None:
    result = cli("keys", "revoke", "nope")
    assert result.exit_code == 1
    assert "nope" in one_line(result.stderr)


def test_unknown_scope_is_refused_with_exit_2(cli: Cli) -> None:
    result = cli("keys", "create", "--scope", "god")
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert "scope" in line and "'god'" in line
    assert cli.json("keys", "list")["keys"] == []
