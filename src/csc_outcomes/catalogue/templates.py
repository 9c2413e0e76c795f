"""Return templates an analyst fills in: a CSV header, and an XLSX with drop-down lists.

The XLSX has the return sheet (header row, drop-downs on every code-listed column, read from a
hidden sheet of lists so long lists such as local authorities fit), an instructions sheet, and
the lists. Zip entries get a fixed timestamp so that two builds give identical bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

FIXED = (1980, 1, 1, 0, 0, 0)


def csv_template(table_schema: dict[str, Any]) -> str:
    return ",".join(f["name"] for f in table_schema["fields"]) + "\r\n"


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def xlsx_template(table_schema: dict[str, Any], framework: dict[str, Any], rows: int = 10_000) -> bytes:
    import datetime

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "Return"
    fields = table_schema["fields"]
    sheet.append([f["name"] for f in fields])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    lists = book.create_sheet("Lists")
    lists.sheet_state = "hidden"
    listed = 0
    for i, f in enumerate(fields):
        sheet.column_dimensions[_column(i)].width = max(12, len(f["name"]) + 2)
        values = (f.get("constraints") or {}).get("enum")
        if not values:
            continue
        col = _column(listed)
        lists.cell(1, listed + 1, f["name"])
        for r, v in enumerate(values, start=2):
            lists.cell(r, listed + 1, v)
        validation = DataValidation(type="list", formula1=f"=Lists!${col}$2:${col}${len(values) + 1}",
                                    allow_blank=not (f.get("constraints") or {}).get("required"),
                                    showErrorMessage=True, errorTitle=f"{f['name']}",
                                    error=f"Choose a value from the list for {f['name']}.")
        validation.add(f"{_column(i)}2:{_column(i)}{rows + 1}")
        sheet.add_data_validation(validation)
        listed += 1
    notes = book.create_sheet("Instructions")
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 110
    notes.append([f"{framework['name']}: return template, framework version {framework['version']}"])
    notes["A1"].font = Font(bold=True)
    notes.append([])
    for line in (
        "One row per period, place, indicator and breakdown. Fill the Return sheet; save as .xlsx or CSV UTF-8.",
        "Check it before you send it: csc-outcomes validate your-return.xlsx --sheet Return",
        "Where there is no number, use a GSS symbol: c suppressed, k rounds to zero, x not available, "
        "z not applicable, u low reliability.",
        "Code-listed columns have drop-down lists. Rows are numbered as Excel shows them in every report.",
    ):
        notes.append(["", line])
    notes.append([])
    notes.append(["column", "what it holds"])
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
    for f in fields:
        notes.append([f["name"], f.get("description", "")])
    stamp = datetime.datetime.fromisoformat(str(framework.get("release_date") or "2000-01-01"))
    book.properties.creator = framework.get("publisher", "")
    book.properties.created = book.properties.modified = stamp
    raw = io.BytesIO()
    book.save(raw)
    return _fixed_zip(raw.getvalue(), stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _fixed_zip(data: bytes, stamp: str) -> bytes:
    """The same archive with every timestamp fixed (openpyxl stamps 'modified' with the time of
    saving, and zip entries with the time of writing): identical bytes from identical input."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            info = zipfile.ZipInfo(item.filename, date_time=FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            zout.writestr(info, content)
    return out.getvalue()
