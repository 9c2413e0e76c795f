from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from csc_outcomes.cli.options import Format, FormatOption, ReleaseOption, emit, refuse_overwrite


def _csv_target(option: str, path: Path | None) -> Path | None:
    """Outputs are CSV whatever their name: a name ending .json, .parquet, .xlsx, .gz or .zst would
    make DuckDB pick another format or compress, so it is refused; the path is made absolute so
    that a leading ~ is a file name, not the home folder."""
    from csc_outcomes.cli.errors import UsageError

    if path is None:
        return None
    if path.suffix.lower() != ".csv":
        raise UsageError(f"{option} {path}: harmonise writes CSV; give a file name ending .csv "
                         "(open it in Excel, or convert it, afterwards)")
    return path.absolute()


def harmonise(
    source: Annotated[Path, typer.Argument(help="The local or published file (CSV or XLSX).")],
    mapping: Annotated[Path, typer.Option("--mapping", "-m", help="The mapping spec (YAML).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the canonical return (CSV).")],
    lineage: Annotated[Optional[Path], typer.Option(
        "--lineage", help="Also write, for every output row, its source rows and transforms; for every unused row, why.")] = None,
    format: FormatOption = Format.text,
    release: ReleaseOption = None,
) -> None:
    """Map a source onto the canonical return. Every input row is used or named with a reason.

    Exit code 0: every selected row was harmonised; 1: some rows could not be (the report says why);
    2: the source or the spec could not be read.
    """
    from csc_outcomes.harmonise.engine import harmonise as run
    from csc_outcomes.harmonise.spec import declared_release
    from csc_outcomes.releases import open_release

    refuse_overwrite([source, mapping, release], [("--output", output), ("--lineage", lineage)])
    target, lineage_target = _csv_target("--output", output), _csv_target("--lineage", lineage)
    # the spec is read once by the bounded loader here, so the engine is handed its release
    chosen = open_release(release) if release is not None else declared_release(mapping)
    outcome = run(source, mapping, target, lineage_target, release=chosen)
    report = outcome.report
    if format is Format.json:
        from csc_outcomes.report.render import to_json

        emit(to_json(report), None)
    else:
        from csc_outcomes.report.text import render

        lines = [render(report, show=5).rstrip("\n")]
        lines.append(f"rows in {outcome.rows_in:,} = used {outcome.rows_used:,} + unused {outcome.rows_unused:,}; "
                     f"{outcome.rows_out:,} canonical row(s) written to {output}")
        for reason, n in outcome.reasons.items():
            lines.append(f"  unused x{n:,}: {reason}")
        if "non_exact_mappings" in report.meta:
            lines.append(f"not exact, marked in column match_type: {report.meta['non_exact_mappings']}")
        emit("\n".join(lines) + "\n", None)
    raise typer.Exit(report.exit_code)
