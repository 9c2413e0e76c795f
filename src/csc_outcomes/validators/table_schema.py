"""Generate the Frictionless Table Schema of the canonical return from the LinkML model.

LinkML has no Table Schema generator (linkml issue 861), so this is ours: the ReturnRow class
gives the fields, their types, required flags, anchored patterns and the primary key; the
`values_from` and `missing_values_from` annotations bind columns to the catalogue's code lists.
Build time only: it imports linkml. The result is compiled into each release.

The schema is standard Table Schema v2, usable on its own with the official frictionless tools:
columns are matched by name and a return may carry extra columns (`fieldsMatch: subset`, as
`csc-outcomes validate` ignores them with a warning). A column the model marks optional (such as
`match_type`, written by `harmonise`) cannot be expressed per field in Table Schema, so it is
kept out of `fields` and published beside the schema as `optionalFields` of the resource: the
frictionless tools let it through unchecked, csc-outcomes checks its codes.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from csc_outcomes.catalogue import Catalogue

RETURN_CLASS = "ReturnRow"
_TYPES = {"string": "string", "integer": "integer", "decimal": "number", "float": "number", "double": "number",
          "boolean": "boolean", "date": "date"}


def breakdown_topics(catalogue: Catalogue) -> list[str]:
    topics = {d["topic"] for ind in catalogue.indicators.values() for d in ind.get("disaggregations") or []}
    return ["Total", *sorted(topics)]


def _values(reference: str, catalogue: Catalogue, view: Any) -> list[str]:
    kind, _, name = reference.partition(":")
    if kind == "enum":
        return list(view.get_enum(name).permissible_values)
    if kind == "codelist":
        return [str(c["code"]) for c in catalogue.code_lists[name]["codes"]]
    if kind == "catalogue" and name == "indicators":
        return sorted(catalogue.indicators)
    if kind == "catalogue" and name == "breakdown_topics":
        return breakdown_topics(catalogue)
    raise ValueError(f"unknown values_from reference {reference!r} in the model")


def _anchored(pattern: str) -> str:
    """frictionless anchors patterns and DuckDB/JSON Schema do not: store them anchored."""
    return ("" if pattern.startswith("^") else "^") + pattern + ("" if pattern.endswith("$") else "$")


TABLE_SCHEMA_V2 = "https://datapackage.org/profiles/2.0/tableschema.json"


@functools.lru_cache(maxsize=8)
def _view(path: str, mtime_ns: int, size: int) -> Any:
    """One SchemaView per version of the schema file, made once per process. linkml-runtime
    caches its methods' results per view for the life of the process (functools.lru_cache on the
    methods holds every view made), so a new view per call grew a long-running process, such as a
    notebook or the fuzzer, by about 6 MB on each `diff`."""
    from linkml_runtime.utils.schemaview import SchemaView

    return SchemaView(path)


def table_schema(schema_file: Path, catalogue: Catalogue) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The Table Schema of the return, and the descriptors of its optional columns."""
    stat = schema_file.stat()
    view = _view(str(schema_file.resolve()), stat.st_mtime_ns, stat.st_size)
    fields: list[dict[str, Any]] = []
    optional: list[dict[str, Any]] = []
    for slot in view.class_induced_slots(RETURN_CLASS):
        notes = {tag: slot.annotations[tag].value for tag in (slot.annotations._keys() if slot.annotations else [])}
        field: dict[str, Any] = {"name": slot.name, "type": _TYPES.get(slot.range or "string", "string")}
        if slot.description:
            field["description"] = " ".join(str(slot.description).split())
        constraints: dict[str, Any] = {}
        missing_ref = notes.get("missing_values_from")
        if missing_ref:
            # A symbol is a typed missing value; a required constraint would reject it.
            field["missingValues"] = ["", *_values(missing_ref, catalogue, view)]
        elif slot.required:
            constraints["required"] = True
        if slot.pattern:
            constraints["pattern"] = _anchored(slot.pattern)
        if notes.get("values_from"):
            constraints["enum"] = _values(notes["values_from"], catalogue, view)
        if constraints:
            field["constraints"] = constraints
        is_optional = str(notes.get("optional_column", "")).lower() == "true"
        (optional if is_optional else fields).append(field)
    keys = view.get_class(RETURN_CLASS).unique_keys or {}
    primary = next(iter(keys.values())).unique_key_slots if keys else []
    schema = {"$schema": TABLE_SCHEMA_V2, "fields": fields, "fieldsMatch": "subset",
              "primaryKey": list(primary), "missingValues": [""]}
    return schema, optional
