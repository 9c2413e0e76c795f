"""Both engines agree on an error-dense national return: the same (row, field, type) list, the same
counts per type when the listing is capped (the conformance suite's dense case, kept small)."""

from __future__ import annotations

import collections
import importlib.util
from pathlib import Path

import pytest

from csc_outcomes.validators import findings
from csc_outcomes.validators.validate import validate_file
from conftest import ROOT


def _national():
    spec = importlib.util.spec_from_file_location("national", ROOT / "bench" / "national.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dense(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dense") / "national.csv"
    broken = _national().generate(path, 4000, error_rate=0.3, seed=7)
    assert broken > 1000
    return path


def _listed(report) -> list[tuple]:
    return sorted((i.row or 0, i.field or "", i.code) for i in report.issues)


def test_engines_list_the_same_issues_on_an_error_dense_file(dense: Path):
    fast = validate_file(dense, engine="duckdb")
    reference = validate_file(dense, engine="frictionless")
    assert _listed(fast) == _listed(reference)
    kinds = collections.Counter(i.code for i in fast.issues)
    # the file really is dense in every kind of error, the breakdown sums included
    assert {"breakdown-sum-mismatch", "primary-key", "missing-cell", "extra-cell", "value-mismatch",
            "type-error", "constraint-error", "la-code-not-valid-on-date"} <= set(kinds)
    assert fast.tasks[0].more == reference.tasks[0].more == {}


def test_engines_cap_their_listing_alike(dense: Path, monkeypatch):
    monkeypatch.setattr(findings, "LIMIT", 25)
    fast = validate_file(dense, engine="duckdb")
    reference = validate_file(dense, engine="frictionless")
    assert fast.tasks[0].more and fast.tasks[0].more == reference.tasks[0].more
    assert _listed(fast) == _listed(reference)
    assert max(collections.Counter(i.code for i in fast.issues).values()) == 25


def test_generated_national_return_is_valid(tmp_path: Path):
    path = tmp_path / "national.csv"
    _national().generate(path, 20_000, seed=3)
    report = validate_file(path)
    assert report.valid and report.exit_code == 0
    assert {i.code for i in report.issues} == {"indicator-draft"}  # a note per draft indicator, no more
    assert report.tasks[0].stats["rows"] == 20_000
