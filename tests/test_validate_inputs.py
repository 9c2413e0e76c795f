"""Reading what analysts really have: encodings, byte-order marks, CRLF, blank lines, XLSX exports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from csc_outcomes.validators.reading import InputError, read_input
from csc_outcomes.validators.validate import validate_file
from conftest import ROOT, national_generator

VALID = ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"


def _sample(n: int = 40) -> tuple[str, list[str]]:
    lines = VALID.read_text(encoding="utf-8").splitlines()
    return lines[0], lines[1 : n + 1]


def _flat(report):
    return report.flatten(["row", "field", "type"])


def test_bom_and_crlf_are_read(tmp_path: Path):
    header, body = _sample()
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join([header, *body]).encode("utf-8") + b"\r\n")
    report = validate_file(path)
    assert report.valid and report.tasks[0].stats["rows"] == len(body)


def test_windows_1252_is_refused_with_the_reason_and_read_when_named(tmp_path: Path, cli):
    header, body = _sample(3)
    body[1] = body[1].replace("Hartlepool", "Hartlepool £")  # a pound sign, as Excel's CSV export writes it
    path = tmp_path / "excel.csv"
    path.write_bytes("\n".join([header, *body]).encode("cp1252"))
    with pytest.raises(InputError, match=r"byte 0xA3 on line 3.*Windows-1252.*--encoding"):
        validate_file(path)
    out = cli("validate", str(path))
    assert out.returncode == 2 and "Traceback" not in out.stderr and "CSV UTF-8" in out.stderr
    report = validate_file(path, encoding="cp1252")
    assert _flat(report) == [[3, "la_name", "la-code-mismatch"]]  # read correctly, then checked


def test_utf16_with_byte_order_mark_is_read(tmp_path: Path):
    header, body = _sample(5)
    path = tmp_path / "utf16.csv"
    path.write_bytes("\n".join([header, *body]).encode("utf-16"))
    assert validate_file(path).valid


@pytest.mark.parametrize("engine", ["duckdb", "frictionless"])
def test_blank_lines_keep_the_row_numbers_a_spreadsheet_shows(tmp_path: Path, engine: str):
    header, body = _sample(6)
    broken = body[4].split(",")
    broken[15] = "oops"
    lines = [header, *body[:3], "", body[3], ",".join(broken)]
    path = tmp_path / "blank.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _flat(validate_file(path, engine=engine)) == [[5, None, "blank-row"], [7, "value", "type-error"]]


def test_unterminated_quote_is_reported_and_the_rest_is_checked(tmp_path: Path):
    header, body = _sample(4)
    body[1] = body[1].replace(",Hartlepool,", ',"Hartlepool,')
    path = tmp_path / "quote.csv"
    path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    report = validate_file(path)
    assert _flat(report) == [[3, None, "source-error"]]
    # the quote swallows the lines after it; the report says so rather than losing them quietly
    assert "the 2 line(s) after it" in report.issues[0].message


def test_validation_never_writes_beside_the_users_file(tmp_path: Path):
    shutil.copy(ROOT / "examples" / "returns" / "invalid" / "cells.csv", tmp_path / "cells.csv")
    before = sorted(p.name for p in tmp_path.iterdir())
    data = (tmp_path / "cells.csv").read_bytes()
    validate_file(tmp_path / "cells.csv")
    validate_file(tmp_path / "cells.csv", engine="frictionless")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "cells.csv").read_bytes() == data


def _xlsx(path: Path, rows: list[list], title_rows: int = 0, sheet: str = "Return") -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for i in range(title_rows):
        ws.append([f"Hertfordshire County Council - performance return ({i + 1})"])
    for row in rows:
        ws.append(row)
    book.create_sheet("Notes").append(["not data"])
    book.save(path)


def _typed(line: str) -> list:
    """Cells as Excel stores them: numbers as numbers, codes as text."""
    import csv

    cells = next(csv.reader([line]))
    out: list = []
    for i, c in enumerate(cells):
        try:
            out.append(float(c) if i >= 13 else c)
        except ValueError:
            out.append(c)
    return out


@pytest.mark.parametrize("engine", ["duckdb", "frictionless"])
def test_xlsx_with_title_rows_and_a_named_sheet(tmp_path: Path, cli, engine: str):
    header, body = _sample(20)
    path = tmp_path / "return.xlsx"
    rows = [header.split(","), *[_typed(line) for line in body]]
    rows[5][15] = "n/a"  # the 5th data row: spreadsheet row 3 + 5 = 8
    _xlsx(path, rows, title_rows=2)
    report = validate_file(path, sheet="Return", header_row=3, engine=engine)
    assert _flat(report) == [[8, "value", "type-error"]]
    out = cli("validate", str(path), "--sheet", "Nope", "--header-row", "3")
    assert out.returncode == 2 and "its sheets are: Return, Notes" in out.stderr


def test_corrupt_spreadsheet_and_missing_file_exit_2(tmp_path: Path, cli):
    bad = tmp_path / "return.xlsx"
    bad.write_bytes(b"this is not a zip file")
    out = cli("validate", str(bad))
    assert out.returncode == 2 and "cannot read return.xlsx" in out.stderr and "Traceback" not in out.stderr
    out = cli("validate", str(tmp_path / "missing.csv"))
    assert out.returncode == 2 and "does not exist" in out.stderr
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    out = cli("validate", str(empty))
    assert out.returncode == 2 and "is empty" in out.stderr


def test_unknown_framework_version_exits_2(cli):
    out = cli("validate", str(VALID), "--framework-version", "9.9.9")
    assert out.returncode == 2 and "available: 1.0.0" in out.stderr


def test_read_input_does_not_modify_crlf_utf8(tmp_path: Path):
    path = tmp_path / "plain.csv"
    path.write_bytes(b"a,b\r\n1,2\r\n")
    with read_input(path) as table:
        # read in place: the engines get a symlink to the file itself, not a copy
        assert table.path.resolve() == path.resolve() and table.labels == ["a", "b"]


def test_completeness_against_a_set(tmp_path: Path):
    report = validate_file(VALID, indicator_set="hertfordshire-kpi")
    missing = {i.cell for i in report.issues if i.code == "set-indicator-missing"}
    assert "family_police_domestic_abuse_rate" in missing and "cla_rate_31mar" not in missing
    assert report.valid  # warnings only
    strict = validate_file(VALID, indicator_set="hertfordshire-kpi", require_complete=True)
    assert not strict.valid and strict.exit_code == 1
    # a place missing one indicator in a period it reports others for
    lines = VALID.read_text(encoding="utf-8").splitlines()
    dropped = [l for l in lines if not (",Hertfordshire,cla_starts_rate," in l)]
    path = tmp_path / "gap.csv"
    path.write_text("\n".join(dropped) + "\n", encoding="utf-8")
    gaps = [i.message for i in validate_file(path, indicator_set="dfe-national").issues if i.code == "set-row-missing"]
    # DfE's placeholder rows for two abolished counties create no expectation: their codes
    # were not in force on 31 March 2025
    assert gaps == ["no Total row for cla_starts_rate, Hertfordshire, 2025"]


def test_named_framework_version_is_used_and_reported(cli):
    import json

    out = cli("validate", str(VALID), "--framework-version", "1.0.0", "--format", "json")
    assert out.returncode == 0 and json.loads(out.stdout)["meta"]["framework_version"] == "1.0.0"


def test_header_only_return_is_valid_with_a_warning(tmp_path: Path):
    path = tmp_path / "empty.csv"
    path.write_text(VALID.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    report = validate_file(path)
    assert report.valid and _flat(report) == [[2, None, "no-rows"]]


def test_completeness_finds_a_missing_period_for_one_place(tmp_path: Path):
    """A multi-year return (DfE's CLA file, harmonised) missing Hertfordshire's 2024 figures."""
    from csc_outcomes.harmonise.engine import harmonise

    out = tmp_path / "cla.csv"
    harmonise(ROOT / "tests" / "data" / "dfe" / "cla_number_and_rate_per_10k_children.csv",
              ROOT / "mappings" / "dfe" / "cla-number-and-rate.yaml", out)
    assert not [i for i in validate_file(out, indicator_set="dfe-national").issues if i.code == "set-row-missing"]
    lines = out.read_text(encoding="utf-8").splitlines()
    gap = tmp_path / "gap.csv"
    gap.write_text("\n".join(l for l in lines if not l.startswith("2024,") or ",Hertfordshire," not in l) + "\n",
                   encoding="utf-8")
    gaps = sorted(i.message for i in validate_file(gap, indicator_set="dfe-national").issues
                  if i.code == "set-row-missing")
    assert gaps == [f"no Total row for {i}, Hertfordshire, 2024" for i in
                    ("cla_ceased_rate", "cla_rate_31mar", "cla_starts_rate")]


def test_a_return_too_large_for_memory_gets_the_same_report_from_a_work_database(tmp_path: Path, monkeypatch):
    """A return whose text would outgrow DuckDB's memory as a table is held in a private, compressed
    database file instead (bounded memory at millions of rows). Where it is held changes nothing
    a user sees: the same issues, counts and rows, on a file with every kind of problem; and the
    work database is gone afterwards, never beside the user's file."""
    import tempfile

    from csc_outcomes.validators import validate as V

    path = tmp_path / "national.csv"
    national_generator().generate(path, 3000, error_rate=0.3, seed=11)
    with open(path, "a", encoding="utf-8", newline="") as f:  # short, blank and broken rows too
        f.write("2025,Reporting year\n,\n\n" + '2025,"Reporting year,National\n')
    in_memory = validate_file(path)
    monkeypatch.setattr(V, "IN_MEMORY_TEXT", 0)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    on_disk = validate_file(path)
    listed = [(i.row, i.field, i.code, i.message, i.cell) for i in in_memory.issues]
    assert listed == [(i.row, i.field, i.code, i.message, i.cell) for i in on_disk.issues]
    assert len(listed) > 500 and in_memory.tasks[0].more == on_disk.tasks[0].more
    assert in_memory.tasks[0].stats == on_disk.tasks[0].stats
    assert list((tmp_path / "tmp").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["national.csv", "tmp"]
