"""A numeric predictor's summary points: merged in one pass after a batch, as the streaming
histogram merges them one value at a time."""

from __future__ import annotations

import numpy as np
import pytest

from cortesia.models.binning import NumericBinning


def _summary(binning: NumericBinning) -> list[tuple[float, list[int]]]:
    return list(zip(binning._points, binning._point_counts, strict=True))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_compacting_after_each_value_merges_as_the_stream_does(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = [round(float(v), 3) for v in rng.gamma(4.0, 12.0, size=400)]
    streamed = NumericBinning(max_bins=10, min_bin_evidence=20, fine_bins=16)
    compacted = NumericBinning(max_bins=10, min_bin_evidence=20, fine_bins=16)
    for r, value in enumerate(values):
        streamed.learn(value, r % 3 == 0)
        compacted.add(value, r % 3 == 0, 1)
        compacted.compact()
    assert compacted._points == pytest.approx(streamed._points, rel=1e-12)
    assert compacted._point_counts == streamed._point_counts
    assert compacted.counts() == streamed.counts()


def test_a_batch_compacts_to_the_limit_keeping_every_outcome_and_the_range() -> None:
    rng = np.random.default_rng(4)
    binning = NumericBinning(max_bins=10, min_bin_evidence=20, fine_bins=64)
    values = rng.normal(50.0, 10.0, size=5000).round(4)
    for r, value in enumerate(values.tolist()):
        binning.add(value, r % 4 == 0, 1)
    binning.add(999.0, False, 3000)  # one value that holds most of the evidence
    binning.compact()
    points, counts = binning._points, binning._point_counts
    assert len(points) == 64 and points == sorted(points)
    assert sum(n + p for n, p in counts) == 8000 and sum(p for _, p in counts) == 1250
    assert points[0] == pytest.approx(values.min(), abs=2.0) and points[-1] == 999.0
    binning.rebuild()
    assert binning.bins()[-2].label.startswith(">= ")  # 999 has a bin of its own
    assert binning.bins()[-2].negatives == 3000


def test_few_distinct_values_are_kept_exactly() -> None:
    binning = NumericBinning(max_bins=4, min_bin_evidence=1)
    for value in (0.0, 1.0, 2.0, 1.0, 0.0):
        binning.add(value, value > 0.5, 10)
    binning.compact()
    assert _summary(binning) == [(0.0, [20, 0]), (1.0, [0, 20]), (2.0, [0, 10])]
