"""The release shipped in the package is what the source compiles to, byte for byte."""

from __future__ import annotations

from pathlib import Path

from csc_outcomes.catalogue.release import build_release
from csc_outcomes.releases import HERE, available_versions, load_release
from conftest import ROOT


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_shipped_release_is_not_stale(tmp_path: Path):
    built = build_release(ROOT / "indicators", ROOT / "schema" / "csc_outcomes.yaml", tmp_path)
    shipped = _files(HERE / built.name)
    fresh = _files(built)
    assert sorted(shipped) == sorted(fresh)
    stale = [name for name in fresh if fresh[name] != shipped[name]]
    assert not stale, f"{stale} are stale: run `csc-outcomes release build --output src/csc_outcomes/releases --force`"


def test_build_is_deterministic(tmp_path: Path):
    a = build_release(ROOT / "indicators", ROOT / "schema" / "csc_outcomes.yaml", tmp_path / "a")
    b = build_release(ROOT / "indicators", ROOT / "schema" / "csc_outcomes.yaml", tmp_path / "b")
    files = _files(a)
    assert {"templates/return-template.xlsx", "templates/return-template.csv", "CHANGELOG.md",
            "docs/indicators/cla_rate_31mar.md", "docs/sets/hertfordshire-kpi.md"} <= set(files)
    assert files == _files(b)


def test_table_schema_is_generated_from_the_model():
    release = load_release("1.0.0")
    assert "1.0.0" in available_versions()
    fields = {f["name"]: f for f in release.table_schema["fields"]}
    assert list(fields)[:3] == ["time_period", "time_identifier", "geographic_level"]
    assert fields["time_period"]["constraints"]["pattern"] == "^[0-9]{4}([0-9]{2})?$"
    assert "E10000015" in fields["new_la_code"]["constraints"]["enum"]
    assert fields["match_type"]["x-optional"] is True  # from the resource's optionalFields, in memory only
    assert "cla_rate_31mar" in fields["indicator_id"]["constraints"]["enum"]
    assert fields["value"]["missingValues"] == ["", "c", "k", "low", "x", "z", "u"]
    assert "required" not in fields["value"].get("constraints", {})  # a symbol is a typed missing value
    assert release.table_schema["primaryKey"][-2:] == ["breakdown_topic", "breakdown"]
