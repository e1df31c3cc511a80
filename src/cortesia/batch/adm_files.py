"""ADM-style models written as Pega ADM datamart files that pdstools loads.

``cortesia.models.adm_export`` builds the two datamart tables as rows, from ADM-style
models or from any model's ``ModelEvidence`` (the adaptive scorer's Bayesian logistic
models: ``AdaptiveScorer.datamart_models``); this module types them as Polars frames
and writes them under the file names of Pega's dataset exports, so that
``pdstools.ADMDatamart.from_ds_export(base_path=directory)`` finds the latest pair on its
own:

- ``Data-Decision-ADM-ModelSnapshot_pyModelSnapshots_<time>_GMT.<ext>``
- ``Data-Decision-ADM-PredictorBinningSnapshot_pyADMPredictorSnapshots_<time>_GMT.<ext>``

Three formats, all read by pdstools: ``parquet`` (the default, typed), ``csv``, and
``zip``, Pega's own dataset export (a zip holding ``data.json``, one JSON object a line).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from cortesia.errors import ValidationError
from cortesia.models.adm import AdaptiveNaiveBayes
from cortesia.models.adm_export import (
    MODEL_COLUMNS,
    PREDICTOR_COLUMNS,
    ModelEvidence,
    ModelIdentity,
    Row,
    model_snapshot,
    pega_timestamp,
    predictor_binning,
)

FORMATS = ("parquet", "csv", "zip")
MODEL_FILE = "Data-Decision-ADM-ModelSnapshot_pyModelSnapshots"
PREDICTOR_FILE = "Data-Decision-ADM-PredictorBinningSnapshot_pyADMPredictorSnapshots"

_POLARS_TYPES: dict[type, pl.DataType] = {str: pl.String(), float: pl.Float64(), int: pl.Int64()}

#: Each model (an ``AdaptiveNaiveBayes`` or any model's ``ModelEvidence``) with its identity.
Models = Iterable[tuple[ModelIdentity, AdaptiveNaiveBayes | ModelEvidence]]


@dataclass(frozen=True, slots=True)
class DatamartFiles:
    """The pair of files one export wrote."""

    models: Path
    predictors: Path


def model_schema() -> pl.Schema:
    """The model snapshot's Polars schema (``MODEL_COLUMNS``, typed).

    Examples
    --------
    >>> model_schema()["pyPerformance"]
    Float64
    """
    return pl.Schema({name: _POLARS_TYPES[kind] for name, kind in MODEL_COLUMNS.items()})


def predictor_schema() -> pl.Schema:
    """The predictor binning snapshot's Polars schema (``PREDICTOR_COLUMNS``, typed).

    Examples
    --------
    >>> predictor_schema()["pyBinIndex"]
    Int64
    """
    return pl.Schema({name: _POLARS_TYPES[kind] for name, kind in PREDICTOR_COLUMNS.items()})


def model_frame(models: Models, when: datetime) -> pl.DataFrame:
    """The model snapshot of ``models`` taken at ``when``, one row per model.

    Examples
    --------
    >>> from datetime import timezone
    >>> ident = ModelIdentity("Sales", "Cards", "Gold", "Web", "Inbound", "Web_Click")
    >>> when = datetime(2026, 1, 2, tzinfo=timezone.utc)
    >>> frame = model_frame([(ident, AdaptiveNaiveBayes())], when)
    >>> frame.select("pyName", "pyResponseCount", "pySnapshotTime").row(0)
    ('Gold', 0.0, '20260102T000000.000 GMT')
    """
    return _frame(model_snapshot(models, when), model_schema())


def predictor_frame(models: Models, when: datetime, *, classifier_bins: int = 20) -> pl.DataFrame:
    """The predictor binning snapshot of ``models`` taken at ``when``, one row per bin.

    Examples
    --------
    >>> from datetime import timezone
    >>> ident = ModelIdentity("Sales", "Cards", "Gold", "Web", "Inbound", "Web_Click")
    >>> when = datetime(2026, 1, 2, tzinfo=timezone.utc)
    >>> predictor_frame([(ident, AdaptiveNaiveBayes())], when)["pyEntryType"].to_list()
    ['Classifier']
    """
    rows = predictor_binning(models, when, classifier_bins=classifier_bins)
    return _frame(rows, predictor_schema())


def write_datamart(
    models: Models,
    directory: Path,
    when: datetime,
    *,
    file_format: str = "parquet",
    classifier_bins: int = 20,
) -> DatamartFiles:
    """Write the model and predictor binning snapshots of ``models`` into ``directory``.

    Parameters
    ----------
    models
        Each model (``AdaptiveNaiveBayes`` or ``ModelEvidence``) with its identity (issue,
        group, name, channel, direction, configuration).
    directory
        Where the two files go; created when absent.
    when
        The snapshot time (time-zone aware); it also names the files.
    file_format
        ``parquet``, ``csv`` or ``zip`` (Pega's dataset export: ``data.json`` zipped).
    classifier_bins
        At most this many score bins in the classifier rows.

    Returns
    -------
    DatamartFiles
        The paths written.

    Examples
    --------
    >>> import tempfile
    >>> from datetime import timezone
    >>> ident = ModelIdentity("Sales", "Cards", "Gold", "Web", "Inbound", "Web_Click")
    >>> when = datetime(2026, 1, 2, tzinfo=timezone.utc)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     files = write_datamart([(ident, AdaptiveNaiveBayes())], Path(tmp), when)
    ...     read_datamart(files)[0].height
    1
    >>> files.models.name
    'Data-Decision-ADM-ModelSnapshot_pyModelSnapshots_20260102T000000_GMT.parquet'
    """
    if file_format not in FORMATS:
        raise ValidationError("file_format", file_format, f"must be one of {', '.join(FORMATS)}")
    pairs = list(models)
    stamp = pega_timestamp(when).split(".")[0]  # 20260102T000000, as Pega names its files
    directory.mkdir(parents=True, exist_ok=True)
    files = DatamartFiles(
        directory / f"{MODEL_FILE}_{stamp}_GMT.{file_format}",
        directory / f"{PREDICTOR_FILE}_{stamp}_GMT.{file_format}",
    )
    _write(model_frame(pairs, when), files.models, file_format)
    _write(
        predictor_frame(pairs, when, classifier_bins=classifier_bins), files.predictors, file_format
    )
    return files


def read_datamart(files: DatamartFiles) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read back a pair of files ``write_datamart`` wrote, typed as they were written."""
    return (
        _read(files.models, model_schema()),
        _read(files.predictors, predictor_schema()),
    )


def _frame(rows: list[Row], schema: pl.Schema) -> pl.DataFrame:
    columns = {name: [row.get(name) for row in rows] for name in schema.names()}
    return pl.DataFrame(columns, schema=schema)


def _write(frame: pl.DataFrame, path: Path, file_format: str) -> None:
    if file_format == "parquet":
        frame.write_parquet(path)
    elif file_format == "csv":
        frame.write_csv(path)
    else:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", frame.write_ndjson())


def _read(path: Path, schema: pl.Schema) -> pl.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pl.read_parquet(path)
    if suffix == ".csv":
        return pl.read_csv(path, schema=schema)
    if suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            data = archive.read("data.json")
        return pl.read_ndjson(io.BytesIO(data), schema=schema)
    raise ValidationError("path", str(path), "must end in .parquet, .csv or .zip")
