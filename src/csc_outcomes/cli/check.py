from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from csc_outcomes.cli.options import Format, FormatOption, OutputOption, emit


def check(
    directory: Annotated[
        Optional[Path], typer.Argument(help="Catalogue folder (default: the catalogue shipped with this package).")
    ] = None,
    format: FormatOption = Format.text,
    output: OutputOption = None,
) -> None:
    """Check a catalogue against the LinkML model and the rules no schema can express."""
    from csc_outcomes.catalogue.check import check_catalogue
    from csc_outcomes.resources import data_dir

    report = check_catalogue(directory or data_dir("indicators"))
    if format is Format.json:
        emit(json.dumps(report.to_dict(), indent=2), output)
    else:
        from csc_outcomes.report.text import render

        emit(render(report), output)
    raise typer.Exit(report.exit_code)
