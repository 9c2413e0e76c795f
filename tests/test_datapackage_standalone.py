"""The published Data Package stands alone: the official frictionless CLI, given only the
release's datapackage.json and return.schema.json, reaches the same Table Schema verdict and
errors as `csc-outcomes validate` on every example return, CSV and XLSX.

The CLI runs in a subprocess with PYTHONPATH removed, from a folder holding only the package
files and the return: it never imports csc_outcomes (a test below checks that too).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from csc_outcomes.releases import HERE, available_versions
from csc_outcomes.report import Severity
from csc_outcomes.validators.validate import validate_file
from conftest import ROOT

RETURNS = ROOT / "examples" / "returns"
EXAMPLES = [RETURNS / "valid" / "dfe-la-2025.csv", *sorted((RETURNS / "invalid").glob("*.csv"))]
# the Table Schema's error types (frictionless's own names, which csc-outcomes reuses)
TABLE_SCHEMA_TYPES = {"blank-label", "duplicate-label", "missing-label", "extra-label", "incorrect-label",
                      "type-error", "constraint-error", "primary-key", "unique-error", "blank-row",
                      "missing-cell", "extra-cell"}


def _frictionless() -> list[str]:
    script = Path(sys.executable).with_name("frictionless")
    if script.exists():
        return [str(script)]
    found = shutil.which("frictionless")
    if not found:
        pytest.fail("the frictionless CLI is not installed (it comes with the test extra)")
    return [found]


def _run_frictionless(args: list[str], cwd: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([*_frictionless(), "validate", *args, "--json", "--limit-errors", "100000"],
                          capture_output=True, text=True, cwd=cwd, env=env, encoding="utf-8")
    assert done.stdout.strip().startswith("{"), done.stdout + done.stderr
    return json.loads(done.stdout)


def _frictionless_errors(report: dict) -> list[tuple]:
    """(row, field, type) as csc-outcomes reports them: label errors are on row 1 (the header),
    and the two pairs csc-outcomes reports once (its documented de-duplication) are folded the
    same way: a blank row's primary-key error, and a short row's required error."""
    errors = [e for task in report["tasks"] for e in task["errors"]]
    missing = {(e.get("rowNumber"), e.get("fieldName")) for e in errors if e["type"] == "missing-cell"}
    blank = {e.get("rowNumber") for e in errors if e["type"] == "blank-row"}
    found = []
    for e in errors:
        row, field = e.get("rowNumber"), e.get("fieldName") or None
        if e["type"] == "primary-key" and row in blank:
            continue
        if e["type"] == "constraint-error" and (row, field) in missing:
            continue
        found.append((1 if e["type"].endswith("-label") else row, field, e["type"]))
    return sorted(found, key=repr)


def _csc_errors(path: Path) -> list[tuple]:
    report = validate_file(path, framework_version=VERSION)
    return sorted(((i.row, i.field, i.code) for i in report.issues
                   if i.code in TABLE_SCHEMA_TYPES and i.severity is Severity.ERROR), key=repr)


VERSION = available_versions()[-1]


def _package_for(data: Path, tmp_path: Path, version: str = VERSION) -> Path:
    """The release's package files copied beside the user's file, with `path` pointed at it:
    what the documentation tells a user to do."""
    release = HERE / version
    tmp_path.mkdir(parents=True, exist_ok=True)
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    shutil.copy(release / package["resources"][0]["schema"], tmp_path)
    shutil.copy(data, tmp_path / data.name)
    package["resources"][0]["path"] = data.name
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    return tmp_path / "datapackage.json"


def _excel_typed(source: Path, target: Path, replace: dict[tuple[int, str], object] | None = None) -> Path:
    """The return saved as Excel would save it: codes and periods that look like numbers are
    numbers (time_period 2025, old_la_code 805)."""
    from openpyxl import Workbook

    with open(source, encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    book = Workbook()
    sheet = book.active
    sheet.title = "Return"
    sheet.append(header)
    for r, cells in enumerate(rows, start=2):
        out: list[object] = []
        for name, cell in zip(header, cells):
            value: object = cell
            for kind in (int, float):
                try:
                    value = kind(cell)
                    break
                except ValueError:
                    continue
            value = (replace or {}).get((r, name), value)
            out.append(None if value == "" else value)
        sheet.append(out)
    book.save(target)
    return target


@pytest.mark.parametrize("version", available_versions())
def test_every_shipped_package_validates_as_it_stands(version: str):
    """`frictionless validate datapackage.json` in the release folder: the resource path exists."""
    report = _run_frictionless(["datapackage.json"], HERE / version)
    assert report["valid"], report
    package = json.loads((HERE / version / "datapackage.json").read_text(encoding="utf-8"))
    text = json.dumps(package)
    assert "x-optional" not in text
    assert (HERE / version / package["resources"][0]["path"]).is_file()
    # the package says what csc-outcomes adds beyond the Table Schema
    assert "value = numerator / denominator" in package["resources"][0]["description"]


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_frictionless_cli_agrees_with_csc_outcomes_on_each_example(example: Path, tmp_path: Path):
    report = _run_frictionless(["datapackage.json"], _package_for(example, tmp_path).parent)
    ours = _csc_errors(example)
    assert _frictionless_errors(report) == ours
    assert report["valid"] == (not ours)
    if example.parent.name == "valid":
        assert report["valid"] and report["tasks"][0]["stats"]["rows"] == 1222


def test_schema_alone_validates_a_return_in_the_users_folder(tmp_path: Path):
    """The other documented way: `frictionless validate my-return.csv --schema return.schema.json`."""
    shutil.copy(HERE / VERSION / "return.schema.json", tmp_path)
    shutil.copy(RETURNS / "invalid" / "structure.csv", tmp_path / "my-return.csv")
    report = _run_frictionless(["my-return.csv", "--schema", "return.schema.json"], tmp_path)
    assert _frictionless_errors(report) == _csc_errors(RETURNS / "invalid" / "structure.csv")
    assert not report["valid"]


@pytest.mark.slow
def test_excel_typed_codes_are_treated_the_same_by_both_tools(tmp_path: Path):
    good = _excel_typed(RETURNS / "valid" / "dfe-la-2025.csv", tmp_path / "excel.xlsx")
    report = _run_frictionless(["datapackage.json"], _package_for(good, tmp_path / "good").parent)
    assert report["valid"], _frictionless_errors(report)[:5]
    assert validate_file(good).valid
    # through --schema, the dialect is given on the command line as the docs say
    report = _run_frictionless(["excel.xlsx", "--schema", "return.schema.json",
                                "--dialect", '{"excel": {"stringified": true}}'], tmp_path / "good")
    assert report["valid"]
    # numbers that break a pattern are reported by both, at the same place
    bad = _excel_typed(RETURNS / "valid" / "dfe-la-2025.csv", tmp_path / "bad.xlsx",
                       {(2, "old_la_code"): 8050, (3, "time_period"): 20245})
    report = _run_frictionless(["datapackage.json"], _package_for(bad, tmp_path / "bad").parent)
    expected = [(2, "old_la_code", "constraint-error"), (3, "time_period", "constraint-error")]
    assert _frictionless_errors(report) == _csc_errors(bad) == expected


def test_the_frictionless_cli_does_not_import_csc_outcomes(tmp_path: Path):
    """The agreement above is between two independent programs."""
    code = ("import sys\nfrom frictionless.__main__ import console\nsys.argv = ['frictionless', 'validate', "
            "'datapackage.json', '--json']\ntry:\n    console()\nexcept SystemExit:\n    pass\n"
            "print('IMPORTED' if any(m.startswith('csc_outcomes') for m in sys.modules) else 'CLEAN')")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=HERE / VERSION, env=env)
    assert done.stdout.strip().endswith("CLEAN"), done.stdout[-300:] + done.stderr[-2000:]
