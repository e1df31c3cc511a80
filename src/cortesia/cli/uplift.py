"""``cortesia uplift``: fit, apply and evaluate uplift models on an experiment's CSV file."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cortesia.cli.options import JsonOption, command_group
from cortesia.cli.output import emit_json, err, say
from cortesia.errors import ValidationError

if TYPE_CHECKING:
    from cortesia.batch.uplift_frames import UpliftFrame
    from cortesia.models.uplift import UpliftModel

METHODS = "t (two models), x (X-learner), class (class transformation), s (one model)"

DataOption = Annotated[
    Path, typer.Option("--data", metavar="FILE", help="CSV file, one row a customer.")
]
ModelOption = Annotated[
    Path, typer.Option("--model", metavar="MODEL", help="A model file from uplift fit.")
]
TREATMENT_COL_HELP = "Column naming each row's arm."
TREATMENT_VALUE_HELP = "Its value for treated rows."
CONTROL_VALUE_HELP = "Its value for control rows."
TARGET_HELP = "The 0/1 outcome column."
DEFAULTS_HELP = " Default: the model's own."
TreatmentColOption = Annotated[
    str | None,
    typer.Option(metavar="COLUMN", help=TREATMENT_COL_HELP + DEFAULTS_HELP),
]
TreatmentValueOption = Annotated[
    str | None,
    typer.Option(metavar="VALUE", help=TREATMENT_VALUE_HELP + DEFAULTS_HELP),
]
ControlValueOption = Annotated[
    str | None,
    typer.Option(metavar="VALUE", help=CONTROL_VALUE_HELP + DEFAULTS_HELP),
]
TargetOption = Annotated[
    str | None, typer.Option(metavar="COLUMN", help=TARGET_HELP + DEFAULTS_HELP)
]
ExcludeOption = Annotated[
    str,
    typer.Option(
        "--exclude",
        metavar="COLS",
        help="Comma-separated columns that are not features (other outcomes, ids).",
    ),
]


def _uplift_module() -> Any:
    """The models, imported when a command runs: they need the ``learn`` extra."""
    try:
        import cortesia.models.uplift as module
    except ImportError as error:
        raise ValidationError(
            "uplift", error.name, "needs scikit-learn: pip install 'cortesia[learn]'"
        ) from None
    return module


@contextmanager
def _working(text: str) -> Iterator[None]:
    """A spinner on stderr while a slow step runs, on a terminal only."""
    console = err()
    if not console.is_terminal:
        yield
        return
    with console.status(text):
        yield


def _required(option: str, value: str | None) -> str:
    if value is None or not value.strip():
        raise ValidationError(option, value, "is required")
    return value


def _columns(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _experiment(data: Path, options: Mapping[str, str | None], exclude: str) -> UpliftFrame:
    from cortesia.batch.uplift_frames import read_uplift_frame

    return read_uplift_frame(
        data,
        treatment_col=_required("treatment-col", options["treatment_col"]),
        treatment_value=_required("treatment-value", options["treatment_value"]),
        control_value=_required("control-value", options["control_value"]),
        target=_required("target", options["target"]),
        exclude=_columns(exclude),
    )


def fit(
    data: DataOption,
    treatment_col: Annotated[str, typer.Option(metavar="COLUMN", help=TREATMENT_COL_HELP)],
    treatment_value: Annotated[str, typer.Option(metavar="VALUE", help=TREATMENT_VALUE_HELP)],
    control_value: Annotated[str, typer.Option(metavar="VALUE", help=CONTROL_VALUE_HELP)],
    target: Annotated[str, typer.Option(metavar="COLUMN", help=TARGET_HELP)],
    out: Annotated[Path, typer.Option("--out", metavar="MODEL", help="Where to write the model.")],
    exclude: ExcludeOption = "",
    method: Annotated[str, typer.Option("--method", metavar="METHOD", help=METHODS)] = "x",
    seed: Annotated[
        int, typer.Option("--seed", metavar="N", help="Seed of split and learners.")
    ] = 42,
    holdout: Annotated[
        float,
        typer.Option(
            "--holdout", metavar="SHARE", help="Share held out to score the model (0 = none)."
        ),
    ] = 0.3,
    as_json: JsonOption = False,
) -> None:
    """Fit an uplift model on an experiment.

    Reads the experiment's file and writes the model to --out.

    Features are every column but the treatment, the target and --exclude; text columns
    are categorical. A held-out share scores the model (Qini, AUUC, uplift@30 %).
    """
    uplift = _uplift_module()
    options = {
        "treatment_col": treatment_col,
        "treatment_value": treatment_value,
        "control_value": control_value,
        "target": target,
    }
    experiment = _experiment(data, options, exclude)
    with _working(f"Fitting the {method} uplift model on {experiment.frame.height:,} rows"):
        model = uplift.fit_uplift_model(
            experiment.columns,
            experiment.treatment,
            experiment.outcome,
            target=target,
            method=method,
            seed=seed,
            holdout=holdout,
            categorical=experiment.categorical,
            treatment_col=treatment_col,
            treatment_value=treatment_value,
            control_value=control_value,
        )
    model.save(out)
    summary = _summary(model, out, experiment.dropped)
    if as_json:
        emit_json(summary)
        return
    say(
        f"Wrote the {method} uplift model of {target} to {out}: {summary['train_rows']:,} rows "
        f"({summary['dropped_rows']:,} of other arms dropped)"
    )
    if summary["holdout"]:
        say(_scores_line(summary["holdout"], "held out"))


def _summary(model: UpliftModel, out: Path, dropped: int) -> dict[str, Any]:
    meta = model.metadata
    return {
        "file": str(out),
        "method": meta.method,
        "target": meta.target,
        "features": list(meta.features),
        "categorical": list(meta.categorical),
        "train_rows": meta.train_rows,
        "dropped_rows": dropped,
        "holdout": meta.holdout.as_dict() if meta.holdout else None,
    }


def _scores_line(scores: dict[str, Any], what: str) -> str:
    return (
        f"{what} ({scores['rows']:,} rows): qini_auc {scores['qini_auc']:.4f}  "
        f"auuc {scores['auuc']:.4f}  uplift_at_30 {scores['uplift_at_30']:.4f}"
    )


def predict(
    model_file: ModelOption,
    data: DataOption,
    out: Annotated[Path, typer.Option("--out", metavar="FILE", help="Where to write the CSV.")],
    as_json: JsonOption = False,
) -> None:
    """Score the customers of a file.

    Writes its rows with uplift, p_treated, p_control and quadrant added.
    """
    from cortesia.batch.uplift_frames import feature_columns, read_table, write_predictions

    model = _uplift_module().load_model(model_file)
    frame = read_table(data)
    columns = feature_columns(frame, model.metadata.features, model.metadata.categorical)
    with _working(f"Scoring {frame.height:,} rows"):
        p_treated, p_control = model.outcomes_columns(columns)
        uplift = model.predict_columns(columns)
    quadrant = model.quadrants(p_treated, p_control)
    write_predictions(
        frame, out, uplift=uplift, p_treated=p_treated, p_control=p_control, quadrant=quadrant
    )
    counts = {str(name): int((quadrant == name).sum()) for name in sorted(set(quadrant.tolist()))}
    if as_json:
        emit_json({"file": str(out), "rows": frame.height, "quadrants": counts})
        return
    shown = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    say(f"Wrote {frame.height:,} scored rows to {out} ({shown})")


def evaluate(
    model_file: ModelOption,
    data: DataOption,
    treatment_col: TreatmentColOption = None,
    treatment_value: TreatmentValueOption = None,
    control_value: ControlValueOption = None,
    target: TargetOption = None,
    exclude: ExcludeOption = "",
    as_json: JsonOption = False,
) -> None:
    """Measure a model on an experiment.

    Prints qini_auc, auuc and uplift_at_30 on the experiment's file.
    Column options default to those the model was fitted with.
    """
    model = _uplift_module().load_model(model_file)
    meta = model.metadata
    options = {
        "treatment_col": treatment_col or meta.treatment_col,
        "treatment_value": treatment_value or meta.treatment_value,
        "control_value": control_value or meta.control_value,
        "target": target or meta.target,
    }
    experiment = _experiment(data, options, exclude)
    from cortesia.batch.uplift_frames import feature_columns

    columns = feature_columns(experiment.frame, meta.features, meta.categorical)
    scores = model.evaluate(columns, experiment.treatment, experiment.outcome).as_dict()
    if as_json:
        emit_json(scores)
        return
    say(_scores_line(scores, str(data)))


def train(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(metavar="DAYS", help="Days of decisions read.")] = 90,
    until: Annotated[
        str | None, typer.Option("--at", metavar="WHEN", help="End of the period (now).")
    ] = None,
    method: Annotated[str, typer.Option(metavar="METHOD", help="t, x, class or s.")] = "x",
    min_arm: Annotated[
        int, typer.Option(metavar="N", help="Fewest offers sent, and held back, per action.")
    ] = 100,
    as_json: JsonOption = False,
) -> None:
    """Train uplift on the workspace's controls.

    For every action with enough offers sent and held back in the period: one model of
    the response and one of the opt-out, each scored on a held-out share. Decisions use
    a model whose Qini passes the catalog's uplift_min_qini.
    """
    from cortesia.cli.context import engine_of
    from cortesia.engine.instants import parse_day_or_instant
    from cortesia.engine.uplift_training import UpliftTraining

    end = parse_day_or_instant(until, "at") if until else None
    plan = UpliftTraining(days=days, method=method, min_arm=min_arm, until=end)
    with engine_of(ctx) as engine:
        found = engine.train_uplift(plan)
    if as_json:
        emit_json(found)
        return
    for model in found["trained"]:
        scores = model["holdout"] or {}
        say(f"{model['model']}: {model['rows']:,} offers, held-out Qini {scores.get('qini_auc')}")
    for skipped in found["skipped"]:
        say(f"skipped {skipped['action']} ({skipped['target']}): {skipped['reason']}")


def build() -> typer.Typer:
    commands: dict[str, Callable[..., Any]] = {
        "train": train,
        "fit": fit,
        "predict": predict,
        "evaluate": evaluate,
    }
    return command_group("Uplift models: who responds because of it.", commands)
