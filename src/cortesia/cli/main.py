"""The ``cortesia`` application: global options, ``init``, ``serve`` and the groups."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn
from rich.progress import Progress as RichProgress
from typer.core import TyperGroup

from cortesia.bootstrap import init_workspace
from cortesia.cli import (
    catalog,
    clv,
    consent,
    contacts,
    customers,
    decide,
    dnc,
    keys,
    ledger,
    models,
    policy,
    report,
    simulate,
    uplift,
)
from cortesia.cli.context import Workspace, workspace
from cortesia.cli.options import JsonOption
from cortesia.cli.output import emit_json, err, report_error, say
from cortesia.cli.usage import (
    ClickException,
    Command,
    NoArgsIsHelpError,
    UsageError,
    report_bug,
    report_click,
    report_interrupt,
    report_usage,
)
from cortesia.engine.samples import (
    Progress,
    SampleReport,
    install_sample,
    sample_folder,
    sample_names,
    sample_report_view,
)
from cortesia.errors import CortesiaError


class _Group(TyperGroup):
    """Root group: the one place where errors become a red line and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (ClickException, typer.Abort, typer.Exit, BrokenPipeError):
            raise  # Click's own, rendered by main(); a closed pipe is Click's to quiet
        except (CortesiaError, OSError) as error:
            raise typer.Exit(report_error(error)) from None
        except KeyboardInterrupt:
            raise typer.Exit(report_interrupt()) from None
        except Exception as error:
            raise typer.Exit(report_bug(error)) from None

    def main(  # type: ignore[override]  # Typer's signature takes more keywords; all pass on
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; usage mistakes print one line, never Click's usage block."""
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else 0
        except NoArgsIsHelpError as error:
            error.show()  # a bare group prints its help, as before
            code = error.exit_code
        except UsageError as error:
            code = report_usage(error)
        except (ClickException, typer.Abort) as error:
            code = report_click(error)
        if not standalone_mode:
            return code
        sys.exit(code)


def _package_version() -> str:
    try:
        return version("cortesia")
    except PackageNotFoundError:  # running from a source tree without installing
        return "unknown"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"cortesia {_package_version()}")
        raise typer.Exit()


def _hide_password(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def build_app() -> typer.Typer:
    """The Typer application with every command group."""
    app = typer.Typer(
        cls=_Group,
        help="Cortesía: the next best action, or silence — and a consent ledger you can prove.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    app.callback()(_root)
    app.command("init", cls=Command)(init)
    app.command("serve", cls=Command)(serve)
    app.command("decide", cls=Command)(decide.decide)
    app.command("outcome", cls=Command)(decide.outcome)
    app.add_typer(decide.build_decision(), name="decision")
    app.add_typer(models.build(), name="models")
    app.add_typer(catalog.build(), name="catalog")
    app.add_typer(customers.build(), name="customers")
    app.add_typer(consent.build(), name="consent")
    app.add_typer(ledger.build(), name="ledger")
    app.add_typer(keys.build(), name="keys")
    app.add_typer(policy.build(), name="policy")
    app.add_typer(contacts.build(), name="contacts")
    app.add_typer(dnc.build(), name="dnc")
    app.add_typer(report.build(), name="report")
    app.add_typer(clv.build(), name="clv")
    app.command("simulate", cls=Command)(simulate.run)
    app.add_typer(uplift.build(), name="uplift")
    return app


def _root(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", metavar="URL", help="Store URL; overrides CORTESIA_DATABASE_URL."
        ),
    ] = None,
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Cortesía: the next best action, or silence — and a consent ledger you can prove."""
    ctx.obj = Workspace(database_url)


SampleOption = Annotated[
    str | None,
    typer.Option(
        "--sample",
        metavar="NAME",
        help=f"Also install a sample: customers, catalog, consent, registries and company "
        f"policy ({', '.join(sample_names())}); safe to run again.",
    ),
]


def init(ctx: typer.Context, sample: SampleOption = None, as_json: JsonOption = False) -> None:
    """Create or upgrade the workspace.

    Creates the store and its schema, or upgrades the schema; safe to run again.
    With --sample, then installs that sample; what is already there is kept.
    """
    settings = workspace(ctx).settings()
    if sample is not None:
        sample_folder(sample)  # an unknown name fails before anything is created
    revision = init_workspace(settings)
    url = _hide_password(settings.resolved_database_url())
    report = None
    if sample is not None:
        with workspace(ctx).engine() as engine, _steps() as progress:
            report = install_sample(
                engine,
                sample,
                settings.workspace_dir,
                policy_file=settings.company_policy_file,
                progress=progress,
            )
    if as_json:
        document: dict[str, object] = {"database_url": url, "revision": revision}
        if report is not None:
            document["sample"] = sample_report_view(report)
        emit_json(document)
        return
    say(f"Workspace ready: {url} (schema revision {revision})")
    if report is not None:
        for line in _sample_lines(report):
            say(line)


@contextmanager
def _steps() -> Iterator[Progress]:
    """A Rich bar per step of a sample install, on a terminal only (stderr)."""
    console = err()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with RichProgress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as bars:
        tasks: dict[str, TaskID] = {}

        def moved(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bars.add_task(f"Installing {step}", total=total)
            bars.update(tasks[step], completed=done, total=total)

        yield moved


def _sample_lines(report: SampleReport) -> list[str]:
    imported = report.registries_imported
    policy = {
        "written": "written to",
        "unchanged": "already in",
        "kept": "kept as it is (it differs from the sample's):",
    }[report.policy]
    return [
        f"Sample {report.sample}: {report.customers_rows:,} customers "
        f"({report.customers_created:,} new, {report.customers_updated:,} updated)",
        f"  catalog version {report.catalog_version} ({report.catalog})",
        f"  registries: {imported} imported, {len(report.registries) - imported} already there",
        f"  consent events: {report.consent_new:,} new, {report.consent_replayed:,} replayed",
        f"  company policy {policy} {report.policy_file}",
        "  The sample describes 2026-12-01: decide with --at, e.g. --at 2026-12-01T15:00:00Z",
    ]


def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(metavar="HOST", help="Interface to listen on.")
    ] = None,
    port: Annotated[int | None, typer.Option(metavar="PORT", help="Port to listen on.")] = None,
    workers: Annotated[
        int,
        typer.Option(metavar="N", min=1, max=64, help="Worker processes (one per core)."),
    ] = 1,
) -> None:
    """Start the HTTP service.

    The API, its OpenAPI docs at /docs, and the unsubscribe pages.
    """
    settings = workspace(ctx).settings()
    bind_host, bind_port = host or settings.host, port or settings.port
    base = f"http://{bind_host}:{bind_port}"
    say(f"Cortesía is running at {base}  (API docs: {base}/docs; Ctrl+C to stop)", "bold green")
    if workers == 1:
        from cortesia.api import create_app
        from cortesia.cli.workers import serve_one

        # The same service settings as several workers: uvloop, httptools, no access log.
        serve_one(create_app(settings, service_process=True), bind_host, bind_port)
        return
    from cortesia.cli.workers import serve_workers

    # Each worker builds its own app from the environment, --database-url included.
    serve_workers(bind_host, bind_port, workers, settings.resolved_database_url())


def run() -> None:
    """Console-script entry point."""
    build_app()(prog_name="cortesia")
