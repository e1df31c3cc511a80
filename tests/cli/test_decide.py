"""``cortesia decide``, ``decision show`` and ``outcome``: inbound and outbound, end to end."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Cli, one_line

CATALOG = """
[catalog]
name = "cli test"
time_zone = "America/Bogota"
accept_prior = [1, 9]

[[actions]]
id = "pack_5gb"
name = { es = "Paquete 5 GB", en = "5 GB pack" }
text = { es = "Lleva 5 GB", en = "Get 5 GB" }
group = "sales/data_packs"
category = "sales"
purpose = "marketing"
value = "0.2 * arpu * 12"
[actions.channels.sms]
treatment = "sms_pack_5gb"
cost = 0.02

[[actions]]
id = "bill_help"
name = { es = "Ayuda con la factura", en = "Bill help" }
text = { es = "Te explicamos tu factura", en = "Your bill, explained" }
group = "service/billing"
category = "service"
purpose = "service"
value = 5
eligibility = "context.inbound_reason == 'billing'"
[actions.channels.voice]
treatment = "script_bill"
cost = 0.1
"""
# A weekday morning in Bogotá: inside Colombia's contact hours.
AT = "2026-11-24T10:00:00-05:00"


def _workspace(cli: Cli, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "customer_id,country,subdivision,time_zone,language,phone,email,arpu\n"
        "ana,CO,,,es,+573001234567,ana@example.co,50\n",
        encoding="utf-8",
    )
    cli.ok("customers", "import", str(people))
    # Colombia's do-not-call registry (RNE) must have been scrubbed: a snapshot without her.
    rne = tmp_path / "rne.csv"
    rne.write_text("number,channel\n+573009999999,voice\n", encoding="utf-8")
    cli.ok("dnc", "import", str(rne), "--registry", "co-rne", "--as-of", "2026-11-20")
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(CATALOG, encoding="utf-8")
    cli.ok("catalog", "load", str(catalog))
    cli.ok(
        "consent",
        "record",
        "--customer",
        "ana",
        "--channel",
        "sms",
        "--purpose",
        "marketing",
        "--kind",
        "opt_in",
        "--source",
        "web",
        "--at",
        "2026-01-05T10:00:00-05:00",
    )


def test_an_outbound_sms_decision_is_made_explained_and_answered(cli: Cli, tmp_path: Path) -> None:
    _workspace(cli, tmp_path)
    decision = cli.json("decide", "ana", "--channel", "sms", "--at", AT)
    assert decision["silent"] is False
    assert [a["action"] for a in decision["actions"]] == ["pack_5gb"]
    shown = cli.json("decision", "show", decision["decision_id"])
    assert any("Paquete 5 GB" in line for line in shown["explanation"])
    # The reply comes at the decision's instant: a decision as of AT then sees it, whatever
    # the day the suite runs.
    receipt = cli.json(
        "outcome",
        decision["decision_id"],
        "--action",
        "pack_5gb",
        "--outcome",
        "opted_out",
        "--at",
        AT,
    )
    assert receipt["opt_out_event_id"]
    again = cli.json("decide", "ana", "--channel", "sms", "--at", AT)
    assert again["silent"] is True
    assert again["trace"][0]["stage"] == "policy"


def test_an_inbound_call_gets_the_action_its_context_asks_for(cli: Cli, tmp_path: Path) -> None:
    _workspace(cli, tmp_path)
    decision = cli.json(
        "decide",
        "ana",
        "--channel",
        "voice",
        "--direction",
        "inbound",
        "--context",
        "inbound_reason=billing",
        "--at",
        AT,
    )
    assert [a["action"] for a in decision["actions"]] == ["bill_help"]
    assert decision["context"] == {"inbound_reason": "billing"}


def test_a_bad_channel_is_one_clear_line(cli: Cli, tmp_path: Path) -> None:
    _workspace(cli, tmp_path)
    result = cli("decide", "ana", "--channel", "pigeon")
    assert result.exit_code != 0
    line = one_line(result.output)
    assert "channel" in line and "pigeon" in line
