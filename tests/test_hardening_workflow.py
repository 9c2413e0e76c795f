"""The standards body's workflow (issue 9, part 5): a release cannot hide a change under an old
version, cannot silently replace a folder, can be used before it ships, and a mapping spec's
framework version is checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_main

VALID = ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"
SOURCE = ROOT / "examples" / "harmonise" / "cla-counts-by-la.csv"
SPEC = ROOT / "mappings" / "examples" / "cla-counts-by-la.yaml"


def _add_indicator(catalogue: Path, version: str) -> str:
    """A new indicator (a copy of cla_rate_31mar under a new id) and the framework at `version`."""
    text = (catalogue / "definitions" / "cla_rate_31mar.yaml").read_text(encoding="utf-8")
    (catalogue / "definitions" / "cla_rate_31mar_copy.yaml").write_text(
        text.replace("id: cla_rate_31mar", "id: cla_rate_31mar_copy", 1), encoding="utf-8")
    framework = catalogue / "framework.yaml"
    lines = [f"version: {version}" if line.startswith("version:") else line
             for line in framework.read_text(encoding="utf-8").splitlines()]
    framework.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "cla_rate_31mar_copy"


@pytest.mark.slow
def test_release_build_refuses_new_indicators_under_a_released_version(catalogue_copy: Path, tmp_path: Path):
    _add_indicator(catalogue_copy, "1.0.0")
    out = run_main("release", "build", "--catalogue", str(catalogue_copy), "--output", str(tmp_path / "dist"))
    assert out.returncode == 1, out.stderr
    assert "minor" in out.stderr and "already released" in out.stderr
    assert not (tmp_path / "dist").exists()  # nothing written


@pytest.mark.slow
def test_release_build_does_not_silently_replace_a_release_folder(catalogue_copy: Path, tmp_path: Path):
    _add_indicator(catalogue_copy, "1.2.0")
    dist = tmp_path / "dist"
    first = run_main("release", "build", "--catalogue", str(catalogue_copy), "--output", str(dist))
    assert first.returncode == 0, first.stderr
    marker = dist / "1.2.0" / "CHANGELOG.md"
    before = marker.read_bytes()
    marker.write_text("edited by hand\n", encoding="utf-8")
    again = run_main("release", "build", "--catalogue", str(catalogue_copy), "--output", str(dist))
    assert again.returncode == 2 and "--force" in again.stderr
    assert marker.read_text(encoding="utf-8") == "edited by hand\n"
    forced = run_main("release", "build", "--catalogue", str(catalogue_copy), "--output", str(dist), "--force")
    assert forced.returncode == 0 and marker.read_bytes() == before
    assert "minor" in before.decode("utf-8").lower() or "cla_rate_31mar_copy" in before.decode("utf-8")

    # the built, unshipped release is usable with --release before it ships
    ret = tmp_path / "r.csv"
    rows = VALID.read_text(encoding="utf-8").splitlines()
    ret.write_text("\n".join(rows + [rows[1].replace(",cla_ceased_rate,", ",cla_rate_31mar_copy,")]) + "\n",
                   encoding="utf-8")
    shipped = run_main("validate", str(ret), "--format", "json")
    assert shipped.returncode == 1 and "cla_rate_31mar_copy" in shipped.stdout  # unknown to every shipped release
    built = run_main("validate", str(ret), "--release", str(dist / "1.2.0"), "--format", "json")
    assert '"framework_version": "1.2.0"' in built.stdout
    assert "not a permitted value" not in built.stdout or "cla_rate_31mar_copy" not in built.stdout

    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.read_text(encoding="utf-8").replace("framework_version: 1.0.0", "framework_version: 1.2.0"),
                    encoding="utf-8")
    out = tmp_path / "out.csv"
    harmonised = run_main("harmonise", str(SOURCE), "-m", str(spec), "-o", str(out), "--release", str(dist / "1.2.0"),
                          "--format", "json")
    assert harmonised.returncode == 0, harmonised.stderr
    assert '"framework_version": "1.2.0"' in harmonised.stdout and out.read_text().startswith("time_period")


def test_a_folder_that_is_not_a_release_is_refused_by_release_option(tmp_path: Path):
    out = run_main("validate", str(VALID), "--release", str(tmp_path))
    assert out.returncode == 2 and "not a built release" in out.stderr


def test_check_reports_a_spec_declaring_a_framework_version_that_does_not_exist(tmp_path: Path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.read_text(encoding="utf-8").replace("framework_version: 1.0.0", "framework_version: 9.9.9"),
                    encoding="utf-8")
    out = run_main("check", str(spec))
    assert out.returncode == 1 and "9.9.9" in out.stdout and "does not exist" in out.stdout


def test_check_reports_indicators_the_declared_version_lacks(catalogue_copy: Path, tmp_path: Path):
    from csc_outcomes.catalogue.check import check_mappings

    new = _add_indicator(catalogue_copy, "1.1.0")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.read_text(encoding="utf-8").replace("indicator: cla_rate_31mar\n", f"indicator: {new}\n"),
                    encoding="utf-8")
    report = check_mappings([spec], catalogue_copy)  # the spec still declares 1.0.0, which lacks the indicator
    assert not report.valid
    assert any(new in i.message and "1.0.0" in i.message for i in report.issues)
    spec.write_text(spec.read_text(encoding="utf-8").replace("framework_version: 1.0.0", "framework_version: 1.1.0"),
                    encoding="utf-8")
    assert check_mappings([spec], catalogue_copy).valid


def test_release_build_help_says_it_builds_indicators():
    out = run_main("release", "build", "--help")
    assert "indicators/" in out.stdout and "shipped" not in out.stdout
