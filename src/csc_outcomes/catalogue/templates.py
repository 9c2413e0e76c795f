"""Return templates an analyst fills in: a CSV header, and an XLSX workbook made for Excel.

The XLSX has:
- Return: the header row, a drop-down on every code-listed column; the name columns
  (`la_name`, `region_name`, `country_name`) offer names, the code columns codes in the order of
  their names. Lists depend on the row: once `la_name` is picked, `new_la_code` offers that
  authority's code(s) and `old_la_code` the old code of the chosen `new_la_code` (OFFSET/MATCH
  over the Authorities sheet); `breakdown` offers the codes of the row's breakdown topic
  (INDIRECT over one named range per topic). Code and period columns
  are formatted as text, so Excel keeps `805` and `2025` as typed; a prompt on each column says
  what goes in it.
- Instructions: plain English, no command line needed to read it.
- Indicators and Authorities: every indicator with its name, unit and period, and every local
  authority with its codes and region, so the names are beside the codes.
- Lists (hidden): the lists the drop-downs read.
No formulas are written in the rows to fill: an empty row stays empty. Zip entries get a fixed
timestamp so that two builds give identical bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from csc_outcomes.report.context import column_letter

FIXED = (1980, 1, 1, 0, 0, 0)
# the columns Excel must not turn into numbers (805, 2025) or dates
TEXT_COLUMNS = ("time_period", "country_code", "region_code", "new_la_code", "old_la_code", "indicator_id",
                "breakdown_topic", "breakdown")
NAME_OF_CODE = {"country_name": "countries", "region_name": "regions", "la_name": "local-authorities"}


def csv_template(table_schema: dict[str, Any]) -> str:
    return ",".join(f["name"] for f in table_schema["fields"]) + "\r\n"


def _range_name(topic: str) -> str:
    return "bd_" + re.sub(r"[^A-Za-z0-9]", "_", topic)


def _topics(catalogue: Any) -> dict[str, list[str]]:
    """Each breakdown topic and its codes: Total/Total, then what the indicators declare."""
    topics: dict[str, list[str]] = {"Total": ["Total"]}
    for indicator in catalogue.indicators.values():
        for d in indicator.get("disaggregations") or []:
            codes = [str(c["code"]) for c in catalogue.code_lists[d["code_list"]]["codes"]]
            topics.setdefault(d["topic"], codes)
    return topics


def _prompts(catalogue: Any) -> dict[str, str]:
    symbols = "c suppressed, k rounds to zero, x not available, z not applicable, u low reliability"
    return {
        "time_period": "Year the figure is for: 2025, or 202425 for an academic or financial year. Typed as text.",
        "time_identifier": "Reporting year (to 31 March), Financial year, Academic year or Calendar year: "
                           "the one the indicator's period uses (Indicators sheet).",
        "geographic_level": "Local authority, Regional or National.",
        "country_code": "E92000001 (England) on every row.",
        "region_code": "The region's code; blank on National rows. Names on the Authorities sheet.",
        "region_name": "The region's name; blank on National rows.",
        "new_la_code": "The authority's 9-character code (E10000015 is Hertfordshire). Pick the name in la_name "
                       "first: this list then offers that authority's code.",
        "old_la_code": "The authority's 3-digit DfE code (919 for Hertfordshire), typed as text. The list offers "
                       "the old code of the authority in new_la_code.",
        "la_name": "The authority's name, as the Authorities sheet spells it.",
        "indicator_id": "The indicator's id; the Indicators sheet lists each with its name and unit.",
        "breakdown_topic": "Total, or a breakdown the indicator declares (Indicators sheet).",
        "breakdown": "Total, or a code of the breakdown topic chosen on this row (the list follows the topic).",
        "numerator": f"A number, or a symbol where there is none: {symbols}.",
        "denominator": f"A number, or a symbol: {symbols}.",
        "value": f"The figure, at the indicator's decimal places, or a symbol: {symbols}.",
    }


def xlsx_template(table_schema: dict[str, Any], catalogue: Any, rows: int = 10_000) -> bytes:
    import datetime

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    framework = catalogue.framework
    book = Workbook()
    sheet = book.active
    sheet.title = "Return"
    fields = table_schema["fields"]
    sheet.append([f["name"] for f in fields])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3F2F1")
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("Instructions")
    indicators_sheet = book.create_sheet("Indicators")
    places_sheet = book.create_sheet("Authorities")
    lists = book.create_sheet("Lists")
    lists.sheet_state = "hidden"

    listed = 0

    def add_list(title: str, values: list[str]) -> str:
        """Write a list on the Lists sheet; return its absolute range."""
        nonlocal listed
        col = column_letter(listed)
        lists.cell(1, listed + 1, title)
        for r, value in enumerate(values, start=2):
            lists.cell(r, listed + 1, value).data_type = "s"
        listed += 1
        return f"Lists!${col}$2:${col}${len(values) + 1}"

    position = {f["name"]: i for i, f in enumerate(fields)}
    prompts = _prompts(catalogue)
    place_names = {name: {str(c["code"]): c.get("label") or str(c["code"])
                          for c in catalogue.code_lists[code_list]["codes"]}
                   for name, code_list in NAME_OF_CODE.items()}
    topics = _topics(catalogue)
    # the Authorities sheet, in name order: the dependent code lists below look names up in it
    authorities = sorted(catalogue.code_lists["local-authorities"]["codes"],
                         key=lambda c: ((c.get("label") or "").lower(), str(c["code"])))
    last = len(authorities) + 1
    col = {n: f"${column_letter(position[n])}2" for n in ("la_name", "new_la_code") if n in position}

    def follows(key: str, key_range: str, value_column: str, whole: str) -> str:
        """The values of `value_column` on the Authorities rows whose `key_range` equals this row's
        `key` cell (a name can have two codes, before and after a boundary change); every value
        while `key` is blank."""
        return (f'IF({key}="",{whole},OFFSET(Authorities!${value_column}$1,'
                f'MATCH({key},Authorities!${key_range}$2:${key_range}${last},0),0,'
                f'COUNTIF(Authorities!${key_range}$2:${key_range}${last},{key}),1))')

    def validate(name: str, formula: str, required: bool, error: str, style: str = "stop") -> None:
        letter = column_letter(position[name])
        rule = DataValidation(type="list", formula1=formula, allow_blank=not required, showErrorMessage=True,
                              errorStyle=style, errorTitle=name, error=error, showInputMessage=True,
                              promptTitle=name, prompt=prompts.get(name, "")[:255])
        rule.add(f"{letter}2:{letter}{rows + 1}")
        sheet.add_data_validation(rule)

    for f in fields:
        name = f["name"]
        letter = column_letter(position[name])
        sheet.column_dimensions[letter].width = max(13, len(name) + 3)
        if name in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
        constraints = f.get("constraints") or {}
        required = bool(constraints.get("required"))
        values = constraints.get("enum")
        if name == "breakdown":
            validate(name, f'INDIRECT("bd_"&SUBSTITUTE(SUBSTITUTE(${column_letter(position["breakdown_topic"])}2,"-","_")," ","_"))',
                     required, "Choose a code of this row's breakdown topic (Total for Total).")
        elif name == "new_la_code" and "la_name" in col:
            # pick the name in la_name: this list then offers that authority's code(s) only
            whole = add_list(name, [str(v) for v in sorted(values, key=lambda v: (
                place_names["la_name"].get(v, v).lower(), v))])
            validate(name, follows(col["la_name"], "A", "B", whole), required,
                     "Not a code of the authority named in la_name (Authorities sheet).", "warning")
        elif name == "old_la_code" and "new_la_code" in col:
            validate(name, follows(col["new_la_code"], "B", "C", f"Authorities!$C$2:$C${last}"), required,
                     "Not the old code of the authority in new_la_code (Authorities sheet).", "warning")
        elif values:
            names = place_names.get({"new_la_code": "la_name", "region_code": "region_name",
                                     "country_code": "country_name"}.get(name, ""), {})
            ordered = sorted(values, key=lambda v: (names.get(v, v).lower(), v)) if names else values
            validate(name, add_list(name, [str(v) for v in ordered]), required,
                     f"Choose a value from the list for {name}.")
        elif name in place_names:
            labels = sorted(set(place_names[name].values()), key=str.lower)
            validate(name, add_list(name, labels), required,
                     f"Choose the name from the list for {name} (as the Authorities sheet spells it).")
        elif name in prompts:
            rule = DataValidation(showInputMessage=True, promptTitle=name, prompt=prompts[name][:255])
            rule.add(f"{letter}2:{letter}{rows + 1}")
            sheet.add_data_validation(rule)
    for topic, codes in topics.items():
        ref = add_list(f"breakdown: {topic}", codes)
        book.defined_names[_range_name(topic)] = DefinedName(_range_name(topic), attr_text=ref)

    # the names beside the codes, on sheets an analyst can read and search
    indicators_sheet.append(["indicator_id", "name", "unit", "period", "time_identifier", "breakdowns", "status"])
    from csc_outcomes.catalogue.conventions import TIME_IDENTIFIER

    for ind in sorted(catalogue.indicators.values(), key=lambda i: i["id"]):
        period = ind.get("period") or {}
        indicators_sheet.append([ind["id"], ind.get("name", ""), ind.get("unit", ""),
                                 f"{period.get('kind', '')}, {period.get('year_convention', '').replace('_', ' ')}",
                                 TIME_IDENTIFIER.get(period.get("year_convention", ""), ("",))[0],
                                 ", ".join(["Total", *(d["topic"] for d in ind.get("disaggregations") or [])]),
                                 ind.get("status", "")])
    places_sheet.append(["la_name", "new_la_code", "old_la_code", "region_code", "region_name", "valid_from",
                         "valid_to"])
    regions = place_names["region_name"]
    for code in authorities:
        places_sheet.append([code.get("label"), str(code["code"]), str(code.get("legacy_code") or ""),
                             str(code.get("parent") or ""), regions.get(str(code.get("parent") or ""), ""),
                             str(code.get("valid_from") or ""), str(code.get("valid_to") or "")])
    for ref_sheet, widths in ((indicators_sheet, (34, 80, 30, 30, 16, 40, 10)),
                              (places_sheet, (34, 14, 12, 12, 26, 12, 12))):
        for cell in ref_sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="F3F2F1")
        for i, width in enumerate(widths):
            ref_sheet.column_dimensions[column_letter(i)].width = width
        ref_sheet.freeze_panes = "A2"
        ref_sheet.auto_filter.ref = ref_sheet.dimensions

    _instructions(notes, framework, fields, prompts)
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        # spreadsheet programs do not always grow a row to its wrapped text: give it the height
        longest = max((len(str(c.value or "")) for c in row[1:2]), default=0)
        if longest > 100:
            notes.row_dimensions[row[0].row].height = 15 * (longest // 100 + 1)
    for printed in (sheet, notes, indicators_sheet, places_sheet):  # printed: landscape, one page wide
        printed.page_setup.orientation = "landscape"
        printed.page_setup.fitToWidth = 1
        printed.page_setup.fitToHeight = 0
        printed.sheet_properties.pageSetUpPr.fitToPage = True
    stamp = datetime.datetime.fromisoformat(str(framework.get("release_date") or "2000-01-01"))
    book.properties.creator = framework.get("publisher", "")
    book.properties.created = book.properties.modified = stamp
    raw = io.BytesIO()
    book.save(raw)
    return _fixed_zip(raw.getvalue(), stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _instructions(notes: Any, framework: dict[str, Any], fields: list[dict[str, Any]], prompts: dict[str, str]) -> None:
    from openpyxl.styles import Font

    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 110
    notes.append([f"{framework['name']}: return template, version {framework['version']}"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append([])
    steps = [
        ("What this is", "A return of figures for the common outcome measures: one row for each period, place, "
                         "indicator and breakdown. Fill the Return sheet, one figure per row."),
        ("Step 1", "On the Return sheet, choose from the drop-down lists where a column has one. Pick the "
                   "authority's name in la_name first: the new_la_code list then offers that authority's code, "
                   "and the old_la_code list its old 3-digit code (the Authorities sheet lists them all, with "
                   "the region)."),
        ("Step 2", "Choose the indicator in indicator_id. The Indicators sheet gives each one's name, unit and "
                   "the time identifier its period uses."),
        ("Step 3", "For a figure for the whole population, put Total in breakdown_topic and in breakdown. For a "
                   "breakdown (sex, age group, ...), choose the topic first: the breakdown list then offers only "
                   "that topic's codes."),
        ("Step 4", "Type the numerator, denominator and value as numbers. Where there is no number, use a "
                   "symbol: c suppressed, k rounds to zero, x not available, z not applicable, u low reliability."),
        ("Step 5", "Save as .xlsx (keep the sheet named Return), or as 'CSV UTF-8'."),
        ("Codes stay text", "The code and year columns are formatted as text, so 805 and 2025 are kept exactly "
                            "as typed. If you paste into them, use Paste Special > Values."),
        ("Definitions", "Every indicator's full definition (who is counted, the period, the source, caveats) is "
                        "in the catalogue published with this version: docs/indicators/<indicator_id>.md in the "
                        "release, and the project's documentation site."),
        ("Checking the file", "Before you send it, have it checked against this version of the standard. A "
                              "browser checker that needs no installation, and sends nothing anywhere, is being "
                              "built; until it is published, whoever looks after your data tools can run the "
                              "check for you (the csc-outcomes validator), or check its structure with the "
                              "free Frictionless tools and the Data Package published with this version."),
        ("Rows and columns", "Every report names the problems by row number and column letter as Excel shows them, "
                             "with the authority and the indicator of the row."),
    ]
    for title, text in steps:
        notes.append([title, text])
        notes.cell(notes.max_row, 1).font = Font(bold=True)
    notes.append([])
    notes.append(["Column", "What it holds"])
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
    for f in fields:
        required = (f.get("constraints") or {}).get("required")
        text = prompts.get(f["name"]) or f.get("description", "")
        notes.append([f["name"], text + (" Required on every row." if required else "")])


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
