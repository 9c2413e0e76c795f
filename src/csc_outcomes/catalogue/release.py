"""Compile the catalogue source into a release: the artefacts runtime commands read.

A release folder holds catalogue.json (the resolved catalogue, one document) and
datapackage.json (the Frictionless Data Package of the return: Table Schema and code lists).
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


def data_package(catalogue: Catalogue, schema_file: Path) -> dict[str, Any]:
    from csc_outcomes.validators.table_schema import table_schema

    fw = catalogue.framework
    return {
        "profile": "tabular-data-package",
        "name": f"{fw['id']}-return",
        "title": f"{fw['name']}: return",
        "version": fw["version"],
        "licenses": [{"path": fw["licence"], "title": "Open Government Licence v3.0"}],
        "resources": [
            {
                "name": "return",
                "path": "return.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "encoding": "utf-8",
                "schema": table_schema(schema_file, catalogue),
            }
        ],
    }


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
    from csc_outcomes.catalogue.pages import pages
    from csc_outcomes.catalogue.templates import csv_template, xlsx_template

    catalogue = compile_catalogue(source_dir)
    target = output / catalogue.version
    package = data_package(catalogue, schema_file)
    table = package["resources"][0]["schema"]
    _write(target / "catalogue.json", _dump(catalogue.document))
    _write(target / "datapackage.json", _dump(package))
    _write(target / "schema.json", _dump(json_schema(schema_file)))
    _write(target / "templates" / "return-template.csv", csv_template(table))
    _write(target / "templates" / "return-template.xlsx", xlsx_template(table, catalogue.framework))
    for name, text in pages(catalogue).items():
        _write(target / "docs" / name, text)
    _write(target / "CHANGELOG.md", changelog_entry(catalogue, previous_release(catalogue)))
    write_conformance_pack(source_dir, target / "conformance")
    return target


def write_conformance_pack(source_dir: Path, target: Path) -> None:
    """The conformance pack: the scenarios as authored (their hand counts are comments, so the
    files are copied byte for byte), the record tables they load into, and each method as SQL."""
    from csc_outcomes.catalogue.layout import CONFORMANCE_GLOB, METHODS_GLOB

    source_dir = Path(source_dir)
    folder = source_dir / "conformance"
    if not folder.is_dir():
        return
    for path in [folder / "record_tables.yaml", *sorted(source_dir.glob(CONFORMANCE_GLOB)),
                 *sorted(source_dir.glob(METHODS_GLOB))]:
        _write(target / path.relative_to(folder if path.is_relative_to(folder) else source_dir), path.read_bytes())
    _write(target / "README.md", CONFORMANCE_README)


CONFORMANCE_README = """# Conformance pack

Hand-written record sets that pin the rules of each indicator's method. To check an
implementation of the standard against it:

1. For each `<indicator_id>/<case>.yaml`, create the record tables of `record_tables.yaml` (every
   table, with its columns and SQL types; `_file VARCHAR` and `_row BIGINT` may be added) and a
   one-row table `params(period_start DATE, period_end DATE, year INTEGER)` for the scenario's
   `year`: 1 April of the year before to 31 March of the year.
2. Insert the scenario's `rows` into their `tables`; columns a row does not give are NULL.
3. Compute the indicator (the reference SQL is `methods/<indicator_id>.sql`: one row per unit,
   with `unit_id`, `numerator`, `denominator`, `exclusion` and a column per breakdown).
4. Sum `numerator` and `denominator` over the units whose `exclusion` is NULL, in total and per
   breakdown code, count the excluded units by reason, and compare with `expected`. The file's
   leading comment works the figures out by hand.

`csc-outcomes` runs the pack in its test suite (tests/test_conformance.py); the methods in other
SQL dialects come from `csc-outcomes methods export --dialect tsql|postgres|spark`.
"""
