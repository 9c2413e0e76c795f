"""Hardening (issue 14): what used to end in a traceback or exit 3 is a message and exit 2; YAML
is read by one bounded loader; reports never quote more than 40 characters of an input."""

from __future__ import annotations

import json
import re
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT, run_main

VALID = ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"
SOURCE = ROOT / "examples" / "harmonise" / "cla-counts-by-la.csv"
SPEC = ROOT / "mappings" / "examples" / "cla-counts-by-la.yaml"

BOMB = "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
               for p, c in zip([None, *"abcdefgh"], "abcdefghi"))


def _no_crash(out) -> None:
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert "Traceback" not in out.stderr and "bug in csc-outcomes" not in out.stderr
    assert out.stderr.startswith("error: ")


# -- YAML, read everywhere by one bounded loader -----------------------------------------------------

def test_the_bomb_is_small():
    assert len(BOMB.encode()) < 4096 and "*h" in BOMB


@pytest.mark.parametrize("command", ["harmonise", "export-sssom", "check"])
def test_an_alias_bomb_in_a_mapping_spec_fails_fast(tmp_path: Path, command: str):
    spec = tmp_path / "bomb.yaml"
    spec.write_text(BOMB, encoding="utf-8")
    args = {"harmonise": ["harmonise", str(SOURCE), "-m", str(spec), "-o", str(tmp_path / "o.csv")],
            "export-sssom": ["mappings", "export-sssom", str(spec)], "check": ["check", str(spec)]}[command]
    started = time.perf_counter()
    out = run_main(*args)
    _no_crash(out)
    assert "aliases" in out.stderr and time.perf_counter() - started < 10


@pytest.mark.parametrize("command", ["check", "diff", "indicators"])
def test_an_alias_bomb_in_a_catalogue_file_fails_fast(catalogue_copy: Path, command: str):
    (catalogue_copy / "definitions" / "zz_bomb.yaml").write_text(BOMB, encoding="utf-8")
    args = {"check": ["check", str(catalogue_copy)], "diff": ["diff", "1.0.0", str(catalogue_copy)],
            "indicators": ["indicators", "list", "--catalogue", str(catalogue_copy)]}[command]
    started = time.perf_counter()
    out = run_main(*args)
    _no_crash(out)
    assert "zz_bomb.yaml" in out.stderr and time.perf_counter() - started < 20


SPEC_BREAKS = {
    "not-utf8": lambda s: s.encode("utf-8") + "author2: caf\xe9\n".encode("latin-1"),
    "invalid-yaml": lambda s: s.replace("id: la", "id: [la", 1),
    "python-tag": lambda s: s.replace("author: csc-outcomes contributors", "author: !!python/object/apply:os.system [x]"),
    "two-documents": lambda s: s + "\n---\nid: again\n",
    "nested-2000-deep": lambda s: "a: " + "[" * 2000 + "]" * 2000 + "\n",
    "where-5": lambda s: s.replace("where: [{column: measure, equals: Started in year}]", "where: 5"),
    "reshape-columns-empty": lambda s: s.replace("columns: [CLA at 31 March, Started in year, Ceased in year]",
                                                 "columns: []"),
    "recode-map-empty": lambda s: s.replace("period: {", "recodes:\n  - {column: measure, map: []}\nperiod: {"),
    "rename-to-blank": lambda s: s.replace("{from: Year, to: year}", '{from: Year, to: ""}'),
    "framework-version-1.x.0": lambda s: s.replace("framework_version: 1.0.0", "framework_version: 1.x.0"),
}


@pytest.mark.parametrize("case", sorted(SPEC_BREAKS))
def test_a_broken_mapping_spec_is_a_message(tmp_path: Path, case: str):
    broken = SPEC_BREAKS[case](SPEC.read_text(encoding="utf-8"))
    spec = tmp_path / "spec.yaml"
    (spec.write_bytes if isinstance(broken, bytes) else lambda b: spec.write_text(b, encoding="utf-8"))(broken)
    out = run_main("harmonise", str(SOURCE), "-m", str(spec), "-o", str(tmp_path / "o.csv"))
    _no_crash(out)
    assert not (tmp_path / "o.csv").exists()


def test_a_period_format_written_as_null_means_not_given(tmp_path: Path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.read_text(encoding="utf-8").replace("format: two_year_label", "format: null"),
                    encoding="utf-8")
    out = run_main("harmonise", str(SOURCE), "-m", str(spec), "-o", str(tmp_path / "o.csv"))
    assert out.returncode == 0, out.stderr  # read as format auto, which knows 2024-25
    assert (tmp_path / "o.csv").read_text(encoding="utf-8").count("\n") == 100


def test_a_column_name_with_an_apostrophe_in_a_recode_is_harmonised(tmp_path: Path):
    text = SPEC.read_text(encoding="utf-8").replace("{from: Local Authority, to: la_name_local}",
                                                    "{from: Local Authority, to: \"authority's name\"}")
    text = text.replace("period: {", "recodes:\n  - {column: \"authority's name\", map: [{from: a, to: b}]}\nperiod: {")
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    out = run_main("harmonise", str(SOURCE), "-m", str(spec), "-o", str(tmp_path / "o.csv"))
    assert out.returncode in (0, 1) and "authority's name is not in the mapping's recode list" in out.stdout


def test_a_catalogue_entry_that_is_a_folder_is_a_message(catalogue_copy: Path):
    (catalogue_copy / "definitions" / "x.yaml").mkdir()
    for args in (["check", str(catalogue_copy)], ["indicators", "list", "--catalogue", str(catalogue_copy)]):
        out = run_main(*args)
        _no_crash(out)
        assert "x.yaml" in out.stderr and "folder" in out.stderr


def test_check_on_an_indicator_whose_source_is_a_mapping_reports_it(catalogue_copy: Path):
    path = catalogue_copy / "definitions" / "cla_rate_31mar.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(\n  source: )(\S+)", r"\1{a: \2}", text, count=1), encoding="utf-8")
    out = run_main("check", str(catalogue_copy))
    assert out.returncode == 1 and "Traceback" not in out.stderr and "numerator" in out.stdout


def test_diff_on_a_code_without_code_is_a_message(catalogue_copy: Path):
    path = catalogue_copy / "codelists" / "breakdown-total.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{code: Total, label: Total}", "{label: Total}", 1),
                    encoding="utf-8")
    out = run_main("diff", "1.0.0", str(catalogue_copy))
    _no_crash(out)
    assert "check" in out.stderr


def test_diff_on_a_version_that_is_not_a_version_is_a_message(catalogue_copy: Path):
    path = catalogue_copy / "framework.yaml"
    path.write_text(re.sub(r"(?m)^version: .*$", "version: 1.x.0", path.read_text(encoding="utf-8")), encoding="utf-8")
    out = run_main("diff", "1.0.0", str(catalogue_copy))
    _no_crash(out)
    assert "1.x.0" in out.stderr and "MAJOR.MINOR.PATCH" in out.stderr


def test_release_build_where_it_cannot_write_is_a_message(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    out = run_main("release", "build", "--output", str(blocker / "dist"))
    _no_crash(out)
    assert "cannot write" in out.stderr


# -- Reports quote at most 40 characters of any input --------------------------------------------------

LONG = "Z" * 30 + "abcdefghijklmnopqrstuvwxyz" * 3  # 108 characters, every 41-character window unique


def _longest_quote(text: str, secret: str) -> int:
    """The longest run of `secret` that appears in `text`."""
    best = 0
    for start in range(len(secret)):
        lo = best + 1
        while start + lo <= len(secret) and secret[start:start + lo] in text:
            best = lo
            lo += 1
    return best


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "html"])
def test_a_long_header_label_is_quoted_at_most_40_characters(tmp_path: Path, fmt: str):
    rows = VALID.read_text(encoding="utf-8").splitlines()
    ret = tmp_path / "r.csv"
    ret.write_text("\n".join([rows[0] + "," + LONG] + [r + ",1" for r in rows[1:20]]) + "\n", encoding="utf-8")
    out = run_main("validate", str(ret), "--format", fmt)
    assert out.returncode in (0, 1)
    assert 30 <= _longest_quote(out.stdout, LONG) <= 40


def test_value_mismatch_quotes_numbers_at_most_40_characters(tmp_path: Path):
    rows = VALID.read_text(encoding="utf-8").splitlines()
    number = "1" + "234567890" * 8  # 73 digits
    cells = rows[1].split(",")
    cells[13] = number  # numerator
    ret = tmp_path / "r.csv"
    ret.write_text("\n".join([rows[0], ",".join(cells)]) + "\n", encoding="utf-8")
    out = run_main("validate", str(ret), "--format", "json")
    assert out.returncode == 1
    assert _longest_quote(out.stdout, number) <= 40


def test_harmonise_spec_errors_quote_the_source_header_at_most_40_characters(tmp_path: Path):
    source = tmp_path / "s.csv"
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    source.write_text("\n".join([lines[0] + "," + LONG] + [l + ",1" for l in lines[1:]]) + "\n", encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.read_text(encoding="utf-8").replace("{from: Year, to: year}", "{from: Yr, to: year}"),
                    encoding="utf-8")
    out = run_main("harmonise", str(source), "-m", str(spec), "-o", str(tmp_path / "o.csv"))
    _no_crash(out)
    assert _longest_quote(out.stderr, LONG) <= 40


def test_the_frictionless_engine_quotes_cells_at_most_40_characters(tmp_path: Path):
    rows = VALID.read_text(encoding="utf-8").splitlines()
    cells = rows[1].split(",")
    cells[0] = LONG  # time_period
    ret = tmp_path / "r.csv"
    ret.write_text("\n".join([rows[0], ",".join(cells)]) + "\n", encoding="utf-8")
    out = run_main("validate", str(ret), "--engine", "frictionless", "--format", "json")
    assert out.returncode == 1
    assert _longest_quote(out.stdout, LONG) <= 40


def test_a_control_character_in_a_cell_keeps_the_junit_report_well_formed(tmp_path: Path):
    rows = VALID.read_text(encoding="utf-8").splitlines()
    cells = rows[1].split(",")
    cells[10] = "cla\x01rate\x0b\x1f"
    ret = tmp_path / "r.csv"
    ret.write_text("\n".join([rows[0] + ",x\x02y", ",".join(cells) + ",1"]) + "\n", encoding="utf-8")
    out = run_main("validate", str(ret), "--format", "junit")
    assert out.returncode == 1
    ET.fromstring(out.stdout)  # raises on ill-formed XML
    assert "\\x01" in out.stdout


@pytest.mark.slow
def test_a_cell_over_32_mb_is_reported_not_dropped(tmp_path: Path):
    rows = VALID.read_text(encoding="utf-8").splitlines()[:11]
    cells = rows[3].split(",")
    cells[9] = "x" * (33 << 20)  # la_name
    ret = tmp_path / "r.csv"
    ret.write_text("\n".join(rows[:3] + [",".join(cells)] + rows[4:]) + "\n", encoding="utf-8")
    out = run_main("validate", str(ret), "--format", "json")
    report = json.loads(out.stdout)
    assert report["tasks"][0]["stats"]["rows"] == 10  # every row, the long one included
    assert any(e.get("row") == 4 for e in report["tasks"][0]["errors"])  # and it is reported
    assert len(out.stdout) < 1_000_000


@pytest.mark.parametrize("command", ["check", "harmonise"])
def test_a_spec_whose_indicator_is_a_mapping_is_reported(tmp_path: Path, command: str):
    """Found by the fuzzer (case 5378): an unhashable indicator crashed the spec check."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.read_text(encoding="utf-8").replace("indicator: cla_rate_31mar\n", "indicator: {a: b}\n"),
                    encoding="utf-8")
    args = ["check", str(spec)] if command == "check" else ["harmonise", str(SOURCE), "-m", str(spec), "-o",
                                                              str(tmp_path / "o.csv")]
    out = run_main(*args)
    assert out.returncode == (1 if command == "check" else 2), out.stderr
    assert "bug in csc-outcomes" not in out.stderr and "indicators[0].indicator" in out.stdout + out.stderr


def test_a_spec_with_no_indicator_mappings_is_a_message(tmp_path: Path):
    """Found by the fuzzer (case 2907): an empty list of mappings gave DuckDB an empty query."""
    text = SPEC.read_text(encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(text[: text.index("indicators:")] + "indicators: []\n", encoding="utf-8")
    out = run_main("harmonise", str(SOURCE), "-m", str(spec), "-o", str(tmp_path / "o.csv"))
    _no_crash(out)
    assert "at least one indicator mapping" in out.stderr


@pytest.mark.parametrize("where", ["spec", "option"])
def test_an_unknown_long_framework_version_is_quoted_at_most_40_characters(tmp_path: Path, where: str):
    """Found by the fuzzer (case 3205): the version a spec declared was quoted whole."""
    if where == "spec":
        spec = tmp_path / "spec.yaml"
        spec.write_text(SPEC.read_text(encoding="utf-8").replace("framework_version: 1.0.0",
                                                                   f"framework_version: {LONG}"), encoding="utf-8")
        out = run_main("harmonise", str(SOURCE), "-m", str(spec), "-o", str(tmp_path / "o.csv"))
    else:
        out = run_main("validate", str(VALID), "--framework-version", LONG)
    _no_crash(out)
    assert "available: 1.0.0" in out.stderr and _longest_quote(out.stderr, LONG) <= 40
