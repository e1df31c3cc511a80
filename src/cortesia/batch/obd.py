"""Reading an Open Bandit Dataset log (ZOZOTOWN) into the arrays off-policy estimators need.

A campaign directory of the Open Bandit Dataset (Saito et al. 2021) holds ``all.csv`` — one
row per impression: ``timestamp``, ``item_id`` (the action), ``position`` (the slot, 1-based
in the file), ``click`` (the reward), ``propensity_score`` (the logging policy's probability
of that item in that slot), four hashed user features and one user-item affinity per item —
and ``item_context.csv`` (one row per item). The same layout serves the uniform-random and
the Bernoulli Thompson sampling logs.

Positions become 0-based, rows are put in time order, and every column the estimators read
is checked as a whole column; a bad file is refused with the first offending value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from cortesia.errors import ValidationError
from cortesia.models.offpolicy_inputs import FloatArray, IntArray

_LOG_FILE = "all.csv"
_ITEM_FILE = "item_context.csv"
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S%.f%:z"
_REQUIRED = ("timestamp", "item_id", "position", "click", "propensity_score")
_AFFINITY_PREFIX = "user-item_affinity_"
_USER_PREFIX = "user_feature_"


@dataclass(frozen=True, slots=True)
class BanditLog:
    """Logged bandit feedback of one policy, in time order.

    Attributes
    ----------
    timestamps : numpy.ndarray of datetime64[us], shape (n,)
        When each impression happened (UTC).
    actions : numpy.ndarray of int64, shape (n,)
        Item shown, in ``[0, n_actions)``.
    positions : numpy.ndarray of int64, shape (n,)
        Slot it was shown in, 0-based, in ``[0, n_positions)``.
    rewards : numpy.ndarray of float64, shape (n,)
        1.0 for a click, else 0.0.
    propensities : numpy.ndarray of float64, shape (n,)
        The logging policy's probability of that item in that slot.
    n_actions, n_positions : int
        The action-position structure: items in the catalogue, slots per page.
    user_features : polars.DataFrame
        The hashed user features (categorical strings), one row per impression.
    affinity : numpy.ndarray of float64, shape (n, n_actions)
        User-item affinity of every item, one row per impression.
    items : polars.DataFrame
        Item context, one row per item, sorted by ``item_id``.
    """

    timestamps: npt.NDArray[np.datetime64]
    actions: IntArray
    positions: IntArray
    rewards: FloatArray
    propensities: FloatArray
    n_actions: int
    n_positions: int
    user_features: pl.DataFrame
    affinity: FloatArray
    items: pl.DataFrame

    @property
    def n_rounds(self) -> int:
        """Number of logged impressions."""
        return int(self.actions.shape[0])

    @property
    def click_rate(self) -> float:
        """The logging policy's own value: clicks per impression."""
        return float(self.rewards.mean())

    def split(self, fraction: float) -> tuple[BanditLog, BanditLog]:
        """The first ``fraction`` of rounds in time order, and the rest."""
        if not 0 < fraction < 1:
            raise ValidationError("fraction", fraction, "must lie strictly between 0 and 1")
        cut = round(self.n_rounds * fraction)
        return self._rows(slice(0, cut)), self._rows(slice(cut, self.n_rounds))

    def _rows(self, rows: slice) -> BanditLog:
        return BanditLog(
            self.timestamps[rows],
            self.actions[rows],
            self.positions[rows],
            self.rewards[rows],
            self.propensities[rows],
            self.n_actions,
            self.n_positions,
            self.user_features[rows],
            self.affinity[rows],
            self.items,
        )


def load_obd(directory: Path | str) -> BanditLog:
    """Load one Open Bandit Dataset campaign directory (``all.csv``, ``item_context.csv``).

    Parameters
    ----------
    directory : path
        E.g. ``shared/data/obd/random/all``.

    Returns
    -------
    BanditLog

    Raises
    ------
    cortesia.errors.ValidationError
        A file or column is missing, or a value is out of range.
    """
    folder = Path(directory)
    items = _read_items(folder / _ITEM_FILE)
    n_actions = items.height
    frame = _read(folder / _LOG_FILE)
    missing = [name for name in _REQUIRED if name not in frame.columns]
    if missing:
        raise ValidationError("column", missing[0], f"missing from {folder / _LOG_FILE}")
    frame = frame.with_columns(
        pl.col("timestamp").str.to_datetime(_TIME_FORMAT, time_zone="UTC", strict=False)
    ).sort("timestamp", maintain_order=True)
    _check_columns(frame, n_actions)
    affinity_columns = [f"{_AFFINITY_PREFIX}{item}" for item in range(n_actions)]
    affinity = (
        frame.select(affinity_columns).to_numpy().astype(np.float64)
        if all(name in frame.columns for name in affinity_columns)
        else np.zeros((frame.height, n_actions))
    )
    return BanditLog(
        timestamps=frame["timestamp"].dt.replace_time_zone(None).to_numpy(),
        actions=frame["item_id"].to_numpy().astype(np.int64),
        positions=frame["position"].to_numpy().astype(np.int64) - 1,
        rewards=frame["click"].to_numpy().astype(np.float64),
        propensities=frame["propensity_score"].to_numpy().astype(np.float64),
        n_actions=n_actions,
        n_positions=int(frame["position"].max()),  # type: ignore[arg-type]
        user_features=frame.select(pl.col(f"^{_USER_PREFIX}\\d+$")),
        affinity=affinity,
        items=items,
    )


def item_position_rates(
    log: BanditLog, *, prior_strength: float = 100.0, prior_rate: float | None = None
) -> FloatArray:
    """Click rate of every item in every slot, shrunk towards a common rate (a reward model).

    Each cell is the Beta-Bernoulli posterior mean
    ``(clicks + s * m) / (impressions + s)``, with ``m`` the log's click rate unless
    ``prior_rate`` is given and ``s`` the ``prior_strength``, so rarely shown items stay
    near ``m`` instead of 0. The shape ``(1, n_actions, n_positions)`` stands for every
    round, as ``reward_hat`` of :func:`cortesia.models.offpolicy.doubly_robust`.
    """
    if not prior_strength > 0:
        raise ValidationError("prior_strength", prior_strength, "must be positive")
    rate = log.click_rate if prior_rate is None else prior_rate
    if not 0 <= rate <= 1:
        raise ValidationError("prior_rate", prior_rate, "must lie in [0, 1]")
    shape = (log.n_actions, log.n_positions)
    cells = log.actions * log.n_positions + log.positions
    shown = np.bincount(cells, minlength=shape[0] * shape[1]).reshape(shape)
    clicks = np.bincount(cells, weights=log.rewards, minlength=shape[0] * shape[1]).reshape(shape)
    table: FloatArray = (clicks + prior_strength * rate) / (shown + prior_strength)
    return table[np.newaxis, :, :]


def _read(path: Path) -> pl.DataFrame:
    if not path.is_file():
        raise ValidationError("path", str(path), "no such file")
    try:
        return pl.read_csv(path, infer_schema_length=1000)
    except pl.exceptions.PolarsError as exc:
        raise ValidationError("path", str(path), f"not a readable CSV file: {exc}") from exc


def _read_items(path: Path) -> pl.DataFrame:
    items = _read(path)
    if "item_id" not in items.columns:
        raise ValidationError("column", "item_id", f"missing from {path}")
    items = items.drop([name for name in items.columns if name == ""]).sort("item_id")
    ids = items["item_id"].to_list()
    if ids != list(range(len(ids))):
        raise ValidationError("item_id", ids[:5], f"{path} must number items 0, 1, … once each")
    return items


def _check_columns(frame: pl.DataFrame, n_actions: int) -> None:
    """Refuse the first value outside its range, naming the column."""
    checks = {
        "timestamp": pl.col("timestamp").is_null(),
        "item_id": ~pl.col("item_id").is_between(0, n_actions - 1),
        "position": ~(pl.col("position") >= 1),
        "click": ~pl.col("click").is_in([0, 1]),
        "propensity_score": ~((pl.col("propensity_score") > 0) & (pl.col("propensity_score") <= 1)),
    }
    for name, bad in checks.items():
        offending = frame.filter(bad.fill_null(True))
        if offending.height:
            raise ValidationError(
                name, offending[name][0], f"out of range in {offending.height} row(s)"
            )
