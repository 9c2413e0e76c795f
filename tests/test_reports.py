"""Every renderer reads the one report model; each is what its consumer expects."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from conftest import ROOT

INVALID = ROOT / "examples" / "returns" / "invalid" / "indicator.csv"
VALID = ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"


def test_json_report_shape_and_spreadsheet_rows(cli):
    out = cli("validate", str(INVALID), "--format", "json")
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert report["valid"] is False
    from csc_outcomes.releases import available_versions

    # validate reads the newest shipped release unless told otherwise
    assert report["meta"]["framework_version"] == available_versions()[-1] and report["meta"]["engine"] == "duckdb"
    assert report["stats"]["errors"] == 11 and report["stats"]["warnings"] == 1
    errors = report["tasks"][0]["errors"]
    first = next(e for e in errors if e["type"] == "value-mismatch" and e["row"] == 8)
    assert {"type", "title", "severity", "message", "hint", "row", "field", "cell"} <= set(first)
    assert first["field"] == "value" and first["severity"] == "error"


def test_text_report_groups_by_check_with_counts(cli):
    out = cli("validate", str(INVALID))
    assert out.returncode == 1
    assert "ERROR value-mismatch x3: Value is not numerator / denominator x multiplier" in out.stdout
    assert "- row 8, field value: value 57 but 359 / 62280 x 10000 = 57.64 (58 at 0 dp)" in out.stdout
    assert "WARNING suppressed-value-recomputable x1" in out.stdout
    assert out.stdout.rstrip().endswith("INVALID: 11 error(s), 1 warning(s)")


def test_junit_is_parseable_with_one_failure_per_error_type(cli, tmp_path):
    target = tmp_path / "report.xml"
    out = cli("validate", str(INVALID), "--format", "junit", "--output", str(target))
    assert out.returncode == 1 and out.stdout == ""
    suite = ET.parse(target).getroot().find("testsuite")
    failures = {c.get("name").split(" ")[0] for c in suite.iter("testcase") if c.find("failure") is not None}
    assert failures == {"breakdown-not-declared", "constraint-error", "missing-numerator", "missing-value",
                        "negative-number", "numerator-exceeds-denominator", "value-mismatch", "zero-denominator"}
    assert suite.get("failures") == "8"
    clean = ET.fromstring(cli("validate", str(VALID), "--format", "junit").stdout)
    assert clean.find("testsuite").get("failures") == "0"


def test_github_annotations(cli):
    out = cli("validate", str(INVALID), "--format", "github")
    lines = out.stdout.splitlines()
    assert any(line.startswith("::error file=") and ",line=8,title=value-mismatch::value: value 57" in line
               for line in lines)
    assert any(line.startswith("::warning ") and "suppressed-value-recomputable" in line for line in lines)
    assert any(line.startswith("::notice ") is False for line in lines)


def test_html_is_self_contained_and_does_not_copy_records(cli, tmp_path):
    target = tmp_path / "report.html"
    cli("validate", str(INVALID), "--format", "html", "--output", str(target))
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "INVALID" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "Value is not numerator / denominator x multiplier" in html
    # locates, never dumps: no whole input line appears in the report
    for line in INVALID.read_text(encoding="utf-8").splitlines()[1:]:
        assert line not in html


def test_long_cells_are_clipped_in_reports(tmp_path, cli):
    lines = VALID.read_text(encoding="utf-8").splitlines()[:3]
    cells = lines[1].split(",")
    cells[15] = "Child A Smith born 01/02/2010 at 1 Example Road, see case note 123456"
    path = tmp_path / "leak.csv"
    path.write_text("\n".join([lines[0], ",".join(cells).replace("Road, see", "Road see"), lines[2]]) + "\n",
                    encoding="utf-8")
    report = json.loads(cli("validate", str(path), "--format", "json").stdout)
    cell = report["tasks"][0]["errors"][0]["cell"]
    assert len(cell) <= 40 and "123456" not in json.dumps(report)
