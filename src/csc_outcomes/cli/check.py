from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from csc_outcomes.cli.options import Format, FormatOption, OutputOption, emit, refuse_overwrite


def check(
    directory: Annotated[
        Optional[Path], typer.Argument(help="Catalogue folder (default: the catalogue shipped with this package), "
                                            "or mapping spec files or folders (no framework.yaml).")
    ] = None,
    format: FormatOption = Format.text,
    output: OutputOption = None,
) -> None:
    """Check a catalogue, or mapping specs, against the LinkML model and the rules no schema can express."""
    from csc_outcomes.catalogue.check import check_catalogue, check_mappings
    from csc_outcomes.catalogue.model import CatalogueReadError
    from csc_outcomes.resources import data_dir

    refuse_overwrite([directory or data_dir("indicators")], [("--output", output)])
    if directory is not None and not directory.exists():
        raise CatalogueReadError(f"{directory} does not exist")
    if directory is not None and (directory.is_file() or not (directory / "framework.yaml").exists()) \
            and (directory.suffix in (".yaml", ".yml") or any(directory.rglob("*.yaml"))) \
            and not (directory / "definitions").is_dir():
        report = check_mappings([directory], data_dir("indicators"))
    else:
        report = check_catalogue(directory or data_dir("indicators"))
    if format is Format.json:
        emit(json.dumps(report.to_dict(), indent=2), output)
    else:
        from csc_outcomes.report.text import render

        emit(render(report), output)
    raise typer.Exit(report.exit_code)
