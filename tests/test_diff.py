"""diff classifies each kind of change as the versioning policy says, and checks the declared bump."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from csc_outcomes.catalogue.diff import compare
from csc_outcomes.catalogue.model import load_catalogue
from conftest import ROOT


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _set_versions(root: Path, framework: str, **indicators: str) -> None:
    _edit(root / "framework.yaml", lambda d: d.update(version=framework))
    for ident, version in indicators.items():
        _edit(root / "definitions" / f"{ident}.yaml", lambda d, v=version: d.update(version=v))


def _levels(root: Path) -> dict[tuple[str, str], str]:
    diff = compare(load_catalogue(ROOT / "indicators"), load_catalogue(root))
    return {(c.id, c.field.split(".")[0] or c.what): c.level for c in diff.changes}, diff


@pytest.mark.parametrize("field,value", [
    ("multiplier", 1000),
    ("denominator", {"description": "Residents aged 0 to 15.", "source": "ons-mye"}),
    ("period", {"kind": "snapshot", "year_convention": "reporting_year", "reference_date": "--03-30",
                "population_vintage": "mid_year_before_period_end"}),
])
def test_counting_changes_are_major(catalogue_copy: Path, field: str, value):
    _edit(catalogue_copy / "definitions" / "cla_rate_31mar.yaml", lambda d: d.update({field: value}))
    _set_versions(catalogue_copy, "2.0.0", cla_rate_31mar="2.0.0")
    levels, diff = _levels(catalogue_copy)
    assert levels[("cla_rate_31mar", field)] == "major"
    assert diff.required == "major" and diff.ok


def test_new_indicator_is_minor(catalogue_copy: Path):
    src = yaml.safe_load((catalogue_copy / "definitions" / "cla_rate_31mar.yaml").read_text(encoding="utf-8"))
    src["id"] = "cla_rate_31mar_boys"
    (catalogue_copy / "definitions" / "cla_rate_31mar_boys.yaml").write_text(yaml.safe_dump(src), encoding="utf-8")
    _set_versions(catalogue_copy, "1.1.0")
    levels, diff = _levels(catalogue_copy)
    assert levels[("cla_rate_31mar_boys", "added")] == "minor" and diff.required == "minor" and diff.ok


def test_new_optional_breakdown_and_deprecation_are_minor(catalogue_copy: Path):
    _edit(catalogue_copy / "definitions" / "cla_starts_rate.yaml", lambda d: d.update(
        disaggregations=[{"topic": "sex", "code_list": "sex", "sums_to_total": True}]))
    _edit(catalogue_copy / "definitions" / "cla_count_31mar.yaml",
          lambda d: d.update(status="deprecated", superseded_by="cla_rate_31mar"))
    _edit(catalogue_copy / "definitions" / "cla_rate_31mar.yaml", lambda d: d.update(supersedes="cla_count_31mar"))
    _set_versions(catalogue_copy, "1.1.0", cla_starts_rate="1.1.0", cla_count_31mar="1.1.0", cla_rate_31mar="1.1.0")
    levels, diff = _levels(catalogue_copy)
    assert levels[("cla_starts_rate", "disaggregations[sex]")] == "minor"
    assert levels[("cla_count_31mar", "status")] == "minor"
    assert diff.required == "minor" and diff.ok, diff.problems


def test_reworded_definition_is_patch(catalogue_copy: Path):
    _edit(catalogue_copy / "definitions" / "cin_rate_31mar.yaml",
          lambda d: d.update(definition="Children in need on 31 March, per 10,000 children aged 0 to 17."))
    _set_versions(catalogue_copy, "1.0.1", cin_rate_31mar="1.0.1")
    levels, diff = _levels(catalogue_copy)
    assert levels[("cin_rate_31mar", "definition")] == "patch" and diff.required == "patch" and diff.ok


def test_removed_indicator_without_deprecation_is_refused(catalogue_copy: Path, cli):
    (catalogue_copy / "definitions" / "cla_count_31mar.yaml").unlink()
    (catalogue_copy / "methods" / "cla_count_31mar.sql").unlink()  # its method goes with it
    _set_versions(catalogue_copy, "2.0.0")
    levels, diff = _levels(catalogue_copy)
    assert levels[("cla_count_31mar", "removed")] == "refused" and not diff.ok
    out = cli("diff", "1.0.0", str(catalogue_copy), "--format", "json")
    assert out.returncode == 1
    assert any("without deprecation" in p for p in json.loads(out.stdout)["problems"])


def test_declared_version_lower_than_required_exits_1(catalogue_copy: Path, cli):
    _edit(catalogue_copy / "definitions" / "cla_rate_31mar.yaml", lambda d: d.update(multiplier=1000))
    _set_versions(catalogue_copy, "1.1.0", cla_rate_31mar="1.1.0")
    out = cli("diff", "1.0.0", str(catalogue_copy))
    assert out.returncode == 1
    assert "need at least a major release after 1.0.0; the new catalogue declares 1.1.0" in out.stdout
    assert "indicator cla_rate_31mar: a major change" in out.stdout


def test_code_list_changes(catalogue_copy: Path):
    _edit(catalogue_copy / "codelists" / "sex.yaml", lambda d: d["codes"].append({"code": "Other", "label": "Other"}))
    _edit(catalogue_copy / "codelists" / "uasc-status.yaml", lambda d: d["codes"].pop())
    _set_versions(catalogue_copy, "2.0.0")
    levels, diff = _levels(catalogue_copy)
    assert levels[("sex", "codes[Other]")] == "minor" and levels[("uasc-status", "codes[Non-UASC]")] == "major"


def test_markdown_changelog_and_same_version(cli):
    out = cli("diff", "1.0.0", str(ROOT / "indicators"), "--format", "markdown")
    assert out.returncode == 0 and "No changes." in out.stdout


def _rewrite_method(root: Path, ident: str, change) -> None:
    path = root / "methods" / f"{ident}.sql"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_changed_method_is_major(catalogue_copy: Path):
    """Counting a short-break child (dropping V4 from the exclusion) changes who is counted."""
    _rewrite_method(catalogue_copy, "cla_count_31mar", lambda s: s.replace(
        "WHEN o.LS IN ('V3', 'V4') THEN", "WHEN o.LS IN ('V3') THEN"))
    levels, diff = _levels(catalogue_copy)
    assert levels[("cla_count_31mar", "method")] == "major"
    assert not diff.ok and "at least a major" in diff.problems[0]
    _set_versions(catalogue_copy, "2.0.0", cla_count_31mar="2.0.0")
    levels, diff = _levels(catalogue_copy)
    assert diff.required == "major" and diff.ok


def test_reformatted_method_is_no_change(catalogue_copy: Path):
    """Layout, comments and keyword case are not the definition."""
    def reformat(sql: str) -> str:
        body = re.sub(r"--[^\n]*", "", sql)  # comments out (no literal in the methods holds "--")
        body = " ".join(body.split())  # one line
        body = body.replace("SELECT", "select").replace("CASE WHEN", "case when").replace(" AS ", " as ")
        return "/* re-formatted by an editor */\n" + body + "  -- trailing comment\n"
    _rewrite_method(catalogue_copy, "cla_3plus_placements_pct", reformat)
    assert (catalogue_copy / "methods" / "cla_3plus_placements_pct.sql").read_text() != \
        (ROOT / "indicators" / "methods" / "cla_3plus_placements_pct.sql").read_text()
    levels, diff = _levels(catalogue_copy)
    assert ("cla_3plus_placements_pct", "method") not in levels
    assert diff.changes == [] and diff.ok


def test_method_added_is_minor_and_removed_is_major(catalogue_copy: Path):
    (catalogue_copy / "methods" / "cpp_rate_31mar.sql").unlink()
    levels, diff = _levels(catalogue_copy)
    assert levels[("cpp_rate_31mar", "method")] == "major"
    back = compare(load_catalogue(catalogue_copy), load_catalogue(ROOT / "indicators"))
    assert [(c.id, c.field, c.what, c.level) for c in back.changes] == [("cpp_rate_31mar", "method", "added", "minor")]
