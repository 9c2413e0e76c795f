"""Compile the catalogue source into a release: the artefacts runtime commands read.

A release folder holds catalogue.json (the resolved catalogue, one document) and
datapackage.json and return.schema.json (the Frictionless Data Package of the return and its
Table Schema, with the code lists), usable with the frictionless tools alone.
Builds are deterministic: the same source gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from csc_outcomes.catalogue.model import Catalogue, CatalogueReadError
from csc_outcomes.catalogue.source import read_source


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def compile_catalogue(source_dir: Path) -> Catalogue:
    source = read_source(source_dir)
    if source.problems:
        first = source.problems[0]
        raise CatalogueReadError(f"{first.file}: {first.message}")
    return Catalogue(source.document())


SCHEMA_FILE = "return.schema.json"
TEMPLATE_CSV = "templates/return-template.csv"

# What `csc-outcomes validate` checks beyond the Table Schema: said in the package itself, so
# that someone using it with the frictionless tools alone knows what they are not checking.
RULES_BEYOND_TABLE_SCHEMA = (
    "The Table Schema checks the header, types, GSS symbols, required cells, code lists, "
    "patterns and duplicate keys. The framework's rules, which `csc-outcomes validate` adds, are "
    "not Table Schema: the time identifier suits the indicator's period and YYYYZZ years are "
    "consecutive; geography columns are filled or blank by level, and the LA code is valid on "
    "the period's reference date and agrees with old_la_code, la_name and the region; the "
    "indicator is active in this version and declares the breakdown; numerator and denominator "
    "are present where defined, not negative, a percentage's numerator not above its "
    "denominator, and value = numerator / denominator x multiplier at the indicator's rounding; "
    "breakdowns add up to their Total; a suppressed value cannot be recomputed; the optional "
    "match_type column holds a match type; and, against an indicator set, completeness."
)


def data_package(catalogue: Catalogue, schema_file: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Data Package of the return (Data Package v2) and its Table Schema, published as two
    files so the schema can be given to `frictionless validate FILE --schema` directly.

    The resource's path is the CSV template shipped in the release, so the package validates as
    it stands; a user points `path` at their own CSV or XLSX. Excel stores codes such as 2025 or
    805 as numbers: the dialect reads every XLSX cell as text, as csc-outcomes does.
    """
    from csc_outcomes.validators.table_schema import table_schema

    fw = catalogue.framework
    schema, optional = table_schema(schema_file, catalogue)
    resource: dict[str, Any] = {
        "name": "return",
        "type": "table",
        "path": TEMPLATE_CSV,
        "encoding": "utf-8",
        "description": (
            "A return: one row per period, place, indicator and breakdown. `path` is the empty "
            "CSV template; point it at your own CSV or XLSX file, or run "
            f"`frictionless validate your-return.csv --schema {SCHEMA_FILE}`. "
            + RULES_BEYOND_TABLE_SCHEMA),
        "dialect": {"excel": {"stringified": True}},
        "schema": SCHEMA_FILE,
    }
    if optional:
        # Not Table Schema: columns a return may add, which `fieldsMatch: subset` lets through
        # unchecked; csc-outcomes reads their definitions from here and checks them.
        resource["optionalFields"] = optional
    package = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": f"{fw['id']}-return",
        "title": f"{fw['name']}: return",
        "description": (f"The return format of framework version {fw['version']}, as a Frictionless "
                        "Data Package usable with the official frictionless tools alone."),
        "version": fw["version"],
        "licenses": [{"path": fw["licence"], "title": "Open Government Licence v3.0"}],
        "resources": [resource],
    }
    return package, schema


def json_schema(schema_file: Path) -> dict[str, Any]:
    """The JSON Schema of the whole model, by LinkML's own generator: runtime commands validate
    mapping specs against it with jsonschema, without importing linkml."""
    import logging

    from linkml.generators.jsonschemagen import JsonSchemaGenerator

    logging.getLogger("linkml").setLevel(logging.ERROR)
    return json.loads(JsonSchemaGenerator(str(schema_file)).serialize())


def changelog_entry(catalogue: Catalogue, previous: Catalogue | None) -> str:
    """The CHANGELOG entry of this release: the diff against the previous one, or 'first release'."""
    from csc_outcomes.catalogue.diff import compare, render_markdown

    date = catalogue.framework.get("release_date")
    if previous is None:
        return f"## {catalogue.version}" + (f" ({date})" if date else "") + "\n\nFirst release.\n"
    result = compare(previous, catalogue)
    if result.problems:
        raise CatalogueReadError("the release breaks the versioning policy against "
                                 f"{previous.version}: " + "; ".join(result.problems))
    return render_markdown(result, date)


def previous_release(catalogue: Catalogue) -> Catalogue | None:
    """The release this one is compared with: previous_version if declared, else the newest shipped below it."""
    from csc_outcomes.catalogue.diff import _version
    from csc_outcomes.releases import available_versions, load_release

    declared = catalogue.framework.get("previous_version")
    if declared:
        return load_release(str(declared)).catalogue
    below = [v for v in available_versions() if _version(v) < _version(catalogue.version)]
    return load_release(below[-1]).catalogue if below else None


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(content)


def build_release(source_dir: Path, schema_file: Path, output: Path) -> Path:
    """Write every artefact of the release to output/<version>/ and return that folder."""
    from csc_outcomes.catalogue.authoring import require_authoring

    require_authoring()
    from csc_outcomes.catalogue.pages import pages
    from csc_outcomes.catalogue.templates import csv_template, xlsx_template

    catalogue = compile_catalogue(source_dir)
    target = output / catalogue.version
    package, table = data_package(catalogue, schema_file)
    _write(target / "catalogue.json", _dump(catalogue.document))
    _write(target / "datapackage.json", _dump(package))
    _write(target / SCHEMA_FILE, _dump(table))
    # `table` is what is published (templates are made from it); checks are compiled from
    # checked_schema(package, target), which adds the optional columns (match_type)
    _write(target / "schema.json", _dump(json_schema(schema_file)))
    _write(target / TEMPLATE_CSV, csv_template(table))
    _write(target / "templates" / "return-template.xlsx", xlsx_template(table, catalogue))
    for name, text in pages(catalogue).items():
        _write(target / "docs" / name, text)
    _write(target / "CHANGELOG.md", changelog_entry(catalogue, previous_release(catalogue)))
    return target
