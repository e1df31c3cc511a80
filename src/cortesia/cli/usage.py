"""Mistakes on the command line itself, each as one line that says what to fix."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperOption

from cortesia.cli.output import fail_line

if TYPE_CHECKING:
    from typer._click import exceptions as cmdline
else:
    try:  # recent Typer ships its own copy of Click, with its own exception classes
        from typer._click import exceptions as cmdline
    except ImportError:  # older Typer runs on Click itself
        from click import exceptions as cmdline

ClickException = cmdline.ClickException
UsageError = cmdline.UsageError
# Click before 8.2 printed the help of a bare group itself; nothing to catch there.
NoArgsIsHelpError: type[UsageError] = getattr(cmdline, "NoArgsIsHelpError", UsageError)

INTERRUPTED = 130  # the shell's code for a process stopped by Ctrl+C (128 + SIGINT)


class _Argument(TyperArgument):
    """An argument whose metavar says enough: no ``<str>`` after ``CUSTOMER`` in the help."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


class Command(TyperCommand):
    """A command with plain argument help, whose parsing errors know their command."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            # Typer picks the parameter classes itself; this is the one place to adjust them.
            if type(param) is TyperArgument:
                param.__class__ = _Argument

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as error:
            # The option parser raises some errors (a value missing after --source)
            # without a context; without it the hint would point at the root's help.
            if error.ctx is None:
                error.ctx, error.cmd = ctx, self
            raise


def _why(param: Any) -> str:
    """The first sentence of an option's help, to say what the missing value is for."""
    text = " ".join(str(getattr(param, "help", None) or "").split())
    first = _lower_first(text.split(". ", 1)[0].rstrip("."))
    return f" ({first})" if first else ""


def _lower_first(text: str) -> str:
    """``Customer id`` → ``customer id``; an acronym (``CSV file``) stays as it is."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _name(param: Any) -> tuple[str, str]:
    if isinstance(param, TyperOption):
        return "option", max(param.opts, key=len)
    return "argument", str(getattr(param, "metavar", None) or param.name or "").upper()


def usage_message(error: UsageError) -> str:
    """What was wrong with the command line, without Click's usage block."""
    if isinstance(error, cmdline.MissingParameter) and error.param is not None:
        kind, name = _name(error.param)
        return f"missing {kind} {name}{_why(error.param)}"
    if isinstance(error, cmdline.NoSuchOption):
        guesses = sorted(error.possibilities or ())
        hint = f" (did you mean {' or '.join(guesses)}?)" if guesses else ""
        return f"no such option {error.option_name}{hint}"
    return _lower_first(" ".join(error.format_message().split()).rstrip("."))


def report_usage(error: UsageError) -> int:
    """Print one red line naming the problem and where help is; return the exit code."""
    where = error.ctx.command_path if error.ctx is not None else "cortesia"
    fail_line(f"{usage_message(error)} — see {where} --help")
    return error.exit_code


def report_click(error: ClickException | typer.Abort) -> int:
    """Any other Click failure (an unreadable file argument, an aborted prompt) as one line."""
    if isinstance(error, typer.Abort):
        fail_line("aborted")
        return 1
    fail_line(" ".join(error.format_message().split()))
    return error.exit_code


def report_interrupt() -> int:
    """Ctrl+C: one line instead of a trace, and the conventional exit code."""
    fail_line("interrupted")
    return INTERRUPTED


def report_bug(error: Exception) -> int:
    """An exception nothing expected: one line, not a trace, so the user knows what to send."""
    fail_line(
        f"unexpected {type(error).__name__}: {error} (a bug; please report it with the "
        "command you ran)"
    )
    return 1
