"""Options shared by several commands, defined once, and the guards every output passes."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Annotated, Iterable, Optional

import typer


class Format(str, Enum):
    text = "text"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="How to print the result.")]
OutputOption = Annotated[
    Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of standard output.")
]
ReleaseOption = Annotated[Optional[Path], typer.Option(
    "--release", help="A built release folder (from `csc-outcomes release build`) to use instead of a shipped version.")]


def _same_file(a: Path, b: Path) -> bool:
    """One file under two names: the same resolved path, or the same inode (a hard link)."""
    try:
        if a.resolve() == b.resolve():
            return True
        sa, sb = a.stat(), b.stat()
    except (OSError, RuntimeError):  # a missing output, a symlink loop: not an input
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def _inside(path: Path, folder: Path) -> bool:
    try:
        return folder.is_dir() and path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def refuse_overwrite(inputs: Iterable[Path | None], outputs: Iterable[tuple[str, Path | None]]) -> None:
    """Nothing a user gave is overwritten: an output that names an input (by any spelling, symlink
    or hard link), an existing file inside an input folder, or another output is refused before
    anything is written (exit 2)."""
    from csc_outcomes.cli.errors import UsageError

    given = [Path(p) for p in inputs if p is not None]
    named = [(option, Path(p)) for option, p in outputs if p is not None]
    for k, (option, out) in enumerate(named):
        for source in given:
            if _same_file(out, source) or (out.exists() and not out.is_dir() and _inside(out, source)):
                raise UsageError(f"{option} {out} would overwrite the input {source}; "
                                 "write the output to another file (nothing was written)")
        for other_option, other in named[:k]:
            if _same_file(out, other) or out.resolve() == other.resolve():
                raise UsageError(f"{option} and {other_option} both name {out}; give each its own file "
                                 "(nothing was written)")


def emit(text: str | bytes, output: Path | None, *, make_folder: bool = False) -> None:
    """Print, or write to the file the user named (text as UTF-8, so Excel-made names survive;
    bytes, such as a workbook, as they are), making its folder first where asked."""
    from csc_outcomes.cli.errors import UsageError

    if output is None:
        try:
            typer.echo(text, nl=not text.endswith("\n" if isinstance(text, str) else b"\n"))
        except OSError as exc:  # a full disk or a closed pipe on standard output
            raise UsageError(f"cannot write to standard output: {exc.strerror or exc}; "
                             "write the report to a file with --output") from exc
        return
    try:
        if make_folder:
            output.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            output.write_bytes(text)
        else:
            output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc


def quiet_stdout() -> None:
    """After a failed write to standard output, point it at /dev/null so that Python's own flush
    at exit does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
