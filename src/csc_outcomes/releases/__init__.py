"""Compiled releases shipped inside the package, so validation works offline against any of them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csc_outcomes.catalogue import Catalogue, CatalogueReadError

HERE = Path(__file__).resolve().parent


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def available_versions(root: Path = HERE) -> list[str]:
    found = [p.name for p in root.iterdir() if p.is_dir() and (p / "catalogue.json").is_file()]
    return sorted(found, key=_key)


@dataclass
class Release:
    version: str
    catalogue: Catalogue
    package: dict[str, Any]

    folder: Path

    @property
    def table_schema(self) -> dict[str, Any]:
        return self.package["resources"][0]["schema"]

    def json_schema(self, cls: str) -> dict[str, Any]:
        """The JSON Schema of one class of the model at this release (read on demand)."""
        model = json.loads((self.folder / "schema.json").read_text(encoding="utf-8"))
        return {"$schema": model.get("$schema"), "$defs": model["$defs"], "$ref": f"#/$defs/{cls}"}


def open_release(folder: Path) -> Release:
    """A release built by `release build` but not shipped (a folder holding catalogue.json and
    datapackage.json): what a standards body validates against before it publishes."""
    folder = Path(folder)
    try:
        catalogue = json.loads((folder / "catalogue.json").read_text(encoding="utf-8"))
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        version = str(catalogue["framework"]["version"])
        package["resources"][0]["schema"]["fields"]
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise CatalogueReadError(f"{folder} is not a built release (a folder holding catalogue.json and "
                                 "datapackage.json, as `csc-outcomes release build` writes)") from exc
    return Release(version, Catalogue(catalogue), package, folder)


def load_release(version: str | None = None, root: Path = HERE) -> Release:
    versions = available_versions(root)
    if not versions:
        raise CatalogueReadError("this installation has no compiled release (run `csc-outcomes release build`)")
    chosen = version or versions[-1]
    if chosen not in versions:
        raise CatalogueReadError(f"framework version {str(chosen)[:40]} is not shipped with this package; "
                                 f"available: {', '.join(versions)}")
    folder = root / chosen
    catalogue = json.loads((folder / "catalogue.json").read_text(encoding="utf-8"))
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return Release(chosen, Catalogue(catalogue), package, folder)
