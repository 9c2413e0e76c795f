from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from csc_outcomes.cli.options import OutputOption, ReleaseOption, emit, refuse_overwrite


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"
    html = "html"
    xlsx = "xlsx"


class Engine(str, Enum):
    duckdb = "duckdb"
    frictionless = "frictionless"


def validate(
    files: Annotated[list[Path], typer.Argument(help="The return(s): CSV (UTF-8) or XLSX.", metavar="FILE")],
    framework_version: Annotated[Optional[str], typer.Option(
        "--framework-version", help="Validate against this release (default: the newest shipped).")] = None,
    set_: Annotated[Optional[str], typer.Option("--set", help="Check completeness against this indicator set.")] = None,
    require_complete: Annotated[bool, typer.Option(
        "--require-complete", help="With --set, a missing indicator, place or period is an error.")] = False,
    engine: Annotated[Engine, typer.Option("--engine", help="duckdb (fast, default) or frictionless (reference).")] = Engine.duckdb,
    format: Annotated[ReportFormat, typer.Option(
        "--format", "-f", help="Report format (xlsx: a workbook, written to --output).")] = ReportFormat.text,
    output: OutputOption = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="XLSX: the sheet to read (default: the first).")] = None,
    header_row: Annotated[int, typer.Option("--header-row", help="The row holding the header (default 1).")] = 1,
    encoding: Annotated[Optional[str], typer.Option(
        "--encoding", help="CSV encoding when it is not UTF-8, e.g. cp1252.")] = None,
    release: ReleaseOption = None,
) -> None:
    """Validate one or more returns against a published version of the standard.

    Exit code 0: valid (warnings allowed); 1: the return breaks the standard; 2: it could not be read.
    """
    from csc_outcomes.cli.errors import UsageError
    from csc_outcomes.report import Report
    from csc_outcomes.validators.validate import validate_file

    refuse_overwrite([*files, release], [("--output", output)])
    built = None
    if release is not None:
        from csc_outcomes.releases import open_release

        if framework_version is not None:
            raise UsageError("give --release (a built release folder) or --framework-version, not both")
        built = open_release(release)
    reports = [validate_file(f, framework_version=framework_version, engine=engine.value, indicator_set=set_,
                             require_complete=require_complete, sheet=sheet, header_row=header_row,
                             encoding=encoding, release=built) for f in files]
    report = reports[0] if len(reports) == 1 else Report(
        [t for r in reports for t in r.tasks], meta={**reports[0].meta, "input": f"{len(files)} files"},
        seconds=sum(r.seconds for r in reports))
    if format is ReportFormat.xlsx and output is None:
        from csc_outcomes.cli.errors import UsageError

        raise UsageError("--format xlsx writes a workbook: name the file with --output, e.g. --output report.xlsx")
    if format is ReportFormat.xlsx:
        from csc_outcomes.report.xlsx import to_xlsx

        emit(to_xlsx(report), output)
        raise typer.Exit(report.exit_code)
    if format is ReportFormat.text:
        from csc_outcomes.report.text import render as text
    elif format is ReportFormat.html:
        from csc_outcomes.report.html import to_html as text
    else:
        from csc_outcomes.report import render as renderers

        text = {"json": renderers.to_json, "junit": renderers.to_junit, "github": renderers.to_github}[format.value]
    emit(text(report), output)
    raise typer.Exit(report.exit_code)
