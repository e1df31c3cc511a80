"""``cortesia models``: the Beta models the default scoring keeps, from the command line."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Cli
from tests.cli.test_decide import AT, _workspace


def test_models_list_shows_each_answered_action(cli: Cli, tmp_path: Path) -> None:
    _workspace(cli, tmp_path)
    assert cli.json("models", "list")["models"] == []
    decision = cli.json("decide", "ana", "--channel", "sms", "--at", AT)
    cli.ok("outcome", decision["decision_id"], "--action", "pack_5gb", "--outcome", "accepted")
    view = cli.json("models", "list")
    assert [m["id"] for m in view["models"]] == ["beta:pack_5gb|sms|outbound"]
    shown = cli.json("models", "show", "beta:pack_5gb|sms|outbound")
    assert (shown["evidence"], shown["positives"]) == (1, 1)
    missing = cli("models", "show", "nope")
    assert missing.exit_code != 0 and "nope" in missing.output
