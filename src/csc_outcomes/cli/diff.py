from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import typer

from pathlib import Path

from csc_outcomes.cli.options import OutputOption, emit, refuse_overwrite


class DiffFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


def diff(
    old: Annotated[str, typer.Argument(help="Catalogue folder, release folder, or shipped version (e.g. 1.0.0).")],
    new: Annotated[str, typer.Argument(help="Catalogue folder, release folder, or shipped version.")],
    format: Annotated[DiffFormat, typer.Option("--format", "-f", help="How to print the changes.")] = DiffFormat.text,
    output: OutputOption = None,
) -> None:
    """Every change between two versions, classified major, minor or patch, and the bump it needs.

    Exit code 1 when the new version is lower than the changes require, or a change is refused
    (an indicator removed without deprecation).
    """
    from csc_outcomes.catalogue.diff import compare, render_markdown, render_text, resolve, resolve_pack

    refuse_overwrite([Path(old), Path(new)], [("--output", output)])
    before, after = resolve(old), resolve(new)
    try:
        result = compare(before, after, resolve_pack(old), resolve_pack(new))
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
        # a catalogue folder is compared as it is, unchecked: one that breaks the model cannot be
        from csc_outcomes.cli.errors import UsageError

        detail = f"a record lacks the field {exc}" if isinstance(exc, KeyError) else f"{type(exc).__name__}: {exc}"
        raise UsageError(f"cannot compare {old} with {new}: {str(detail)[:120]}. Run `csc-outcomes check` "
                         "on each catalogue folder and fix what it reports first") from exc
    if format is DiffFormat.json:
        emit(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n", output)
    elif format is DiffFormat.markdown:
        text = render_markdown(result)
        if result.problems:
            text += "\n" + "\n".join(f"> Problem: {p}" for p in result.problems) + "\n"
        emit(text, output)
    else:
        emit(render_text(result), output)
    raise typer.Exit(0 if result.ok else 1)
