"""Both engines agree on an error-dense national return: the same (row, field, type) list, the same
counts per type when the listing is capped (the conformance suite's dense case, kept small)."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from csc_outcomes.validators import findings
from csc_outcomes.validators.validate import validate_file
from conftest import ROOT, national_generator as _national


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


def _report(report) -> tuple:
    task = report.tasks[0]
    return task.stats["rows"], task.more, _listed(report)


def test_engines_agree_on_a_return_followed_by_20000_blank_lines(tmp_path: Path):
    """Every blank line is a blank row, in both engines: the same rows, the same listing (capped
    alike) and the same count beyond it. The reference engine reads a run of blank rows once."""
    path = tmp_path / "r.csv"
    text = (ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv").read_text(encoding="utf-8")
    path.write_text(text + "\n" * 20_000, encoding="utf-8")
    fast = validate_file(path, engine="duckdb")
    reference = validate_file(path, engine="frictionless")
    assert _report(fast) == _report(reference)
    rows, more, listed = _report(reference)
    assert rows == 1222 + 20_000
    assert more == {"blank-row": 20_000 - findings.LIMIT}
    blank = [row for row, _, code in listed if code == "blank-row"]
    assert blank == list(range(1224, 1224 + findings.LIMIT))  # the first, numbered as a spreadsheet shows them


def _mixed(path: Path, newline: str) -> None:
    """Runs of blank lines inside a return, of every kind: empty, commas only (short, full, too
    long), a quoted cell holding blank lines, and broken rows between the runs."""
    lines = (ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv").read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:40]
    width = header.count(",")
    broken = body[5].split(",")
    broken[13] = "twelve"  # a type error
    quoted = body[6].split(",")
    quoted[10] = '"a note\n\n\n\nover blank lines"'
    out = [header, *body[:5], *[""] * 40, ",".join(broken), *[","] * 30, *body[5:10], *["," * width] * 25,
           ",".join(quoted), *["," * (width + 3)] * 20, "", body[10], *[""] * 3, body[11], *body[12:]]
    path.write_bytes((newline.join(out) + newline * 61).encode("utf-8"))


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_run_of_blank_rows_read_once_is_reported_as_if_read_row_by_row(tmp_path: Path, monkeypatch, newline: str):
    """The reference engine skips the repeats of a blank row and says of each what frictionless said
    of the first: exactly what frictionless says reading every row (messages, rows, counts)."""
    from csc_outcomes.validators import frictionless_engine

    path = tmp_path / "r.csv"
    _mixed(path, newline)
    skipping = validate_file(path, engine="frictionless")
    monkeypatch.setattr(frictionless_engine, "_has_repeated_blank_line", lambda _: False)
    every_row = validate_file(path, engine="frictionless")
    as_listed = [(i.row, i.field, i.code, i.message, i.cell) for i in skipping.issues]
    assert as_listed == [(i.row, i.field, i.code, i.message, i.cell) for i in every_row.issues]
    assert skipping.tasks[0].stats == every_row.tasks[0].stats
    codes = collections.Counter(i.code for i in skipping.issues)
    assert codes["blank-row"] > 150 and codes["type-error"] >= 1
    fast = validate_file(path, engine="duckdb")
    assert [i for i in _listed(skipping) if i[2] == "blank-row"] == [i for i in _listed(fast) if i[2] == "blank-row"]


def test_engines_agree_on_blank_rows_of_every_kind(tmp_path: Path):
    """Empty lines, a short row of commas, a full one, a long one, each in runs: one blank-row each,
    in both engines (the default engine said missing-cell too of a short one until main's 548dab0)."""
    path = tmp_path / "r.csv"
    _mixed(path, "\n")
    assert _report(validate_file(path, engine="duckdb")) == _report(validate_file(path, engine="frictionless"))


def test_a_capped_listing_of_issues_without_a_row_is_the_first_in_order_in_both_engines(tmp_path: Path,
                                                                                        monkeypatch):
    """Issues about the return as a whole (an indicator missing for a place and period) have no row
    to order them by. A capped listing names the first in (field, cell, message) order, so it is the
    same every run and in both engines, and a user re-running the check sees the same issues."""
    path = tmp_path / "national.csv"
    _national().generate(path, 3000, seed=3)
    everything = [(i.cell, i.message) for i in validate_file(path, indicator_set="dfe-national").issues
                  if i.code == "set-row-missing"]
    assert len(everything) > 40
    monkeypatch.setattr(findings, "LIMIT", 10)
    first = [message for _, message in sorted(everything)[:10]]
    for engine in ("duckdb", "frictionless"):
        report = validate_file(path, indicator_set="dfe-national", engine=engine)
        assert [i.message for i in report.issues if i.code == "set-row-missing"] == first
        assert report.tasks[0].more["set-row-missing"] == len(everything) - 10
