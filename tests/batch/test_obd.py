"""Open Bandit Dataset: loading the logs, and a known answer the off-policy estimators must find.

The uniform-random policy's own click rate in ``random/all`` is 0.0038. Estimated from the
Bernoulli Thompson sampling log (whose propensities are logged) the same policy's value must
come out near it: 0.0038 inside each estimator's 95 % bootstrap interval, and each point
estimate within ``TOLERANCE`` of it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from cortesia.batch.obd import BanditLog, item_position_rates, load_obd
from cortesia.errors import ValidationError
from cortesia.models.offpolicy import (
    PolicyValue,
    doubly_robust,
    ipw,
    on_policy,
    snipw,
    uniform_action_dist,
)

ROOT = Path(__file__).resolve().parents[2]
OBD = ROOT.parent / "shared/data/obd"
SHA256 = {"random": "7168295b6e0a9eab", "bts": "0ad874e4dbf6902f"}  # shared/data/README.md
RANDOM_RATE = 0.0038  # the uniform-random policy's on-policy click rate in random/all
# The BTS log holds 42 clicks; the bootstrap standard error of these estimates of the random
# policy is about 0.0008, so two standard errors is as tight as an honest bound can be.
TOLERANCE = 0.0016

pytestmark = pytest.mark.skipif(
    not OBD.exists() and not os.environ.get("CI"),
    reason="shared/data/obd is not present (in CI its absence fails the test)",
)


@pytest.fixture(scope="module")
def bts() -> BanditLog:
    return load_obd(OBD / "bts/all")


@pytest.fixture(scope="module")
def random_log() -> BanditLog:
    return load_obd(OBD / "random/all")


@pytest.mark.parametrize("policy", ["random", "bts"])
def test_the_shared_files_are_the_published_ones(policy: str) -> None:
    digest = hashlib.sha256((OBD / policy / "all/all.csv").read_bytes()).hexdigest()
    assert digest[:16] == SHA256[policy]


def test_a_log_loads_with_its_action_position_structure(bts: BanditLog) -> None:
    assert (bts.n_rounds, bts.n_actions, bts.n_positions) == (10_000, 80, 3)
    assert set(np.unique(bts.positions)) == {0, 1, 2}
    assert bts.actions.min() == 0 and bts.actions.max() == 79
    assert (np.diff(bts.timestamps) >= np.timedelta64(0)).all()
    assert ((bts.propensities > 0) & (bts.propensities <= 1)).all()
    assert bts.affinity.shape == (10_000, 80)
    assert bts.user_features.columns == [f"user_feature_{i}" for i in range(4)]
    assert bts.items.height == 80 and bts.items["item_id"].to_list() == list(range(80))


def test_the_logged_click_rates_are_the_published_ones(
    bts: BanditLog, random_log: BanditLog
) -> None:
    assert random_log.click_rate == pytest.approx(RANDOM_RATE)
    assert bts.click_rate == pytest.approx(0.0042)
    assert (random_log.propensities == 1 / 80).all()


def test_on_the_random_log_ipw_of_the_random_policy_is_its_click_rate(
    random_log: BanditLog,
) -> None:
    log = random_log
    uniform = uniform_action_dist(log.n_actions, log.n_positions)
    value = ipw(log.rewards, log.actions, log.propensities, uniform, log.positions)
    assert value.estimate == pytest.approx(RANDOM_RATE, rel=1e-9)


def test_a_split_keeps_time_order_and_every_round(random_log: BanditLog) -> None:
    first, rest = random_log.split(0.7)
    assert (first.n_rounds, rest.n_rounds) == (7000, 3000)
    assert first.timestamps[-1] <= rest.timestamps[0]
    assert first.rewards.sum() + rest.rewards.sum() == random_log.rewards.sum()


def random_policy_from_bts(bts: BanditLog) -> list[PolicyValue]:
    uniform = uniform_action_dist(bts.n_actions, bts.n_positions)
    args = (bts.rewards, bts.actions, bts.propensities, uniform)
    return [
        ipw(*args, bts.positions, seed=0),
        snipw(*args, bts.positions, seed=0),
        doubly_robust(*args, item_position_rates(bts), bts.positions, seed=0),
    ]


def test_the_random_policy_valued_from_the_bts_log_matches_its_own_click_rate(
    bts: BanditLog,
) -> None:
    for value in random_policy_from_bts(bts):
        assert value.level == 0.95
        assert value.covers(RANDOM_RATE), value
        assert abs(value.estimate - RANDOM_RATE) <= TOLERANCE, value


def test_the_bts_policy_own_value_is_its_click_rate_with_an_interval(bts: BanditLog) -> None:
    value = on_policy(bts.rewards)
    assert value.estimate == pytest.approx(0.0042)
    assert 0 < value.lower < 0.0042 < value.upper < 0.01


def test_item_position_rates_shrink_rare_cells_towards_the_log_rate(bts: BanditLog) -> None:
    table = item_position_rates(bts, prior_strength=100.0)
    assert table.shape == (1, 80, 3)
    shown = np.bincount(bts.actions * 3 + bts.positions, minlength=240).reshape(80, 3)
    rare = table[0][shown == 0]
    assert np.allclose(rare, bts.click_rate)
    with pytest.raises(ValidationError, match="prior_strength"):
        item_position_rates(bts, prior_strength=0.0)


HEADER = "timestamp,item_id,position,click,propensity_score,user_feature_0"
ROW = "2019-11-24 00:00:34.762830+00:00,{item},{position},{click},{score},abc"


def write_log(folder: Path, *rows: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "item_context.csv").write_text(",item_id,item_feature_0\n0,0,0.1\n1,1,0.2\n")
    (folder / "all.csv").write_text("\n".join([HEADER, *rows]) + "\n")
    return folder


def test_a_small_well_formed_log_loads(tmp_path: Path) -> None:
    rows = [ROW.format(item=1, position=2, click=1, score=0.5)] * 2
    log = load_obd(write_log(tmp_path, *rows))
    assert (log.n_actions, log.n_positions) == (2, 2)
    assert log.positions.tolist() == [1, 1] and log.actions.tolist() == [1, 1]
    assert log.affinity.shape == (2, 2)


@pytest.mark.parametrize(
    ("field", "row"),
    [
        ("item_id", ROW.format(item=2, position=1, click=0, score=0.5)),
        ("position", ROW.format(item=0, position=0, click=0, score=0.5)),
        ("click", ROW.format(item=0, position=1, click=2, score=0.5)),
        ("propensity_score", ROW.format(item=0, position=1, click=0, score=0.0)),
        ("timestamp", "yesterday,0,1,0,0.5,abc"),
    ],
)
def test_a_bad_log_is_refused_naming_the_column(tmp_path: Path, field: str, row: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load_obd(write_log(tmp_path, row))
    assert caught.value.problem.field == field


def test_a_missing_log_or_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="no such file"):
        load_obd(tmp_path)
    folder = write_log(tmp_path / "x")
    (folder / "all.csv").write_text("timestamp,item_id\n")
    with pytest.raises(ValidationError, match="position"):
        load_obd(folder)
