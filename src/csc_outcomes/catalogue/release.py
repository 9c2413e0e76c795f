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


def build_release(source_dir: Path, schema_file: Path, output: Path) -> Path:
    """Write output/<version>/ and return that folder."""
    catalogue = compile_catalogue(source_dir)
    target = output / catalogue.version
    target.mkdir(parents=True, exist_ok=True)
    (target / "catalogue.json").write_text(_dump(catalogue.document), encoding="utf-8")
    (target / "datapackage.json").write_text(_dump(data_package(catalogue, schema_file)), encoding="utf-8")
    (target / "schema.json").write_text(_dump(json_schema(schema_file)), encoding="utf-8")
    return target
