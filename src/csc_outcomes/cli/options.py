"""Options shared by several commands, defined once."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer


class Format(str, Enum):
    text = "text"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="How to print the result.")]
OutputOption = Annotated[
    Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of standard output.")
]


def emit(text: str, output: Path | None) -> None:
    """Print, or write to the file the user named (UTF-8, so Excel-made names survive)."""
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        from csc_outcomes.cli.errors import UsageError

        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc
