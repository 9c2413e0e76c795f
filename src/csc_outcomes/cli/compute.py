from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from csc_outcomes.cli.options import Format, FormatOption, emit


def compute(
    sources: Annotated[list[Path], typer.Argument(
        help="SSDA903 CSV tables, SSDA903 XML returns, CIN census XML files, or folders of them; several years at once.")],
    la: Annotated[str, typer.Option("--la", help="The authority: 3-digit DfE code or 9-character GSS code.")],
    year: Annotated[int, typer.Option("--year", help="Reporting year YYYY: the year ending 31 March YYYY.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the canonical return (CSV).")],
    indicators: Annotated[Optional[list[str]], typer.Option(
        "--indicators", help="Only these indicators (repeat the option); default: every indicator with a method.")] = None,
    lineage: Annotated[Optional[Path], typer.Option(
        "--lineage", help="Also write, per output row, the child ids counted (for the authority's own audit).")] = None,
    suppress: Annotated[bool, typer.Option(
        "--suppress", help="Apply DfE's publication suppression: counts from 1 to 5 become 'c'.")] = False,
    format: FormatOption = Format.text,
) -> None:
    """Compute indicators from an authority's own SSDA903 and CIN census records.

    Exit code 0: the return was written and validates, every record was read; 1: some records
    are malformed (named by table, row and field) or the return does not validate; 2: the
    records or options could not be used.
    """
    from csc_outcomes.records.compute import compute as run
    from csc_outcomes.records.report import render_text

    outcome = run(list(sources), la, year, output, indicators=list(indicators or []) or None, lineage=lineage,
                  suppress=suppress)
    if format is Format.json:
        from csc_outcomes.report.render import to_json

        emit(to_json(outcome.report), None)
    else:
        emit(render_text(outcome), None)
    raise typer.Exit(outcome.report.exit_code)
