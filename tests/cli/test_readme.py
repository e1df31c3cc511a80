"""The README stays true: settings, precedence rules, set-up commands and the example file."""

from __future__ import annotations

import csv
import re

from tests.cli.conftest import EXAMPLES, REPO

import cortesia.domain.consent as consent_module
from cortesia.config import Settings

README = (REPO / "README.md").read_text(encoding="utf-8")


def _numbered_items(text: str) -> list[str]:
    items = re.findall(r"^\d+\. (.*?)(?=^\d+\. |^\s*$|\Z)", text, flags=re.M | re.S)
    return [" ".join(item.replace("``", "`").split()) for item in items]


def test_readme_documents_every_setting() -> None:
    for name in Settings.model_fields:
        assert f"`CORTESIA_{name.upper()}`" in README, name


def test_readme_precedence_rules_match_the_domain_docstring() -> None:
    doc = consent_module.__doc__ or ""
    rules = doc.split("Precedence", 1)[1]
    section = README.split("## Consent precedence", 1)[1].split("## ", 1)[0]
    assert _numbered_items(section) == _numbered_items(rules)
    assert len(_numbered_items(section)) >= 5


def test_set_up_has_exactly_the_two_make_commands() -> None:
    section = README.split("## Set up", 1)[1].split("## ", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    assert block.split("\n")[1:-1] == ["make run", "make test"]


def test_example_customers_file_has_the_canonical_header() -> None:
    with (EXAMPLES / "customers.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[:7] == [
        "customer_id",
        "country",
        "subdivision",
        "time_zone",
        "language",
        "phone",
        "email",
    ]
