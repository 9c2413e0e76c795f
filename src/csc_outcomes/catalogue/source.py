"""Read a catalogue's source folder, keeping where each record came from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csc_outcomes import safe_yaml
from csc_outcomes.catalogue.errors import CatalogueReadError
from csc_outcomes.catalogue.layout import METHODS_GLOB, PARTS, Part
from csc_outcomes.catalogue import problems as P
from csc_outcomes.report import Issue

@dataclass
class Record:
    part: Part
    data: dict[str, Any]
    file: str  # relative to the catalogue root, with forward slashes
    index: int | None = None  # position in the file's list, for list files

    def where(self, field_path: str = "") -> str:
        """A field path readable by a person: outcomes[3].name."""
        base = f"{self.part.list_key}[{self.index}]" if self.index is not None else ""
        return ".".join(p for p in (base, field_path) if p) or "(file)"


@dataclass
class Source:
    root: Path
    records: list[Record] = field(default_factory=list)
    problems: list[Issue] = field(default_factory=list)

    def of(self, catalogue_key: str) -> list[Record]:
        return [r for r in self.records if r.part.catalogue_key == catalogue_key]

    def document(self) -> dict[str, Any]:
        """The catalogue as one document, in the shape of the LinkML Catalogue class."""
        doc: dict[str, Any] = {}
        for part in PARTS:
            items = [r.data for r in self.of(part.catalogue_key)]
            if part.catalogue_key == "framework":
                if items:
                    doc["framework"] = items[0]
            elif part.catalogue_key == "outcome_frameworks":
                doc[part.catalogue_key] = [self._resolved_framework(fw, doc.get("outcomes") or []) for fw in items]
            else:
                doc[part.catalogue_key] = items
        return doc

    @staticmethod
    def _resolved_framework(framework: dict[str, Any], numbered: list[dict[str, Any]]) -> dict[str, Any]:
        """A framework whose outcomes are the catalogue's numbered ones lists them too, so that a
        reader of the compiled catalogue finds every framework's outcomes in the same place."""
        if not framework.get("outcomes_from_catalogue") or not isinstance(framework.get("id"), str):
            return framework
        outcomes = [{"id": f"{framework['id']}-{o['number']}", "number": o["number"], "kind": "outcome",
                     **{k: o[k] for k in ("name", "definition", "example_measure") if k in o}}
                    for o in numbered if isinstance(o.get("number"), int)]
        return {**framework, "outcomes": outcomes}


def _plain(value: Any) -> Any:
    """YAML dates become ISO strings, as in the JSON a release is compiled to."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _load_yaml(path: Path, rel: str, problems: list[Issue]) -> Any:
    try:
        return _plain(safe_yaml.load(path))
    except safe_yaml.YamlRefused as exc:
        raise CatalogueReadError(f"{rel}: {exc}") from exc
    except safe_yaml.YamlError as exc:
        problems.append(Issue(P.YAML_ERROR, str(exc), file=rel))
        return None


def read_source(root: Path) -> Source:
    """Every record of every file; unreadable files become problems, not exceptions."""
    root = Path(root)
    if not root.is_dir():
        raise CatalogueReadError(f"{root} is not a folder (give the catalogue folder, e.g. indicators/)")
    source = Source(root)
    for part in PARTS:
        paths = sorted(root.glob(part.glob))
        if not paths and "*" not in part.glob:
            source.problems.append(Issue(P.MISSING_FILE, f"{part.glob} is missing", file=part.glob))
            continue
        for path in paths:
            rel = path.relative_to(root).as_posix()
            data = _load_yaml(path, rel, source.problems)
            if data is None:
                if not any(p.file == rel for p in source.problems):
                    source.problems.append(Issue(P.NOT_A_MAPPING, "the file is empty", file=rel))
                continue
            if part.list_key is None:
                if not isinstance(data, dict):
                    source.problems.append(Issue(P.NOT_A_MAPPING, f"expected a mapping of {part.cls} fields, found {type(data).__name__}", file=rel))
                    continue
                source.records.append(Record(part, data, rel))
                continue
            items = data.get(part.list_key) if isinstance(data, dict) else None
            if not isinstance(items, list):
                source.problems.append(Issue(P.NOT_A_MAPPING, f"expected a list under '{part.list_key}:'", file=rel, field=part.list_key))
                continue
            for index, item in enumerate(items):
                if not isinstance(item, dict):
                    source.problems.append(Issue(P.NOT_A_MAPPING, f"expected a mapping of {part.cls} fields", file=rel, field=f"{part.list_key}[{index}]"))
                    continue
                source.records.append(Record(part, item, rel, index))
    _attach_methods(root, source)
    return source


def _attach_methods(root: Path, source: Source) -> None:
    """methods/<id>.sql becomes the indicator's `method`; a method with no indicator is a problem."""
    # an id that is not text (a mapping, a list) is check's to report; it names no method file
    indicators = {r.data["id"]: r for r in source.of("indicators") if isinstance(r.data.get("id"), str)}
    for path in sorted(root.glob(METHODS_GLOB)):
        rel = path.relative_to(root).as_posix()
        record = indicators.get(path.stem)
        if record is None:
            source.problems.append(Issue(P.DANGLING, f"a method for {path.stem!r}, which is not an indicator "
                                         "of the catalogue (name the file after an indicator id)", file=rel))
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            source.problems.append(Issue(P.YAML_ERROR, f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=rel))
            continue
        record.data["method"] = text.strip() + "\n"
