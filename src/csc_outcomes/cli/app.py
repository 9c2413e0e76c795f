"""The `csc-outcomes` command. Heavy libraries are imported inside the commands that use them."""

from __future__ import annotations

import os
import sys

import typer

from csc_outcomes.cli import check as check_cmd
from csc_outcomes.cli import compute as compute_cmd
from csc_outcomes.cli import diff as diff_cmd
from csc_outcomes.cli import harmonise as harmonise_cmd
from csc_outcomes.cli import indicators as indicators_cmd
from csc_outcomes.cli import mappings as mappings_cmd
from csc_outcomes.cli import methods as methods_cmd
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
app.add_typer(indicators_cmd.app, name="indicators")
app.add_typer(mappings_cmd.app, name="mappings")
app.add_typer(methods_cmd.app, name="methods")
app.add_typer(release_cmd.app, name="release")


def main() -> None:
    """Run the app; anything the user can fix becomes a one-line message and exit code 2."""
    from csc_outcomes.cli.errors import UsageError

    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except UsageError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:  # the last line of defence: never a traceback for a user
        known = _known_input_error(exc)
        if known is None and os.environ.get("CSC_OUTCOMES_DEBUG"):
            raise
        typer.echo(f"error: {known or f'unexpected {type(exc).__name__}: {exc}'}", err=True)
        if known is None:
            typer.echo("This is a bug in csc-outcomes; set CSC_OUTCOMES_DEBUG=1 to see where.", err=True)
        sys.exit(2 if known else 3)


def _known_input_error(exc: Exception) -> str | None:
    from csc_outcomes.catalogue import CatalogueReadError
    from csc_outcomes.harmonise.spec import SpecError
    from csc_outcomes.validators.reading import InputError

    if isinstance(exc, (CatalogueReadError, InputError, SpecError)):
        return str(exc)
    return None
