"""`csc-outcomes check`: the shipped catalogue is clean; each kind of breakage is named by file and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from csc_outcomes.catalogue import CatalogueReadError
from csc_outcomes.catalogue.check import check_catalogue
from conftest import ROOT


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _found(root: Path) -> list[list]:
    return check_catalogue(root).flatten(["type", "file", "field"])


def test_shipped_catalogue_is_clean():
    report = check_catalogue(ROOT / "indicators")
    assert report.valid, report.flatten(["type", "file", "field", "message"])
    assert report.issues == []
    assert report.tasks[0].stats["indicators"] >= 40


def test_duplicate_id_across_files(catalogue_copy: Path):
    src = catalogue_copy / "definitions" / "cla_rate_31mar.yaml"
    (catalogue_copy / "definitions" / "cla_rate_31mar_copy.yaml").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    found = _found(catalogue_copy)
    assert ["duplicate-id", "definitions/cla_rate_31mar_copy.yaml", "id"] in found
    assert ["file-name-mismatch", "definitions/cla_rate_31mar_copy.yaml", "id"] in found


def test_dangling_references(catalogue_copy: Path):
    _edit(catalogue_copy / "definitions" / "cla_rate_31mar.yaml", lambda d: d.update(outcomes=[1, 99]))
    members = yaml.safe_load((catalogue_copy / "sets" / "dfe-national.yaml").read_text(encoding="utf-8"))["members"]
    _edit(catalogue_copy / "sets" / "dfe-national.yaml", lambda d: d["members"].append("no_such_indicator"))
    _edit(catalogue_copy / "definitions" / "sw_caseload_fte.yaml", lambda d: d["numerator"].update(source="nowhere"))
    _edit(catalogue_copy / "definitions" / "cla_count_31mar.yaml",
          lambda d: d["disaggregations"][0].update(code_list="genders"))
    found = _found(catalogue_copy)
    assert ["dangling-reference", "definitions/cla_rate_31mar.yaml", "outcomes[1]"] in found
    assert ["dangling-reference", "sets/dfe-national.yaml", f"members[{len(members)}]"] in found
    assert ["dangling-reference", "definitions/sw_caseload_fte.yaml", "numerator.source"] in found
    assert ["dangling-reference", "definitions/cla_count_31mar.yaml", "disaggregations[0].code_list"] in found


def test_rate_without_denominator(catalogue_copy: Path):
    _edit(catalogue_copy / "definitions" / "cla_starts_rate.yaml", lambda d: d.pop("denominator"))
    assert ["rule-error", "definitions/cla_starts_rate.yaml", "denominator"] in _found(catalogue_copy)


def test_percentage_with_wrong_multiplier(catalogue_copy: Path):
    _edit(catalogue_copy / "definitions" / "cin_rereferral_12m_pct.yaml", lambda d: d.update(multiplier=1000))
    assert ["multiplier-mismatch", "definitions/cin_rereferral_12m_pct.yaml", "multiplier"] in _found(catalogue_copy)


def test_supersession_cycle_and_one_way_link(catalogue_copy: Path):
    defs = catalogue_copy / "definitions"
    _edit(defs / "cla_rate_31mar.yaml", lambda d: d.update(supersedes=["cla_count_31mar"], superseded_by="cla_count_31mar"))
    _edit(defs / "cla_count_31mar.yaml", lambda d: d.update(supersedes=["cla_rate_31mar"], superseded_by="cla_rate_31mar"))
    _edit(defs / "cla_starts_rate.yaml", lambda d: d.update(supersedes=["cla_ceased_rate"]))
    found = _found(catalogue_copy)
    assert any(t == "supersession-cycle" for t, _, _ in found)
    assert ["supersession-one-way", "definitions/cla_starts_rate.yaml", "supersedes"] in found


def test_outcome_without_indicator(catalogue_copy: Path):
    for path in (catalogue_copy / "definitions").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if 19 in (data.get("outcomes") or []):
            path.unlink()
    _edit(catalogue_copy / "sets" / "data-checklist.yaml", lambda d: d["members"].remove("secure_base_rating"))
    assert ["outcome-without-indicator", "outcomes.yaml", "outcomes[18].number"] in _found(catalogue_copy)


def test_overlapping_code_validity(catalogue_copy: Path):
    def reuse(d):
        d["codes"].append({"code": "E06000099", "label": "New Authority", "legacy_code": "919",
                           "parent": "E12000006", "valid_from": "2020-04-01"})
    _edit(catalogue_copy / "codelists" / "local-authorities.yaml", reuse)
    found = _found(catalogue_copy)
    overlaps = [f for t, file, f in found if t == "code-validity-overlap"]
    assert overlaps and overlaps[0].endswith(".legacy_code")


def test_schema_errors_name_file_and_field(catalogue_copy: Path):
    _edit(catalogue_copy / "definitions" / "cla_rate_31mar.yaml", lambda d: d["period"].update(kind="weekly"))
    assert ["enum-error", "definitions/cla_rate_31mar.yaml", "period.kind"] in _found(catalogue_copy)


def test_yaml_syntax_error_is_reported_with_line(catalogue_copy: Path):
    (catalogue_copy / "definitions" / "cla_rate_31mar.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    report = check_catalogue(catalogue_copy)
    (issue,) = [i for i in report.issues if i.code == "yaml-error"]
    assert issue.file == "definitions/cla_rate_31mar.yaml" and "line" in issue.message


def test_missing_folder_is_a_read_error(tmp_path: Path):
    with pytest.raises(CatalogueReadError):
        check_catalogue(tmp_path / "nope")


def test_cli_exit_codes_and_json(cli, catalogue_copy: Path, tmp_path: Path):
    clean = cli("check", str(catalogue_copy), "--format", "json")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert json.loads(clean.stdout)["valid"] is True

    _edit(catalogue_copy / "definitions" / "cla_starts_rate.yaml", lambda d: d.pop("denominator"))
    broken = cli("check", str(catalogue_copy), "--format", "json")
    assert broken.returncode == 1
    errors = json.loads(broken.stdout)["tasks"][0]["errors"]
    assert {"type": "rule-error", "file": "definitions/cla_starts_rate.yaml", "field": "denominator"}.items() <= errors[0].items()

    text = cli("check", str(catalogue_copy))
    assert text.returncode == 1
    assert "definitions/cla_starts_rate.yaml, field denominator" in text.stdout

    missing = cli("check", str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr and "Traceback" not in missing.stderr



def test_the_catalogue_reader_does_not_import_the_model():
    """source.py and model.py both raise CatalogueReadError; it lives in errors.py, so the reader
    imports neither the model nor anything that imports it (no cycle, no import inside a function)."""
    import ast

    def imports(module: str) -> set[str]:
        tree = ast.parse((ROOT / "src" / "csc_outcomes" / "catalogue" / f"{module}.py").read_text(encoding="utf-8"))
        return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}

    assert "csc_outcomes.catalogue.model" not in imports("source")
    assert "csc_outcomes.catalogue.errors" in imports("source") and "csc_outcomes.catalogue.errors" in imports("model")
    from csc_outcomes.catalogue import errors, model, source

    assert model.CatalogueReadError is errors.CatalogueReadError
    with pytest.raises(errors.CatalogueReadError):
        source.read_source(ROOT / "no-such-folder")
