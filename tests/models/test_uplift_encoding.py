"""The column encoder: a file's columns and one customer's mapping encode identically."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cortesia.errors import ValidationError
from cortesia.models.uplift.encoding import ColumnEncoder, category_key

TRAIN = {
    "recency": np.array([10, 6, 7, 2, 6]),
    "history": np.array([142.44, 329.08, np.nan, 45.34, 134.83]),
    "zip_code": np.array(["Surburban", "Rural", "Surburban", "Urban", None], dtype=object),
    "newbie": np.array([True, False, True, True, False], dtype=object),
}


def _rows(columns: dict[str, np.ndarray]) -> list[dict[str, object]]:
    count = len(next(iter(columns.values())))
    return [{name: values[i] for name, values in columns.items()} for i in range(count)]


@pytest.mark.parametrize("style", ["ordinal", "onehot"])
def test_rows_and_columns_encode_to_the_same_matrix(style: str) -> None:
    encoder = ColumnEncoder(style).fit(TRAIN)  # type: ignore[arg-type]
    scoring = {
        "recency": np.array([3, 5, 1]),
        "history": np.array([12.5, np.nan, 80.0]),
        "zip_code": np.array(["Urban", "Mars", None], dtype=object),
        "newbie": np.array([False, None, True], dtype=object),
    }
    np.testing.assert_array_equal(
        encoder.transform_columns(scoring), encoder.transform_rows(_rows(scoring))
    )


def test_text_columns_are_categorical_unless_named_and_unknowns_are_missing() -> None:
    encoder = ColumnEncoder().fit(TRAIN)
    assert encoder.categorical_ == ("zip_code", "newbie")
    assert encoder.categories_["zip_code"] == ("Rural", "Surburban", "Urban")
    row = encoder.transform_rows([{"recency": 3, "zip_code": "Mars"}])[0]
    assert row[0] == 3 and math.isnan(row[1]) and math.isnan(row[2]) and math.isnan(row[3])
    named = ColumnEncoder().fit(TRAIN, categorical=["recency"])
    assert named.categorical_ == ("recency",)


def test_one_hot_gives_a_column_per_category_and_zeros_for_an_unknown() -> None:
    encoder = ColumnEncoder("onehot").fit({"zip_code": TRAIN["zip_code"]})
    assert encoder.feature_names_out_ == ("zip_code=Rural", "zip_code=Surburban", "zip_code=Urban")
    assert encoder.transform_rows([{"zip_code": "Rural"}, {"zip_code": "Mars"}]).tolist() == [
        [1, 0, 0],
        [0, 0, 0],
    ]
    assert not encoder.categorical_mask_.any()


def test_values_are_compared_as_text_so_numbers_and_booleans_match_a_csv() -> None:
    encoder = ColumnEncoder().fit({"plan": np.array(["1", "2", "true"], dtype=object)})
    encoded = encoder.transform_rows([{"plan": 1}, {"plan": 2.0}, {"plan": True}])
    assert encoded[:, 0].tolist() == [0, 1, 2]
    assert category_key(float("nan")) is None


def test_only_the_most_frequent_categories_are_kept() -> None:
    values = np.array(["a"] * 3 + ["b"] * 2 + ["c"], dtype=object)
    encoder = ColumnEncoder(max_categories=2).fit({"code": values})
    assert encoder.categories_["code"] == ("a", "b")


def test_a_word_in_a_numeric_feature_is_refused_with_its_name() -> None:
    encoder = ColumnEncoder().fit(TRAIN)
    assert encoder.transform_rows([{"recency": "7"}])[0, 0] == 7
    with pytest.raises(ValidationError) as caught:
        encoder.transform_rows([{"recency": "seven"}])
    assert caught.value.problem.field == "recency"


def test_missing_features_and_bad_settings_are_refused() -> None:
    encoder = ColumnEncoder().fit(TRAIN)
    with pytest.raises(ValidationError, match="recency"):
        encoder.transform_columns({"history": TRAIN["history"]})
    with pytest.raises(ValidationError):
        ColumnEncoder("hash").fit(TRAIN)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        ColumnEncoder().fit(TRAIN, categorical=["nope"])


values = st.one_of(
    st.none(),
    st.sampled_from(["a", "b", "c", "zz"]),
    st.integers(-3, 3),
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(
    train=st.lists(st.tuples(st.floats(-1e6, 1e6), values), min_size=1, max_size=30),
    score=st.lists(st.tuples(st.one_of(st.none(), st.floats(-1e6, 1e6)), values), max_size=30),
    style=st.sampled_from(["ordinal", "onehot"]),
)
def test_any_mixed_data_encodes_alike_by_rows_and_columns(
    train: list[tuple[float, object]], score: list[tuple[float | None, object]], style: str
) -> None:
    columns = {
        "amount": np.array([a for a, _ in train]),
        "code": np.array([c for _, c in train], dtype=object),
    }
    encoder = ColumnEncoder(style).fit(columns, categorical=["code"])  # type: ignore[arg-type]
    scoring = {
        "amount": np.array([np.nan if a is None else a for a, _ in score], dtype=np.float64),
        "code": np.array([c for _, c in score], dtype=object),
    }
    rows = [{"amount": a, "code": c} for a, c in score]
    np.testing.assert_array_equal(encoder.transform_columns(scoring), encoder.transform_rows(rows))
