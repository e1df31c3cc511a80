"""A store URL that cannot work is one clear error, never a driver traceback."""

from __future__ import annotations

import pytest

from cortesia.adapters.sql.store import SqlStore
from cortesia.errors import StoreError


@pytest.mark.parametrize(
    "url", ["bogus://x", "not a url", "postgresql+nodriver://u@h/db", "mysql://u@h/db"]
)
def test_an_unusable_url_is_a_store_error_naming_it(url: str) -> None:
    with pytest.raises(StoreError) as caught:
        SqlStore(url)
    assert "://" in str(caught.value) or "not a database URL" in str(caught.value)


def test_a_password_in_the_url_is_not_echoed() -> None:
    with pytest.raises(StoreError) as caught:
        SqlStore("postgresql+nodriver://user:s3cret@h/db")
    assert "s3cret" not in str(caught.value)


def test_a_database_we_do_not_support_is_named_as_such() -> None:
    with pytest.raises(StoreError, match="unsupported store"):
        SqlStore("mysql://u@h/db")
