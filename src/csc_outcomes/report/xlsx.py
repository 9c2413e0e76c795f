"""The report as a workbook an analyst sorts and filters in Excel: a Summary sheet (verdict,
counts, problems by authority, by indicator and by check) and a Problems sheet, one row per
listed problem with its place and context, under an autofilter.

Every value from the return is written as text, never as a formula: a cell such as
`=HYPERLINK(...)` in a return must not become live in the report.
"""

from __future__ import annotations

import io
from typing import Any

from csc_outcomes.report.model import Report, Severity

PROBLEM_COLUMNS = [
    ("File", "file", 28), ("Row", "row", 7), ("Column", "column", 8), ("Field", "field", 16),
    ("Authority", "authority", 24), ("Authority code", "authority_code", 13), ("Indicator", "indicator_id", 26),
    ("Indicator name", "indicator_name", 40), ("Severity", "severity", 9), ("Check", "type", 26),
    ("Problem", "message", 70), ("Cell", "cell", 20), ("What to do", "hint", 60),
]


def _put(sheet: Any, row: int, column: int, value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = sheet.cell(row=row, column=column)
    if value is None:
        return cell
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # control characters cannot be stored in XLSX
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text, even when it starts with '='
    return cell


def _table(sheet: Any, top: int, title: str, header: list[str], rows: list[list[Any]]) -> int:
    from openpyxl.styles import Font, PatternFill

    _put(sheet, top, 1, title).font = Font(bold=True, size=12)
    for c, name in enumerate(header, start=1):
        cell = _put(sheet, top + 1, c, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3F2F1")
    for r, values in enumerate(rows, start=top + 2):
        for c, value in enumerate(values, start=1):
            _put(sheet, r, c, value)
    return top + 2 + len(rows) + 1


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    meta = report.meta
    _put(summary, 1, 1, f"{meta.get('title', 'csc-outcomes report')}: {'VALID' if report.valid else 'INVALID'}").font = \
        Font(bold=True, size=14, color="00703C" if report.valid else "D4351C")
    facts = [(k.replace("_", " "), str(v)) for k, v in meta.items() if k != "title"]
    facts += [("errors", report.count(Severity.ERROR)), ("warnings", report.count(Severity.WARNING)),
              ("rows", sum(int(t.stats.get("rows") or 0) for t in report.tasks))]
    for r, (key, value) in enumerate(facts, start=3):
        _put(summary, r, 1, key).font = Font(bold=True)
        _put(summary, r, 2, value)
    top = 3 + len(facts) + 1
    _put(summary, top, 1, "Rows are numbered and columns lettered as a spreadsheet shows them (the header is row 1). "
                          "Cells are shortened: this report locates problems and does not copy records.")
    top += 2
    for by, title, first in (("authority", "Problems by authority", "Authority"),
                             ("indicator", "Problems by indicator", "Indicator"),
                             ("type", "Problems by check", "Check")):
        entries = report.summary(by)
        rows = [[e["key"] if e["key"] is not None else "(none: header or whole file)", e["name"],
                 e["errors"], e["warnings"]] for e in entries]
        top = _table(summary, top, title, [first, "Name", "Errors", "Warnings"], rows)
    for column, width in zip("ABCD", (30, 70, 10, 10)):
        summary.column_dimensions[column].width = width

    problems = book.create_sheet("Problems")
    for c, (name, _, width) in enumerate(PROBLEM_COLUMNS, start=1):
        cell = _put(problems, 1, c, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3F2F1")
        problems.column_dimensions[get_column_letter(c)].width = width
    r = 1
    for task in report.tasks:
        for issue in sorted(task.issues, key=lambda i: (i.row is None, i.row or 0, i.column or "", i.code)):
            r += 1
            record = {**issue.to_dict(), "file": issue.file or task.name}
            for c, (_, key, _) in enumerate(PROBLEM_COLUMNS, start=1):
                _put(problems, r, c, record.get(key))
    problems.freeze_panes = "A2"
    problems.auto_filter.ref = f"A1:{get_column_letter(len(PROBLEM_COLUMNS))}{max(r, 2)}"
    unlisted = {code: n for t in report.tasks for code, n in t.more.items()}
    if unlisted:
        _put(problems, r + 2, 1, "Not listed (counted only): " + ", ".join(f"{c} x{n:,}" for c, n in sorted(unlisted.items())))
    for printed in (summary, problems):  # printed: landscape, one page wide
        printed.page_setup.orientation = "landscape"
        printed.page_setup.fitToWidth = 1
        printed.page_setup.fitToHeight = 0
        printed.sheet_properties.pageSetUpPr.fitToPage = True
    problems.print_title_rows = "1:1"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
