"""The XLSX template an analyst fills in: names beside codes, dependent breakdown lists, text
columns for codes and periods, plain-English instructions; filled in and saved by LibreOffice,
it validates."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from csc_outcomes.releases import HERE, available_versions, load_release
from csc_outcomes.validators.validate import validate_file
from conftest import ROOT

TEMPLATE = HERE / available_versions()[-1] / "templates" / "return-template.xlsx"
VALID = ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"


def _lists(book) -> dict[str, list]:
    """Each Return column's drop-down, resolved to its values."""
    sheet = book["Return"]
    header = [c.value for c in sheet[1]]
    found = {}
    for rule in sheet.data_validations.dataValidation:
        if rule.type != "list":
            continue
        first = str(rule.sqref).split(":")[0]
        column = header[sheet[first].column - 1]
        formula = rule.formula1.lstrip("=")
        if formula.startswith("Lists!"):
            cells = book["Lists"][formula.split("!")[1].replace("$", "")]
            found[column] = [row[0].value for row in cells]
        else:
            found[column] = formula
    return found


def _named(book, name: str) -> list:
    ref = book.defined_names[name].attr_text
    sheet, cells = ref.split("!")
    return [row[0].value for row in book[sheet][cells.replace("$", "")]]


def test_drop_downs_offer_names_beside_codes_and_dependent_breakdowns():
    from openpyxl import load_workbook

    book = load_workbook(TEMPLATE)
    assert book.sheetnames == ["Return", "Instructions", "Indicators", "Authorities", "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    lists = _lists(book)
    assert "Hertfordshire" in lists["la_name"] and "North West" in lists["region_name"]
    # the code follows the name picked in la_name; with no name yet, every code in the order of
    # the names, so an analyst who knows the name finds the code
    formula = lists["new_la_code"]
    assert formula.startswith('IF($J2="",Lists!') and "OFFSET(Authorities!$B$1,MATCH($J2,Authorities!$A$2" in formula
    whole = formula[len('IF($J2="",'):formula.index(",OFFSET(")].split("!")[1].replace("$", "")
    codes = [row[0].value for row in book["Lists"][whole]]
    assert codes.index("E09000002") < codes.index("E09000003")  # Barking and Dagenham before Barnet
    assert lists["old_la_code"].startswith('IF($H2="",Authorities!$C$2')
    assert "cla_rate_31mar" in lists["indicator_id"]
    topics = sorted({d["topic"] for i in load_release().catalogue.indicators.values()
                     for d in i.get("disaggregations") or []})
    assert lists["breakdown_topic"] == ["Total", *topics]
    assert lists["breakdown"].startswith('INDIRECT("bd_"&')
    assert _named(book, "bd_sex") == ["Male", "Female"] and _named(book, "bd_Total") == ["Total"]
    assert len(_named(book, "bd_age_group")) == 5
    # names beside codes, on sheets an analyst reads
    indicators = {r[0]: r for r in book["Indicators"].iter_rows(min_row=2, values_only=True)}
    assert indicators["cla_rate_31mar"][1].startswith("Children looked after at 31 March")
    assert indicators["sw_vacancy_rate_fte"][4] == "Reporting year"
    places = {r[1]: r for r in book["Authorities"].iter_rows(min_row=2, values_only=True)}
    assert places["E10000015"][:5] == ("Hertfordshire", "E10000015", "919", "E12000006", "East of England")


def test_code_and_period_columns_are_text_and_instructions_need_no_command_line():
    from openpyxl import load_workbook

    book = load_workbook(TEMPLATE)
    sheet = book["Return"]
    header = {c.value: c.column_letter for c in sheet[1]}
    for column in ("time_period", "new_la_code", "old_la_code", "indicator_id", "breakdown"):
        assert sheet.column_dimensions[header[column]].number_format == "@", column
    assert sheet.column_dimensions[header["value"]].number_format == "General"
    text = " ".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row if c.value)
    assert "Step 1" in text and "c suppressed" in text and "Indicators sheet" in text
    assert "csc-outcomes validate" not in text and "--sheet" not in text  # no command to type
    prompts = {str(r.sqref).split(":")[0]: r.prompt for r in sheet.data_validations.dataValidation}
    assert "Hertfordshire" in prompts[f"{header['new_la_code']}2"]


def _libreoffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.fail("LibreOffice is not installed (.ci/run installs libreoffice-calc)")
    return found


@pytest.mark.slow
def test_a_template_filled_in_and_saved_by_libreoffice_validates(tmp_path: Path):
    from openpyxl import load_workbook

    book = load_workbook(TEMPLATE)
    sheet = book["Return"]
    header = [c.value for c in sheet[1]]
    with open(VALID, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == header
    for r, cells in enumerate(rows[1:], start=2):
        for c, (name, value) in enumerate(zip(header, cells), start=1):
            if value == "":
                continue
            if name in ("numerator", "denominator", "value"):  # typed as numbers, symbols as text
                try:
                    value = float(value) if "." in value else int(value)
                except ValueError:
                    pass
            sheet.cell(r, c, value)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    saved = tmp_path / "saved"
    done = subprocess.run([_libreoffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                           "--convert-to", "xlsx", "--outdir", str(saved), str(filled)],
                          capture_output=True, text=True, timeout=300)
    resaved = saved / "filled.xlsx"
    assert resaved.exists(), done.stdout + done.stderr
    report = validate_file(resaved, sheet="Return")
    assert report.valid, report.flatten(["row", "field", "type", "message"])[:10]
    assert report.tasks[0].stats["rows"] == 1222
    assert {i.code for i in report.issues} == {"la-code-placeholder"}  # the same as the CSV
    # what LibreOffice kept: the drop-downs, the dependent list's named ranges, the text columns
    book = load_workbook(resaved)
    lists = _lists(book)
    assert "Hertfordshire" in lists["la_name"] and lists["breakdown"].startswith('INDIRECT("bd_"&')
    assert _named(book, "bd_sex") == ["Male", "Female"]
    again = book["Return"]
    assert again["A2"].value == "2025" and again["I2"].value == "805" and again["A2"].number_format == "@"


@pytest.mark.slow
def test_the_code_list_follows_the_name_in_libreoffice(tmp_path: Path):
    """The dependent list's formula, evaluated by a real spreadsheet program: Barnsley has two
    codes (before and after 1 May 2025), Hertfordshire one."""
    from openpyxl import load_workbook

    book = load_workbook(TEMPLATE)
    sheet = book["Return"]
    rule = next(r for r in sheet.data_validations.dataValidation if str(r.sqref).startswith("H2"))
    offered = rule.formula1[rule.formula1.index(",OFFSET(") + 1:-1]  # the list once la_name is filled
    for row, name in ((2, "Barnsley"), (3, "Hertfordshire")):
        sheet.cell(row, 10, name)
        codes = offered.replace("$J2", f"$J{row}")
        sheet.cell(row, 18, f"=ROWS({codes})")
        sheet.cell(row, 19, f"=INDEX({codes},1,1)")
        sheet.cell(row, 20, f"=INDEX({codes},ROWS({codes}),1)")
    source = tmp_path / "formula.xlsx"
    book.save(source)
    done = subprocess.run([_libreoffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                           "--convert-to", "csv", "--outdir", str(tmp_path / "out"), str(source)],
                          capture_output=True, text=True, timeout=300)
    with open(tmp_path / "out" / "formula.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1][17:20] == ["2", "E08000016", "E08000038"], done.stdout + done.stderr
    assert rows[2][17:20] == ["1", "E10000015", "E10000015"]
