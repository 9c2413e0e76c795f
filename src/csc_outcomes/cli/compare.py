"""`csc-outcomes compare`: an authority against its statistical neighbours, region and England."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from csc_outcomes.cli.errors import UsageError
from csc_outcomes.cli.options import emit, refuse_overwrite


class CompareFormat(str, Enum):
    html = "html"
    xlsx = "xlsx"
    json = "json"
    csv = "csv"


class Model(str, Enum):
    m2021 = "2021"
    m2025 = "2025"


def compare(
    la: Annotated[str, typer.Option("--la", help="The authority: 3-digit DfE code (919) or GSS code (E10000015); "
                                                "'all' for every authority, one file each in the --output folder.")],
    returns: Annotated[Optional[list[Path]], typer.Argument(
        help="The authority's own returns (canonical CSV or XLSX): validated, then shown as not yet published.")] = None,
    indicators: Annotated[Optional[list[str]], typer.Option(
        "--indicators", help="Only these indicators: repeat the option, or separate ids with commas.")] = None,
    set_: Annotated[Optional[str], typer.Option("--set", help="Only the members of this indicator set.")] = None,
    year: Annotated[Optional[str], typer.Option("--year", help="The latest year to show (YYYY).")] = None,
    neighbours: Annotated[Model, typer.Option("--neighbours", help="DfE's statistical neighbour model.")] = Model.m2025,
    framework_version: Annotated[Optional[str], typer.Option("--framework-version",
                                                             help="The release to compare with.")] = None,
    format: Annotated[CompareFormat, typer.Option("--format", "-f", help="What to write.")] = CompareFormat.html,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="The file (or, with --la all, the folder) "
                                                   "to write; JSON and CSV print when it is not given.")] = None,
    charts: Annotated[Optional[Path], typer.Option("--charts", help="Also write every chart as SVG and PNG into "
                                                   "this folder (for slides).")] = None,
) -> None:
    """Values, trend, neighbours' mean and median, region, England, rank and quartile band, for every
    indicator and breakdown of the published baseline (and the authority's own returns)."""
    from csc_outcomes.compare import render
    from csc_outcomes.compare.compute import Engine, indicator_ids, resolve_authority
    from csc_outcomes.releases import load_release

    if year is not None and not (year.isdigit() and len(year) == 4):
        raise UsageError(f"--year {year}: give a year as YYYY, e.g. 2025")
    release = load_release(framework_version)
    wanted = [part.strip() for value in indicators or [] for part in value.split(",") if part.strip()]
    ids = indicator_ids(release.catalogue, wanted or None, set_)
    every = la.strip().lower() == "all"
    if not every:
        resolve_authority(la, release.catalogue, neighbours.value)  # a wrong code is said before anything else
    if every and output is None:
        raise UsageError("--la all writes one file per authority: give the folder with --output")
    if (format in (CompareFormat.html, CompareFormat.xlsx)) and output is None:
        raise UsageError(f"--format {format.value} writes a file: give it with --output")
    refuse_overwrite(returns or [], [("--output", output), ("--charts", charts)])
    if every:
        from csc_outcomes.compare.compute import authorities

        codes = sorted({str(c["legacy_code"]) for c in authorities(release.catalogue) if c.get("legacy_code")
                        and not c.get("valid_to")})
    else:
        codes = [la]
    engine = Engine(release, ids, list(returns or []), neighbours.value)
    written = 0
    try:
        results = engine.compare_many([resolve_authority(c, release.catalogue, neighbours.value) for c in codes], year)
    finally:
        engine.close()
    renderer = {CompareFormat.html: render.to_html, CompareFormat.xlsx: render.to_xlsx,
                CompareFormat.json: render.to_json, CompareFormat.csv: render.to_csv}[format]
    for result in results:
        if every and not result.records:
            continue
        target = (output / f"{result.authority.dfe_code}-{_safe(result.authority.name)}.{format.value}"
                  if every else output)
        emit(renderer(result), target, make_folder=True)
        if charts is not None:
            _write_charts(charts / result.authority.dfe_code if every else charts, result)
        written += 1
    if every:
        typer.echo(f"wrote {written} comparison(s) to {output}")
    elif output is not None:
        typer.echo(f"wrote {output}")


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name).strip("-").lower()


def _write_charts(folder: Path, result) -> None:
    from csc_outcomes.compare.charts import to_png
    from csc_outcomes.compare.render import _slug, chart_set

    for key, trend, dist in chart_set(result):
        for kind, svg in (("trend", trend), ("distribution", dist)):
            if svg:
                emit(svg, folder / f"{_slug(key)}-{kind}.svg", make_folder=True)
                emit(to_png(svg), folder / f"{_slug(key)}-{kind}.png", make_folder=True)
