"""Reports an analyst can act on: every listed problem says which authority, which indicator and
which spreadsheet column; text and HTML open with a summary by authority and by indicator; the
HTML filters in a real browser; the XLSX report reads back with its summary and autofilter."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from csc_outcomes.validators.validate import validate_file
from conftest import ROOT

INVALID = ROOT / "examples" / "returns" / "invalid"
VALID = ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"


def test_each_problem_carries_authority_indicator_and_column():
    report = validate_file(INVALID / "indicator.csv")
    found = {(i.row, i.field): (i.column, i.authority, i.authority_code, i.indicator_id, i.indicator_name)
             for i in report.issues}
    assert found[(8, "value")] == ("P", "Luton", "E06000032", "cla_rate_31mar",
                                   "Children looked after at 31 March, rate per 10,000 children aged under 18")
    assert found[(2, "indicator_id")] == ("K", "Hertfordshire", "E10000015", "cla_rate_31march", None)
    header = validate_file(INVALID / "header.csv")
    columns = {(i.field, i.code): i.column for i in header.issues}
    assert columns == {("old_la_code", "missing-label"): None, ("notes", "extra-label"): "P"}


def test_columns_are_lettered_where_the_user_put_them(tmp_path: Path):
    """Columns matched by name keep the user's order: the letter is the user's column."""
    with open(INVALID / "indicator.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    order = list(reversed(range(len(rows[0]))))
    path = tmp_path / "reordered.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([[r[i] for i in order] for r in rows])
    issue = next(i for i in validate_file(path).issues if i.row == 8 and i.field == "value")
    assert issue.column == "A" and issue.authority == "Luton"


def test_json_carries_the_context(cli):
    report = json.loads(cli("validate", str(INVALID / "geography.csv"), "--format", "json").stdout)
    barnsley = next(e for e in report["tasks"][0]["errors"] if e["type"] == "la-code-not-valid-on-date")
    assert (barnsley["column"], barnsley["authority"], barnsley["authority_code"], barnsley["indicator_id"]) == \
        ("H", "Barnsley", "E08000038", "cla_rate_31mar")


def test_text_report_opens_with_summaries(cli):
    out = cli("validate", str(INVALID / "indicator.csv")).stdout
    lines = out.splitlines()
    start = lines.index("  problems by authority:")
    assert lines[start + 1:start + 4] == ["    Luton (E06000032): 5 error(s)", "    Hertfordshire (E10000015): 5 error(s)",
                                          "    Camden (E09000007): 1 error(s), 1 warning(s)"]
    assert lines[start + 4] == "  problems by indicator:"
    assert lines[start + 5] == ("    cin_rereferral_12m_pct: Re-referrals within 12 months of a previous referral (%): "
                                "4 error(s)")
    assert "    cla_rate_31march (not an indicator): 1 error(s)" in lines
    # the summary comes before the problems
    assert start < min(i for i, line in enumerate(lines) if line.startswith("  ERROR "))


def _browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("chromium is not installed (.ci/run installs it)")
    return found


def _visible_rows(html_file: Path, fragment: str = "") -> list[tuple[str, str, str]]:
    """The problem rows a reader sees after the page's script ran, from the browser's own DOM."""
    done = subprocess.run([_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                           html_file.as_uri() + fragment], capture_output=True, text=True, timeout=120)
    rows = re.findall(r"<tr data-check=\"([^\"]*)\" data-authority=\"([^\"]*)\" data-indicator=\"([^\"]*)\"(\s+hidden)?",
                      done.stdout)
    assert rows, done.stderr[-2000:]
    return [(check, authority, indicator) for check, authority, indicator, hidden in rows if not hidden]


@pytest.mark.slow
def test_html_summaries_and_filters_work_in_a_real_browser(cli, tmp_path: Path):
    target = tmp_path / "report.html"
    cli("validate", str(INVALID / "indicator.csv"), "--format", "html", "--output", str(target))
    html = target.read_text(encoding="utf-8")
    assert "Problems by authority (3)" in html and "Problems by indicator (6)" in html
    assert html.index("Problems by authority") < html.index("<section class='check")
    assert len(_visible_rows(target)) == 12
    luton = _visible_rows(target, "#authority=E06000032")
    assert len(luton) == 5 and {a for _, a, _ in luton} == {"E06000032"}
    both = _visible_rows(target, "#authority=E06000032&check=value-mismatch")
    assert both == [("value-mismatch", "E06000032", "cin_rereferral_12m_pct"),
                    ("value-mismatch", "E06000032", "cla_rate_31mar"),
                    ("value-mismatch", "E06000032", "sw_vacancy_rate_fte")]
    assert {i for _, _, i in _visible_rows(target, "#indicator=cla_rate_31mar")} == {"cla_rate_31mar"}


def test_xlsx_report_reads_back_with_summary_and_autofilter(cli, tmp_path: Path):
    from openpyxl import load_workbook

    # a cell that looks like a formula stays text in the report
    with open(INVALID / "indicator.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[1][10] = "=HYPERLINK(\"x\")"
    rows[2][10] = "bell\x07id"  # a control character XLSX cannot hold
    source = tmp_path / "return.csv"
    with open(source, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    target = tmp_path / "report.xlsx"
    out = cli("validate", str(source), "--format", "xlsx", "--output", str(target))
    assert out.returncode == 1 and out.stdout == ""
    book = load_workbook(target)
    assert book.sheetnames == ["Summary", "Problems"]
    summary = [[c for c in row if c is not None] for row in book["Summary"].iter_rows(values_only=True)]
    assert ["Problems by authority"] in summary and ["Problems by indicator"] in summary
    assert ["E06000032", "Luton", 5, 0] in summary
    problems = book["Problems"]
    header = [c.value for c in problems[1]]
    assert header[:8] == ["File", "Row", "Column", "Field", "Authority", "Authority code", "Indicator", "Indicator name"]
    assert problems.auto_filter.ref == f"A1:M{problems.max_row}"
    assert problems.freeze_panes == "A2"
    body = [dict(zip(header, row)) for row in problems.iter_rows(min_row=2, values_only=True)]
    assert len(body) == 12
    luton = next(r for r in body if r["Row"] == 8 and r["Field"] == "value")
    assert (luton["Column"], luton["Authority"], luton["Indicator"], luton["Check"]) == \
        ("P", "Luton", "cla_rate_31mar", "value-mismatch")
    formula = next(r for r in body if r["Row"] == 2 and r["Field"] == "indicator_id")
    assert problems.cell(row=body.index(formula) + 2, column=12).data_type == "s"
    assert formula["Cell"] == "=HYPERLINK(\"x\")"
    assert next(r for r in body if r["Row"] == 3 and r["Field"] == "indicator_id")["Cell"] == "bell\ufffdid"


def test_xlsx_needs_an_output_file(cli):
    out = cli("validate", str(VALID), "--format", "xlsx")
    assert out.returncode == 2
    assert out.stderr.strip() == "error: --format xlsx writes a workbook: name the file with --output, e.g. --output report.xlsx"


@pytest.mark.parametrize("name", ["indicator", "geography", "structure"])
def test_both_engines_give_the_same_context(name: str):
    """The DuckDB engine adds it from its own connection, the reference engine reads the file
    again: the analyst sees the same thing."""
    keys = ["row", "field", "type", "column", "authority", "authority_code", "indicator_id", "indicator_name"]
    fast = validate_file(INVALID / f"{name}.csv").flatten(keys)
    reference = validate_file(INVALID / f"{name}.csv", engine="frictionless").flatten(keys)
    assert fast == reference
    assert any(row[4] for row in fast)  # there is context to compare
