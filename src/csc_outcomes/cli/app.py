"""The `csc-outcomes` command. Heavy libraries are imported inside the commands that use them."""

from __future__ import annotations

import os
import sys

import typer

from csc_outcomes.cli import check as check_cmd
from csc_outcomes.cli import compute as compute_cmd
from csc_outcomes.cli import compare as compare_cmd
from csc_outcomes.cli import diff as diff_cmd
from csc_outcomes.cli import harmonise as harmonise_cmd
from csc_outcomes.cli import indicators as indicators_cmd
from csc_outcomes.cli import mappings as mappings_cmd
from csc_outcomes.cli import methods as methods_cmd
from csc_outcomes.cli import plan as plan_cmd
from csc_outcomes.cli import release as release_cmd
from csc_outcomes.cli import validate as validate_cmd

app = typer.Typer(
    name="csc-outcomes",
    help="Common outcome measures for children's social care in England: check the standard, "
    "show its indicators, validate a return.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command("check")(check_cmd.check)
app.command("validate")(validate_cmd.validate)
app.command("harmonise")(harmonise_cmd.harmonise)
app.command("compute")(compute_cmd.compute)
app.command("diff")(diff_cmd.diff)
app.command("compare")(compare_cmd.compare)
app.add_typer(indicators_cmd.app, name="indicators")
app.add_typer(mappings_cmd.app, name="mappings")
app.add_typer(methods_cmd.app, name="methods")
app.add_typer(release_cmd.app, name="release")
app.add_typer(plan_cmd.app, name="plan")


def main() -> None:
    """Run the app; anything the user can fix becomes a one-line message and exit code 2."""
    from csc_outcomes.cli.errors import UsageError

    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except UsageError as exc:
        _fail(str(exc))
    except Exception as exc:  # the last line of defence: never a traceback for a user
        known = _known_input_error(exc)
        if known is None and os.environ.get("CSC_OUTCOMES_DEBUG"):
            raise
        if known is None:
            _fail(f"unexpected {type(exc).__name__}: {str(exc)[:200]}\n"
                  "This is a bug in csc-outcomes; set CSC_OUTCOMES_DEBUG=1 to see where.", code=3)
        _fail(known)


def _fail(message: str, code: int = 2) -> None:
    """Say what went wrong on standard error and exit; a broken standard output is silenced first,
    so Python's flush at exit adds no second error."""
    from csc_outcomes.cli.options import quiet_stdout

    try:
        sys.stdout.flush()
    except OSError:
        quiet_stdout()
    if "standard output" in message:
        quiet_stdout()
    from csc_outcomes.report.model import clip_quotes

    try:  # a message may quote the input (a label, a value): quotes are clipped as in reports
        typer.echo(f"error: {clip_quotes(message, tokens=False)}", err=True)
    except OSError:
        pass
    sys.exit(code)


def _known_input_error(exc: Exception) -> str | None:
    """The message for an error the user can fix (exit 2), or None for a bug (exit 3)."""
    import errno

    from csc_outcomes.catalogue import CatalogueReadError
    from csc_outcomes.harmonise.spec import SpecError
    from csc_outcomes.compare.baseline import BaselineError
    from csc_outcomes.compare.compute import CompareError
    from csc_outcomes.compare.neighbours import NeighbourModelError
    from csc_outcomes.plans.document import PlanReadError
    from csc_outcomes.safe_yaml import YamlError
    from csc_outcomes.validators.reading import InputError

    if isinstance(exc, (CatalogueReadError, InputError, SpecError, YamlError, PlanReadError, CompareError,
                        NeighbourModelError, BaselineError)):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EPIPE, errno.EDQUOT, errno.EROFS,
                                                  errno.EACCES, errno.ENAMETOOLONG):
        where = f" {exc.filename}" if exc.filename else ""
        return f"cannot read or write{where}: {exc.strerror}"
    if type(exc).__module__.startswith(("duckdb", "_duckdb")) and "CSV" in str(exc):
        first = str(exc).splitlines()[0][:160]
        return (f"the file cannot be read as CSV ({first}). Save it again as 'CSV UTF-8 (Comma delimited)' "
                "and check its line endings and quotes")
    return None
