"""``cortesia models``: the Beta models the default scoring keeps, from the command line
(the adaptive models' ADM export: test_models_adm.py)."""

from __future__ import annotations

import json
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


def test_models_export_writes_every_model_in_one_file(cli: Cli, tmp_path: Path) -> None:
    _workspace(cli, tmp_path)
    decision = cli.json("decide", "ana", "--channel", "sms", "--at", AT)
    cli.ok("outcome", decision["decision_id"], "--action", "pack_5gb", "--outcome", "rejected")
    target = tmp_path / "models.json"
    summary = cli.json("models", "export", "--out", str(target))
    assert summary["models"] == 1
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["models"][0]["id"] == "beta:pack_5gb|sms|outbound"
    assert written["models"][0]["evidence"] == 1


def test_the_adm_export_needs_adaptive_scoring_and_a_target(cli: Cli, tmp_path: Path) -> None:
    _workspace(cli, tmp_path)
    refused = cli("models", "export", "--adm", str(tmp_path / "adm"))
    assert refused.exit_code != 0 and "CORTESIA_SCORING=adaptive" in refused.output
    assert not (tmp_path / "adm").exists()
    nowhere = cli("models", "export")
    assert nowhere.exit_code != 0 and "--adm" in nowhere.output
    unknown = cli("models", "export", "--adm", str(tmp_path / "adm"), "--format", "xlsx")
    assert unknown.exit_code != 0 and "parquet" in unknown.output
