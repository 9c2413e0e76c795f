"""Read a catalogue into one document in the shape of the LinkML `Catalogue` class.

Plain dictionaries, read with PyYAML's safe loader: the runtime path (list, show, validate)
never imports linkml. `source.py` keeps the file of every record for `check`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csc_outcomes.catalogue.errors import CatalogueReadError
from csc_outcomes.catalogue.source import read_source

__all__ = ["Catalogue", "CatalogueReadError", "load_catalogue"]


@dataclass
class Catalogue:
    """A resolved catalogue with lookups by id."""

    document: dict[str, Any]

    @property
    def framework(self) -> dict[str, Any]:
        return self.document["framework"]

    @property
    def version(self) -> str:
        return str(self.framework["version"])

    def _by(self, key: str, id_key: str = "id") -> dict[Any, dict[str, Any]]:
        return {item[id_key]: item for item in self.document.get(key, []) if id_key in item}

    @property
    def indicators(self) -> dict[str, dict[str, Any]]:
        return self._by("indicators")

    @property
    def indicator_sets(self) -> dict[str, dict[str, Any]]:
        return self._by("indicator_sets")

    @property
    def code_lists(self) -> dict[str, dict[str, Any]]:
        return self._by("code_lists")

    @property
    def outcomes(self) -> dict[int, dict[str, Any]]:
        return self._by("outcomes", "number")

    @property
    def data_sources(self) -> dict[str, dict[str, Any]]:
        return self._by("data_sources")

    @property
    def outcome_frameworks(self) -> dict[str, dict[str, Any]]:
        """Frameworks by id; empty for a catalogue compiled before 1.1.0."""
        return self._by("outcome_frameworks")

    @property
    def framework_outcomes(self) -> dict[str, dict[str, Any]]:
        """Every outcome and enabler of every framework by id, each with its framework's id added."""
        out: dict[str, dict[str, Any]] = {}
        for fw_id, fw in self.outcome_frameworks.items():
            for item in (fw.get("outcomes") or []) + (fw.get("enablers") or []):
                out[item["id"]] = {**item, "framework": fw_id}
        return out


def load_catalogue(path: Path) -> Catalogue:
    """A catalogue from a source folder or a compiled catalogue.json."""
    path = Path(path)
    if path.is_file() and path.suffix == ".json":
        try:
            return Catalogue(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise CatalogueReadError(f"cannot read compiled catalogue {path}: {exc}") from exc
    source = read_source(path)
    if source.problems:
        first = source.problems[0]
        raise CatalogueReadError(f"{first.file}: {first.message} (run `csc-outcomes check {path}`)")
    return Catalogue(source.document())
