from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(help="Compile the standard into a release.", no_args_is_help=True)


@app.command("build")
def build(
    output: Annotated[Path, typer.Option("--output", "-o", help="Write <output>/<version>/.")] = Path("dist"),
    catalogue: Annotated[Optional[Path], typer.Option("--catalogue", help="Catalogue folder (default: shipped).")] = None,
) -> None:
    """Compile the catalogue and the return's data package for the framework version the catalogue declares."""
    from csc_outcomes.catalogue.check import check_catalogue
    from csc_outcomes.catalogue.release import build_release
    from csc_outcomes.cli.errors import UsageError
    from csc_outcomes.resources import data_dir, schema_path

    source = catalogue or data_dir("indicators")
    report = check_catalogue(source)
    if not report.valid:
        raise UsageError(f"the catalogue at {source} has {len(report.issues)} problem(s); "
                         f"run `csc-outcomes check {source}` and fix them first")
    target = build_release(source, schema_path(), output)
    typer.echo(f"built {target}")
