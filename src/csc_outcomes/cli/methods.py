from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(help="The indicators' methods: SQL over SSDA903 and CIN census records.", no_args_is_help=True)


class Dialect(str, Enum):
    tsql = "tsql"
    postgres = "postgres"
    spark = "spark"


@app.command("export")
def export(
    dialect: Annotated[Dialect, typer.Option("--dialect", "-d", help="tsql (SQL Server), postgres or spark.")],
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write one <indicator_id>.sql per method into this folder (default: print all).")] = None,
    framework_version: Annotated[Optional[str], typer.Option(
        "--framework-version", help="The release whose methods to export (default: the newest shipped).")] = None,
    indicators: Annotated[Optional[list[str]], typer.Option(
        "--indicator", "-i", metavar="ID", help="Only this indicator (repeat for more).")] = None,
) -> None:
    """Write every method in another SQL dialect, for an authority's SQL Server warehouse, a
    PostgreSQL database, or Spark when linked record-level data outgrows one machine."""
    from csc_outcomes.cli.errors import UsageError
    from csc_outcomes.records.export import ExportError, export_methods
    from csc_outcomes.records.methods import methods_of
    from csc_outcomes.releases import load_release

    release = load_release(framework_version)
    methods = methods_of(release.catalogue)
    if indicators:
        unknown = [i for i in indicators if i not in methods]
        if unknown:
            raise UsageError(f"no method for {', '.join(unknown)} in framework version {release.version}; "
                             f"indicators with a method: {', '.join(sorted(methods))}")
        methods = {i: methods[i] for i in indicators}
    try:
        exported = export_methods(methods, dialect.value)
    except ExportError as exc:
        raise UsageError(str(exc)) from exc
    if output is None:
        typer.echo("\n".join(m.text(release.version) for m in exported), nl=False)
        return
    if output.exists() and not output.is_dir():
        raise UsageError(f"{output} is a file; give a folder for --output (one .sql per method is written)")
    foreign = [m.file_name for m in exported if (output / m.file_name).is_file()
               and not _written_by_export(output / m.file_name)]
    if foreign:
        raise UsageError(f"{output} already holds {', '.join(foreign[:3])}{' ...' if len(foreign) > 3 else ''}, "
                         "not written by this command; choose another folder (nothing was written)")
    try:
        output.mkdir(parents=True, exist_ok=True)
        for m in exported:
            (output / m.file_name).write_text(m.text(release.version), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write into {output}: {exc.strerror or exc}") from exc
    typer.echo(f"wrote {len(exported)} method(s) in {dialect.value} to {output}")


def _written_by_export(path: Path) -> bool:
    """A file this command wrote before (its first line says so): safe to replace; anything else is
    the user's and is never overwritten."""
    try:
        with open(path, encoding="utf-8") as f:
            first = f.readline()
    except (OSError, UnicodeDecodeError):
        return False
    return "by `csc-outcomes methods export`" in first
