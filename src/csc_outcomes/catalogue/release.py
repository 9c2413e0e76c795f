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


def build_release(source_dir: Path, schema_file: Path, output: Path, sources: Path | None = None) -> Path:
    """Write every artefact of the release to output/<version>/ and return that folder.

    `sources` is the folder of published DfE files the mapping specs in mappings/dfe read (in a
    checkout: tests/data/dfe); from them the release's published baseline is built, for compare."""
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
    sources = sources or published_sources()
    if sources is not None:
        from csc_outcomes.compare.baseline import build_baseline
        from csc_outcomes.resources import data_dir

        build_baseline(data_dir("mappings") / "dfe", sources, target)
    return target


def published_sources() -> Path | None:
    """The published DfE files of a checkout (tests/data/dfe), which the baseline is built from."""
    from csc_outcomes.resources import data_dir

    folder = data_dir("mappings").parent / "tests" / "data" / "dfe"
    return folder if folder.is_dir() else None
