"""``cortesia clv fit|show|measure`` on the telco sample."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Cli

OPTED_IN = "6713-OKOMC"


def test_fit_show_and_measure_on_the_sample(cli: Cli) -> None:
    cli.ok("init", "--sample", "telco")
    fitted = cli.json("clv", "fit", "--sample", "telco")
    assert fitted["model"] == "sbg" and fitted["customers_fitted"] == 7043
    # The IBM table's 1,869 churners have no residual value.
    assert fitted["customers_valued"] == 7043 - 1869
    assert 0.1 < fitted["parameters"]["alpha"] < 0.2
    shown = cli.json("clv", "show", OPTED_IN)
    assert shown["residual_value"] > 0 and set(shown["eroded_value"]) >= {"sms", "email"}
    assert cli.json("clv", "show")["customers_with_value"] == fitted["customers_valued"]
    measured = cli.json("clv", "measure", "--at", "2026-12-01")
    assert measured["per_day"] == {}  # no decisions yet: nothing measured


def test_bad_clv_input_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "subscribers.csv"
    bad.write_text("customer_id,tenure,churned,margin\nana,twelve,no,40\n", encoding="utf-8")
    for args, words in (
        (("clv", "fit", "--model", "pareto", "--data", str(bad)), "model"),
        (("clv", "fit"), "--data"),
        (("clv", "fit", "--data", str(bad)), "tenure"),
        (("clv", "show", "nobody"), "nobody"),
    ):
        result = cli(*args)
        assert result.exit_code != 0 and words in result.output, result.output
        assert "Traceback" not in result.output
