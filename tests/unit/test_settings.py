"""Settings refuse values that would only fail later."""

from __future__ import annotations

import pydantic
import pytest

from cortesia.config import Settings


@pytest.mark.parametrize("url", ["notaurl", "ftp://x.example", "https://"])
def test_the_public_base_url_must_be_a_web_address(url: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="http"):
        Settings(public_base_url=url)


def test_a_web_address_is_kept_as_given() -> None:
    assert Settings(public_base_url="https://prefs.example.com").public_base_url == (
        "https://prefs.example.com"
    )
