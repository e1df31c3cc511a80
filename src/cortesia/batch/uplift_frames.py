"""An experiment's CSV file → the arrays an uplift model learns from, and predictions back.

A file of one row per customer: a treatment column (which arm the customer was in), an
outcome column (0/1, or true/false), and features. Rows of the treatment and control
arms are kept; rows of any other arm (a third e-mail, say) are dropped and counted. The
features are every other column but the excluded ones (outcomes other than the target,
ids); text and true/false columns are categorical, numeric ones numeric. A column name
that is not in the file is refused with every such name listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from numpy.typing import NDArray

from cortesia.errors import ValidationError

Columns = dict[str, NDArray[np.generic]]


@dataclass(frozen=True, slots=True)
class UpliftFrame:
    """The kept rows of an experiment file, as a model takes them."""

    frame: pl.DataFrame
    columns: Columns
    categorical: tuple[str, ...]
    treatment: NDArray[np.int8]
    outcome: NDArray[np.int8]
    dropped: int

    @property
    def features(self) -> tuple[str, ...]:
        """The feature columns, in the file's order."""
        return tuple(self.columns)


def read_table(path: Path) -> pl.DataFrame:
    """A CSV file as a frame, every column's type inferred from all its rows."""
    if not path.is_file():
        raise ValidationError("data", str(path), "no such file")
    try:
        frame = pl.read_csv(path, infer_schema_length=None, raise_if_empty=True)
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValidationError("data", path.name, f"cannot be read as CSV: {first}") from None
    return frame


def _refuse_unknown(frame: pl.DataFrame, named: dict[str, Iterable[str]]) -> None:
    """One error naming every option whose column is not in the file."""
    missing = [
        f"--{option} {column}"
        for option, columns in named.items()
        for column in columns
        if column not in frame.columns
    ]
    if missing:
        raise ValidationError(
            "columns",
            ", ".join(missing),
            f"not in the file; its columns are {', '.join(frame.columns)}",
        )


def is_categorical(dtype: pl.DataType) -> bool:
    """Whether a column of this type is encoded by category (text, true/false, dates …)."""
    return not dtype.is_numeric()


def column_values(series: pl.Series, categorical: bool) -> NDArray[np.generic]:
    """A column as a model takes it: floats (NaN when missing) or Python values."""
    if not categorical:
        try:
            return series.cast(pl.Float64, strict=True).to_numpy()
        except pl.exceptions.PolarsError:
            raise ValidationError(series.name, series.dtype, "is not a numeric column") from None
    return np.array(series.to_list(), dtype=object)


def _binary_outcome(series: pl.Series) -> NDArray[np.int8]:
    if series.null_count():
        raise ValidationError(series.name, None, "the outcome is missing on some rows")
    if series.dtype == pl.Boolean:
        return series.cast(pl.Int8).to_numpy()
    values = series.cast(pl.String).str.to_lowercase()
    mapped = values.replace_strict(
        {"0": 0, "1": 1, "true": 1, "false": 0, "0.0": 0, "1.0": 1}, default=None
    )
    if mapped.null_count():
        bad = values.filter(mapped.is_null()).unique().sort().head(5).to_list()
        raise ValidationError(series.name, bad, "the outcome must be 0/1 or true/false")
    return mapped.cast(pl.Int8).to_numpy()


def read_uplift_frame(
    path: Path,
    *,
    treatment_col: str,
    treatment_value: str,
    control_value: str,
    target: str,
    exclude: Sequence[str] = (),
) -> UpliftFrame:
    """Read an experiment file; see the module docstring for what is kept and refused."""
    frame = read_table(path)
    _refuse_unknown(
        frame, {"treatment-col": [treatment_col], "target": [target], "exclude": exclude}
    )
    if target == treatment_col:
        raise ValidationError("target", target, "is the treatment column")
    if treatment_value == control_value:
        raise ValidationError("control-value", control_value, "equals the treatment value")
    arm = frame[treatment_col].cast(pl.String)
    for option, value in (("treatment-value", treatment_value), ("control-value", control_value)):
        if not (arm == value).any():
            shown = ", ".join(str(v) for v in arm.unique().sort().head(10).to_list())
            raise ValidationError(option, value, f"no row has it in {treatment_col} ({shown})")
    kept = frame.filter(arm.is_in([treatment_value, control_value]))
    features = [c for c in frame.columns if c not in {treatment_col, target, *exclude}]
    if not features:
        raise ValidationError("exclude", list(exclude), "leaves no feature column")
    categorical = tuple(c for c in features if is_categorical(kept[c].dtype))
    return UpliftFrame(
        frame=kept,
        columns={c: column_values(kept[c], c in categorical) for c in features},
        categorical=categorical,
        treatment=(kept[treatment_col].cast(pl.String) == treatment_value).cast(pl.Int8).to_numpy(),
        outcome=_binary_outcome(kept[target]),
        dropped=frame.height - kept.height,
    )


def feature_columns(
    frame: pl.DataFrame, features: Sequence[str], categorical: Iterable[str]
) -> Columns:
    """A model's features from a file to score; every one must be a column of it."""
    missing = [f for f in features if f not in frame.columns]
    if missing:
        raise ValidationError("features", ", ".join(missing), "the model needs these columns")
    chosen = set(categorical)
    return {f: column_values(frame[f], f in chosen) for f in features}


def write_predictions(
    frame: pl.DataFrame,
    path: Path,
    *,
    uplift: NDArray[np.float64],
    p_treated: NDArray[np.float64],
    p_control: NDArray[np.float64],
    quadrant: NDArray[np.str_],
) -> None:
    """The input rows with ``uplift``, ``p_treated``, ``p_control`` and ``quadrant`` added."""
    added = pl.DataFrame(
        {
            "uplift": uplift,
            "p_treated": p_treated,
            "p_control": p_control,
            "quadrant": quadrant.astype(str).tolist(),
        }
    )
    taken = [name for name in added.columns if name in frame.columns]
    if taken:
        raise ValidationError("data", ", ".join(taken), "already a column; rename it first")
    frame.hstack(added).write_csv(path)
