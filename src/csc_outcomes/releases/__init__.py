"""Compiled releases shipped inside the package, so validation works offline against any of them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csc_outcomes.catalogue import Catalogue, CatalogueReadError

HERE = Path(__file__).resolve().parent


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def available_versions(root: Path = HERE) -> list[str]:
    found = [p.name for p in root.iterdir() if p.is_dir() and (p / "catalogue.json").is_file()]
    return sorted(found, key=_key)


def checked_schema(schema: dict[str, Any], resource: dict[str, Any]) -> dict[str, Any]:
    """The published Table Schema plus the resource's optional columns, flagged `x-optional` in
    memory only: the schema csc-outcomes checks (and compiles its rule pack from)."""
    optional = [{**f, "x-optional": True} for f in resource.get("optionalFields", [])]
    return {**schema, "fields": [*schema["fields"], *optional]} if optional else schema


@dataclass
class Release:
    version: str
    catalogue: Catalogue
    package: dict[str, Any]

    folder: Path
    _pack: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def table_schema(self) -> dict[str, Any]:
        """The return's Table Schema as csc-outcomes checks it: the published schema (inline or,
        from the standalone packages on, a file beside datapackage.json) plus the resource's
        optional columns, flagged `x-optional` in memory only (never published)."""
        resource = self.package["resources"][0]
        schema = resource["schema"]
        if isinstance(schema, str):
            schema = json.loads((self.folder / schema).read_text(encoding="utf-8"))
        return checked_schema(schema, resource)

    @property
    def rule_pack(self) -> dict[str, Any]:
        """Every check of this version as data (rulepack.json): what validate runs."""
        if self._pack is None:
            path = self.folder / "rulepack.json"
            if not path.is_file():
                raise CatalogueReadError(f"release {self.version} has no rule pack ({path}); rebuild it with "
                                         "`csc-outcomes release build`")
            self._pack = json.loads(path.read_text(encoding="utf-8"))
        return self._pack

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
        release = Release(str(catalogue["framework"]["version"]), Catalogue(catalogue), package, folder)
        release.table_schema["fields"]  # inline or in a file beside datapackage.json: it must read
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise CatalogueReadError(f"{folder} is not a built release (a folder holding catalogue.json and "
                                 "datapackage.json, as `csc-outcomes release build` writes)") from exc
    return release


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
