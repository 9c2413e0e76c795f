"""Release 1.1.0 ships beside 1.0.0 and changes nothing for a return collected under 1.0.0: the
example returns (whose expected reports were written under 1.0.0) validate the same against the
shipped 1.0.0 as against 1.1.0, a minor release keeps every 1.0.0 figure comparable, and the
national framework's new indicators are known to 1.1.0 only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csc_outcomes.releases import available_versions, load_release
from conftest import ROOT

RETURNS = sorted((ROOT / "examples" / "returns").glob("*/*.csv"))
HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
          "new_la_code,old_la_code,la_name,indicator_id,breakdown_topic,breakdown,numerator,denominator,value\n")
HERTS = "2025,Reporting year,Local authority,E92000001,England,E12000006,East of England,E10000015,919,Hertfordshire"


def _report(cli, path: Path, version: str) -> dict:
    out = cli("validate", str(path), "--framework-version", version, "--format", "json")
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


def _issues(report: dict, *severities: str) -> list[tuple]:
    """(row, field, type) of every issue of these severities (a report lists all under "errors")."""
    return sorted((i.get("row") or 0, i.get("field") or "", i["type"]) for t in report["tasks"]
                  for i in t.get("errors") or [] if i["severity"] in severities)


def test_release_1_0_0_content_is_byte_for_byte_as_published():
    """A published release's content is never rebuilt: later releases are written beside it. What
    the tools compile from it (Data Package, rule pack, templates) is re-issued from its own
    catalogue.json when the compilers improve (catalogue.release.CONTENT says which is which)."""
    import hashlib

    from csc_outcomes.catalogue.release import CONTENT

    folder = ROOT / "src" / "csc_outcomes" / "releases" / "1.0.0"
    manifest = dict(reversed(line.split("  ", 1)) for line in
                    (ROOT / "tests" / "data" / "release-1.0.0.sha256").read_text(encoding="utf-8").splitlines())
    content = {name: digest for name, digest in manifest.items() if name.startswith(CONTENT)}
    shipped = {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}
    assert len(content) > 50 and set(content) <= set(shipped)
    changed = [name for name in content if shipped[name] != content[name]]
    assert not changed, f"release 1.0.0 was rebuilt after publication: {changed}"
    assert not [name for name in shipped if name.startswith(CONTENT) and name not in content], "content added to 1.0.0"


def test_both_releases_ship_and_1_1_0_declares_1_0_0_as_its_predecessor():
    assert {"1.0.0", "1.1.0"} <= set(available_versions())
    new = load_release("1.1.0").catalogue
    assert new.framework["previous_version"] == "1.0.0"
    old = load_release("1.0.0").catalogue
    assert set(old.indicators) < set(new.indicators)  # nothing removed, only added or deprecated


@pytest.mark.slow
@pytest.mark.parametrize("path", RETURNS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_returns_validate_the_same_against_1_0_0_and_1_1_0(cli, path: Path):
    old, new = _report(cli, path, "1.0.0"), _report(cli, path, "1.1.0")
    assert old["meta"]["framework_version"] == "1.0.0" and new["meta"]["framework_version"] == "1.1.0"
    assert old["valid"] == new["valid"]
    assert _issues(old, "error") == _issues(new, "error")
    deprecated = {i for i, ind in load_release("1.1.0").catalogue.indicators.items() if ind["status"] == "deprecated"}
    used = path.read_text(encoding="utf-8")
    if not any(f",{d}," in used for d in deprecated):
        assert _issues(old, "warning", "info") == _issues(new, "warning", "info")


def test_a_national_framework_figure_is_known_to_1_1_0_only(cli, tmp_path: Path):
    """Hertfordshire's 2025 assessment-factor rates (DfE table C3: 98 episodes with gangs, 972
    with neglect, 4,417 with any factor; ONS mid-2024 population aged 0-17: 277,480)."""
    ret = tmp_path / "herts-factors.csv"
    ret.write_text(HEADER
                   + f"{HERTS},cin_assessment_factor_rate,Total,Total,4417,277480,159\n"
                   + f"{HERTS},cin_assessment_factor_rate,assessment-factor,Gangs,98,277480,4\n"
                   + f"{HERTS},cin_assessment_factor_rate,assessment-factor,Neglect,972,277480,35\n", encoding="utf-8")
    new = _report(cli, ret, "1.1.0")
    assert new["valid"], _issues(new, "error")
    old = _report(cli, ret, "1.0.0")
    assert not old["valid"]
    assert (2, "indicator_id", "constraint-error") in _issues(old, "error")


def test_the_deprecated_gangs_rate_still_validates_under_1_1_0_with_a_warning_naming_its_successor(cli, tmp_path: Path):
    ret = tmp_path / "herts-gangs.csv"
    ret.write_text(HEADER + f"{HERTS},cin_factor_gangs_rate,Total,Total,98,277480,3.5\n", encoding="utf-8")
    old, new = _report(cli, ret, "1.0.0"), _report(cli, ret, "1.1.0")
    assert old["valid"] and new["valid"]
    assert _issues(old, "warning") == []
    assert _issues(new, "warning") == [(2, "indicator_id", "indicator-deprecated")]
    warning = next(i for t in new["tasks"] for i in t["errors"] if i["type"] == "indicator-deprecated")
    assert "its successor is cin_assessment_factor_rate" in warning["message"]
