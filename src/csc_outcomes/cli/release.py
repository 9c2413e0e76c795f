from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(help="Compile the standard into a release.", no_args_is_help=True)


@app.command("build")
def build(
    output: Annotated[Path, typer.Option("--output", "-o", help="Write <output>/<version>/.")] = Path("dist"),
    catalogue: Annotated[Optional[Path], typer.Option(
        "--catalogue", help="Catalogue source folder to build (default: indicators/, the standard's source).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace <output>/<version>/ if it already holds a release.")] = False,
) -> None:
    """Compile the catalogue source (indicators/ unless --catalogue) and the return's data package for
    the framework version its framework.yaml declares.

    Exit code 1 when that version is lower than the changes since the previous release need
    (as `csc-outcomes diff` reports); 2 when the catalogue has problems or the folder cannot be written.
    """
    from csc_outcomes.catalogue.check import check_catalogue
    from csc_outcomes.catalogue.release import build_release, compile_catalogue, prepare_target, version_problems
    from csc_outcomes.cli.errors import UsageError
    from csc_outcomes.resources import data_dir, schema_path

    source = catalogue or data_dir("indicators")
    report = check_catalogue(source)
    if not report.valid:
        raise UsageError(f"the catalogue at {source} has {len(report.issues)} problem(s); "
                         f"run `csc-outcomes check {source}` and fix them first")
    compiled = compile_catalogue(source)
    problems = version_problems(compiled)
    if problems:
        typer.echo("release build refused: " + "\n  ".join(problems), err=True)
        typer.echo("Nothing was written. `csc-outcomes diff` lists every change and the bump it needs.", err=True)
        raise typer.Exit(1)
    try:
        prepare_target(output, compiled.version, force)
        target = build_release(source, schema_path(), output)
    except OSError as exc:
        raise UsageError(f"cannot write the release under {output}: {exc.strerror or exc}") from exc
    typer.echo(f"built {target}")
