"""Where the standard's files are, whether installed from a wheel or run from a checkout.

A wheel carries schema/, indicators/ and mappings/ under csc_outcomes/_data/; an editable
install or a source checkout reads them from the repository root. Compiled releases live in
the package itself (csc_outcomes/releases/) in both cases.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder holding `name` (schema, indicators or mappings)."""
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parents[1] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"the package data folder {name!r} is missing from this installation")


def schema_path() -> Path:
    return data_dir("schema") / "csc_outcomes.yaml"


def releases_dir() -> Path:
    return _PACKAGE / "releases"
