from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from csc_outcomes.cli.options import OutputOption, emit, refuse_overwrite

app = typer.Typer(help="Mapping specs: export them for other tools.", no_args_is_help=True)


@app.command("export-sssom")
def export_sssom(
    spec: Annotated[Path, typer.Argument(help="The mapping spec (YAML).")],
    output: OutputOption = None,
) -> None:
    """The mapping set as SSSOM TSV: which local measure corresponds to which indicator, and how closely."""
    from csc_outcomes.harmonise.sssom import to_sssom

    refuse_overwrite([spec], [("--output", output)])
    emit(to_sssom(spec), output)
