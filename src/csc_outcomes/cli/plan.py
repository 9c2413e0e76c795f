"""`csc-outcomes plan`: evaluation plans, checked and compared with what was reported."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from csc_outcomes.cli.errors import UsageError
from csc_outcomes.cli.options import Format, FormatOption, OutputOption, emit, refuse_overwrite

app = typer.Typer(help="Evaluation plans: check a plan, compare it with what was reported, start a new one.",
                  no_args_is_help=True)


class CoverageFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"


@app.command("check")
def check(
    plan: Annotated[Path, typer.Argument(help="The plan: YAML, or a workbook made by `plan new`.")],
    format: FormatOption = Format.text,
    output: OutputOption = None,
) -> None:
    """The plan follows the model, names indicators that exist in the version it names, and gives
    every planned outcome a measure. Exit 0 valid (warnings allowed), 1 problems, 2 unreadable."""
    import json

    from csc_outcomes.plans.check import check_plan

    refuse_overwrite([plan], [("--output", output)])
    report = check_plan(plan)
    if format is Format.json:
        emit(json.dumps(report.to_dict(), indent=2, ensure_ascii=False), output)
    else:
        from csc_outcomes.report.text import render

        emit(render(report), output)
    raise typer.Exit(report.exit_code)


@app.command("coverage")
def coverage(
    plan: Annotated[Path, typer.Argument(help="A plan file, or a folder of plans.")],
    results: Annotated[Optional[list[Path]], typer.Argument(
        help="Result sets (YAML) or canonical returns (CSV, XLSX), or folders of them.")] = None,
    framework_version: Annotated[Optional[str], typer.Option(
        "--framework-version", help="The version canonical returns were validated against (default: the plan's).")] = None,
    format: Annotated[CoverageFormat, typer.Option("--format", "-f", help="How to print the result.")] = CoverageFormat.text,
    output: OutputOption = None,
) -> None:
    """Planned outcomes against reported results: reported, switched, not reported, not planned.
    Exit 0 when everything was reported as planned, 1 otherwise, 2 when a file cannot be read."""
    from csc_outcomes.plans.coverage import coverage as compute
    from csc_outcomes.plans import render

    refuse_overwrite([plan, *(results or [])], [("--output", output)])
    result = compute(plan, list(results or []), framework_version)
    text = {CoverageFormat.text: render.to_text, CoverageFormat.json: render.to_json,
            CoverageFormat.html: render.to_html}[format](result)
    emit(text, output)
    raise typer.Exit(result.exit_code)


@app.command("new")
def new(
    output: Annotated[Path, typer.Option("--output", "-o", help="plan.yaml, or plan.xlsx for a workbook.")],
    set_: Annotated[Optional[str], typer.Option("--set", help="Offer only the indicators of this set.")] = None,
    framework_version: Annotated[Optional[str], typer.Option(
        "--framework-version", help="The version of the standard to plan with (default: the newest shipped).")] = None,
) -> None:
    """Write a plan to fill in: YAML with every field, or a workbook with drop-down lists."""
    from csc_outcomes.plans.template import template
    from csc_outcomes.releases import load_release

    suffix = output.suffix.lower()
    if suffix not in (".yaml", ".yml", ".xlsx"):
        raise UsageError(f"--output {output}: write a .yaml or an .xlsx file")
    if output.exists():
        raise UsageError(f"{output} already exists; choose a new file name (nothing was written)")
    catalogue = load_release(framework_version).catalogue
    if set_ is not None and set_ not in catalogue.indicator_sets:
        raise UsageError(f"version {catalogue.version} has no indicator set {set_!r}; its sets are: "
                         f"{', '.join(sorted(catalogue.indicator_sets))}")
    emit(template(catalogue, set_, suffix), output)
    typer.echo(f"wrote {output}: fill it in, then run `csc-outcomes plan check {output}`")
