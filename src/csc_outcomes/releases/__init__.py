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


def checked_schema(package: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The return's Table Schema as csc-outcomes checks it: the published schema (inline or, from
    the standalone packages on, a file beside datapackage.json) plus the resource's optional
    columns (`optionalFields`), flagged `x-optional` in memory only (never published). Whatever
    compiles checks from a release (the rule pack, say) reads it through here."""
    resource = package["resources"][0]
    schema = resource["schema"]
    if isinstance(schema, str):
        schema = json.loads((folder / schema).read_text(encoding="utf-8"))
    optional = [{**f, "x-optional": True} for f in resource.get("optionalFields", [])]
    return {**schema, "fields": [*schema["fields"], *optional]} if optional else schema


@dataclass
class Release:
    version: str
    catalogue: Catalogue
    package: dict[str, Any]

    folder: Path

    @property
    def table_schema(self) -> dict[str, Any]:
        """The Table Schema csc-outcomes checks: see checked_schema."""
        return checked_schema(self.package, self.folder)

    def json_schema(self, cls: str) -> dict[str, Any]:
        """The JSON Schema of one class of the model at this release (read on demand)."""
        model = json.loads((self.folder / "schema.json").read_text(encoding="utf-8"))
        return {"$schema": model.get("$schema"), "$defs": model["$defs"], "$ref": f"#/$defs/{cls}"}


def load_release(version: str | None = None, root: Path = HERE) -> Release:
    versions = available_versions(root)
    if not versions:
        raise CatalogueReadError("this installation has no compiled release (run `csc-outcomes release build`)")
    chosen = version or versions[-1]
    if chosen not in versions:
        raise CatalogueReadError(f"framework version {chosen} is not shipped with this package; "
                                 f"available: {', '.join(versions)}")
    folder = root / chosen
    catalogue = json.loads((folder / "catalogue.json").read_text(encoding="utf-8"))
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return Release(chosen, Catalogue(catalogue), package, folder)
