from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cortesia.adapters.dnc.builder import apply_changes, count_union, distinct
from cortesia.adapters.dnc.index import KeyIndex
from cortesia.adapters.dnc.index_layout import choose_layout, write_index
from cortesia.adapters.dnc.keys import e164_key
from cortesia.adapters.dnc.reading import finding
from cortesia.domain.registry import RegistryFinding
from cortesia.domain.vocabulary import Channel
from cortesia.errors import StoreError, ValidationError

US = 12_025_550_000


def _index(tmp_path: Path, keys: list[int], days: list[int] | None = None) -> KeyIndex:
    array, day_array = distinct(
        np.array(keys, np.int64), None if days is None else np.array(days, np.uint16)
    )
    path = tmp_path / f"list-{len(list(tmp_path.iterdir()))}.idx"
    with open(path, "wb") as handle:
        write_index(handle, array, day_array)
    return KeyIndex(path)


# Keys near each other (dense layouts) and spread over the whole E.164 range (sparse).
_near = st.integers(US, US + 3_000_000)
_spread = st.integers(1_000_000, 999_999_999_999_999)
_key_sets = st.one_of(st.sets(_near, max_size=400), st.sets(_spread, max_size=200))


@settings(max_examples=60, deadline=None)
@given(listed=_key_sets, others=st.lists(st.one_of(_near, _spread), max_size=100))
def test_index_answers_exactly_like_a_python_set(
    tmp_path_factory: pytest.TempPathFactory, listed: set[int], others: list[int]
) -> None:
    index = _index(tmp_path_factory.mktemp("index"), sorted(listed))
    asked = [*listed, *others, *(k + 1 for k in listed), *(k - 1 for k in listed)]
    single = [index.position(k) >= 0 for k in asked]
    compiled = index.lookup_function()
    batch = (index.positions(np.array(asked, np.int64)) >= 0).tolist()
    expected = [k in listed for k in asked]
    assert single == expected
    assert [compiled(k) >= 0 for k in asked] == expected
    assert batch == expected
    assert index.keys().tolist() == sorted(listed)


def test_dense_us_lists_take_one_byte_a_number_and_spread_lists_stay_sparse() -> None:
    rng = np.random.default_rng(1)
    dense, _ = distinct(rng.integers(US, US + 50_000_000, 10_000_000))
    assert choose_layout(dense).bits == 8 and choose_layout(dense).dense
    spread, _ = distinct(rng.integers(10**9, 10**14, 1000))
    assert not choose_layout(spread).dense


def test_batch_and_single_lookups_agree_on_a_large_dense_list(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    keys = rng.integers(US, US + 20_000_000, 2_000_000)
    index = _index(tmp_path, keys.tolist())
    asked = np.concatenate([keys[:50_000], rng.integers(US - 10, US + 20_000_010, 50_000)])
    batch = index.positions(asked)
    assert [index.position(k) for k in asked[::97].tolist()] == batch[::97].tolist()
    assert (batch[:50_000] >= 0).all()
    assert index.size == len(set(keys.tolist()))


def test_added_days_are_kept_and_the_earliest_known_day_wins(tmp_path: Path) -> None:
    index = _index(tmp_path, [US + 1, US + 1, US + 2, US + 3], [20_500, 20_400, 0, 20_600])
    assert [index.lookup(US + k) for k in (1, 2, 3, 4)] == [20_400, 0, 20_600, -1]
    compiled = index.lookup_function()
    assert [compiled(US + k) for k in (1, 2, 3, 4)] == [20_400, 0, 20_600, -1]
    many = index.lookup_many(np.array([US + 1, US + 4, US + 2], np.int64))
    assert many.tolist() == [20_400, -1, 0]


def test_a_list_without_days_answers_zero_for_listed_numbers(tmp_path: Path) -> None:
    index = _index(tmp_path, [US + 5])
    assert not index.has_days
    assert (index.lookup(US + 5), index.lookup(US + 6)) == (0, -1)


def test_an_empty_list_lists_nothing(tmp_path: Path) -> None:
    index = _index(tmp_path, [])
    assert index.position(US) == -1
    assert index.positions(np.array([US, 1], np.int64)).tolist() == [-1, -1]


def test_a_truncated_index_file_is_refused(tmp_path: Path) -> None:
    index = _index(tmp_path, [US, US + 7])
    damaged = tmp_path / "damaged.idx"
    damaged.write_bytes(index.path.read_bytes()[:-8])
    with pytest.raises(StoreError, match="damaged"):
        KeyIndex(damaged)
    (tmp_path / "tiny.idx").write_bytes(b"CDNC")
    with pytest.raises(StoreError, match="truncated"):
        KeyIndex(tmp_path / "tiny.idx")


def test_changes_remove_then_add_and_keep_the_first_listed_day() -> None:
    keys, days = distinct(np.array([1, 3, 5], np.int64), np.array([10, 0, 50], np.uint16))
    added = np.array([3, 4, 5], np.int64)
    after, after_days = apply_changes(
        keys, days, added, np.array([30, 40, 55], np.uint16), np.array([1, 9], np.int64)
    )
    assert after.tolist() == [3, 4, 5]
    assert after_days is not None and after_days.tolist() == [30, 40, 50]


def test_changes_on_a_list_without_days_stay_without_days() -> None:
    keys, _ = distinct(np.array([1, 2], np.int64))
    after, days = apply_changes(keys, None, np.array([0], np.int64), None, np.array([2]))
    assert (after.tolist(), days) == ([0, 1], None)


def test_numbers_listed_on_several_channels_count_once() -> None:
    assert count_union([np.array([1, 2]), np.array([2, 3]), np.array([], np.int64)]) == 3
    assert count_union([np.array([4, 5])]) == 2


def test_large_batches_spread_over_the_world_fall_back_to_argsort(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    listed = rng.integers(10**6, 10**15, 5_000)
    index = _index(tmp_path, listed.tolist())
    asked = np.concatenate([listed, rng.integers(10**6, 10**15, 60_000)])
    rng.shuffle(asked)
    expected = np.isin(asked, listed)
    assert ((index.positions(asked) >= 0) == expected).all()


def test_only_plain_e164_text_makes_a_key() -> None:
    assert e164_key("+12025551234") == 12025551234
    for bad in (
        "12025551234",
        "+1202555123 ",
        "+1_202555123",
        "+012025551234",
        "+1٢025551234",
        "+1-202-555-1234",
        "+123456",
        "+1234567890123456",
        "",
        "+",
        "++12025551234",
    ):
        with pytest.raises(ValidationError):
            e164_key(bad)


def test_the_fast_finding_builder_makes_the_same_finding_as_its_constructor() -> None:
    made = finding("co-rne", "+573001234567", Channel.SMS, True, None, None)
    assert made == RegistryFinding("co-rne", "+573001234567", Channel.SMS, True, None, None)
    with pytest.raises(AttributeError):
        made.listed = False  # type: ignore[misc]
