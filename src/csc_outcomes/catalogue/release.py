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


def rule_pack(catalogue: Catalogue, table: dict[str, Any]) -> dict[str, Any]:
    from csc_outcomes.validators.rulepack import compile_pack

    return compile_pack(catalogue, table)


# What a release publishes as the standard (frozen once published) and what is compiled from it
# for the tools (re-issued for every shipped release when the compilers improve, from the
# release's own catalogue.json, so validating against 1.0.0 keeps meaning 1.0.0's definitions).
# The rule pack is compiled like the rest: the checks a release's catalogue implies, by the
# toolkit's rule compiler; two releases' packs differ by what their catalogues say, which `diff`
# classifies.
CONTENT = ("catalogue.json", "schema.json", "CHANGELOG.md", "docs/")


def derived_artefacts(catalogue: Catalogue, schema_file: Path) -> dict[str, str | bytes]:
    """The artefacts the runtime compiles from a catalogue: the Data Package and its Table Schema,
    the rule pack, the templates."""
    from csc_outcomes.catalogue.templates import csv_template, xlsx_template

    from csc_outcomes.releases import checked_schema

    package, table = data_package(catalogue, schema_file)
    checked = checked_schema(table, package["resources"][0])
    return {"datapackage.json": _dump(package), SCHEMA_FILE: _dump(table),
            "rulepack.json": _dump(rule_pack(catalogue, checked)), TEMPLATE_CSV: csv_template(table),
            "templates/return-template.xlsx": xlsx_template(table, catalogue)}


def reissue_older(output: Path, schema_file: Path, current: str) -> list[str]:
    """Re-issue the derived artefacts of every other release in `output` from its own
    catalogue.json; its content (CONTENT) is never touched. Returns the versions re-issued."""
    done = []
    for folder in sorted(p for p in Path(output).iterdir() if p.is_dir() and p.name != current):
        if (folder / "catalogue.json").is_file():
            old = Catalogue(json.loads((folder / "catalogue.json").read_text(encoding="utf-8")))
            for name, content in derived_artefacts(old, schema_file).items():
                _write(folder / name, content)
            done.append(folder.name)
    return done


def json_schema(schema_file: Path) -> dict[str, Any]:
    """The JSON Schema of the whole model, by LinkML's own generator: runtime commands validate
    mapping specs against it with jsonschema, without importing linkml."""
    import logging

    from linkml.generators.jsonschemagen import JsonSchemaGenerator

    logging.getLogger("linkml").setLevel(logging.ERROR)
    return json.loads(JsonSchemaGenerator(str(schema_file)).serialize())


def changelog_entry(catalogue: Catalogue, previous: Catalogue | None, pack: dict[str, Any] | None = None,
                    previous_pack: dict[str, Any] | None = None) -> str:
    """The CHANGELOG entry of this release: the diff against the previous one, or 'first release'."""
    from csc_outcomes.catalogue.diff import compare, render_markdown

    date = catalogue.framework.get("release_date")
    if previous is None:
        return f"## {catalogue.version}" + (f" ({date})" if date else "") + "\n\nFirst release.\n"
    result = compare(previous, catalogue, previous_pack, pack)
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


def _pack_of(release: Catalogue | None) -> dict[str, Any] | None:
    """The shipped rule pack of a release, when it has one (a change to a check is in the changelog)."""
    from csc_outcomes.releases import load_release

    if release is None:
        return None
    try:
        return load_release(release.version).rule_pack
    except CatalogueReadError:
        return None


def version_problems(catalogue: Catalogue) -> list[str]:
    """Why the catalogue's declared version is too low for what changed, or [] if it is not.

    Compared with the release it follows: previous_version if declared, else the newest shipped
    release at or below its version. A shipped release of the same version counts: new indicators
    under a version already published need a minor release, as `diff` says. Wording fixes (patch
    changes) may be rebuilt under the version being prepared.
    """
    from csc_outcomes.catalogue.diff import LEVELS, _version, compare
    from csc_outcomes.releases import available_versions, load_release

    declared = catalogue.framework.get("previous_version")
    if declared:
        previous = load_release(str(declared)).catalogue
    else:
        below = [v for v in available_versions() if _version(v) <= _version(catalogue.version)]
        if not below:
            return []
        previous = load_release(below[-1]).catalogue
    result = compare(previous, catalogue)
    if previous.version != catalogue.version:
        return result.problems
    need = result.required
    if need and LEVELS.index(need) > LEVELS.index("patch"):
        return [f"version {catalogue.version} is already released, and the changes need at least a {need} "
                "release; raise version in framework.yaml"] + result.problems
    return []


def prepare_target(output: Path, version: str, force: bool) -> Path:
    """output/<version>, made ready: a release folder already there is replaced only with `force`
    (it may be a published release); a folder that is not a release is never touched."""
    import shutil

    from csc_outcomes.catalogue.model import CatalogueReadError as Refused

    target = Path(output) / version
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        if not (target / "catalogue.json").is_file():
            raise Refused(f"{target} exists and is not a release folder; choose another --output")
        if not force:
            raise Refused(f"{target} already holds release {version}; pass --force to replace it "
                          "(nothing was written)")
        shutil.rmtree(target)
    return target


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
    from csc_outcomes.catalogue.authoring import require_authoring

    require_authoring()
    from csc_outcomes.catalogue.pages import pages

    catalogue = compile_catalogue(source_dir)
    target = output / catalogue.version
    derived = derived_artefacts(catalogue, schema_file)
    _write(target / "catalogue.json", _dump(catalogue.document))
    _write(target / "schema.json", _dump(json_schema(schema_file)))
    for name, content in derived.items():
        _write(target / name, content)
    reissue_older(output, schema_file, catalogue.version)
    pack = json.loads(derived["rulepack.json"])
    for name, text in pages(catalogue).items():
        _write(target / "docs" / name, text)
    previous = previous_release(catalogue)
    _write(target / "CHANGELOG.md", changelog_entry(catalogue, previous, pack, _pack_of(previous)))
    write_conformance_pack(source_dir, target / "conformance")
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
