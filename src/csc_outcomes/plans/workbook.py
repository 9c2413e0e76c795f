"""The plan as a workbook, for someone who does not write YAML: written by `plan new`, read
back by `plan check` and `plan coverage`.

One layout serves both directions (`PLAN_FIELDS`, `OUTCOME_COLUMNS`, `LOCAL_COLUMNS`, the
theory-of-change stages and the audit conditions), so a template and its reader cannot drift.
Drop-downs show a code beside its name ("cla_rate_31mar: Children looked after..."); the reader
keeps what stands before the first ": ".
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

from csc_outcomes.catalogue import Catalogue

PLAN_FIELDS: tuple[tuple[str, str], ...] = (
    ("id", "A short identifier for the plan: lower case, words joined by hyphens (e.g. edge-of-care-2026)."),
    ("project", "The project's name."),
    ("organisation", "Who runs the innovation."),
    ("intervention", "What is being tried, in a sentence or two."),
    ("start_date", "When the innovation starts (a date)."),
    ("end_date", "When the innovation and its evaluation end (a date; may be blank)."),
    ("registered_on", "The date the plan is registered: before the work starts."),
    ("plan_version", "The plan's version, e.g. 1.0.0; a changed plan is a new version."),
    ("framework_version", "The version of the standard the indicators are taken from."),
    ("audit_completed_on", "When the service self-audit (sheet 'Service audit') was done; blank if not done."),
)
STAGES: tuple[tuple[str, str], ...] = (
    ("where_we_are_now", "Where are we now?"),
    ("activities", "Activity"),
    ("milestones", "Milestone"),
    ("outcomes", "Outcome"),
    ("where_we_want_to_be", "Where do we want to be?"),
)
SINGLE_STAGES = {"where_we_are_now", "where_we_want_to_be"}
OUTCOME_COLUMNS: tuple[tuple[str, str], ...] = (
    ("key", "A short identifier of the outcome in this plan (lower-case-with-hyphens); results point at it."),
    ("outcome", "The outcome, from the list (framework, identifier and name)."),
    ("role", "primary or secondary."),
    ("indicator", "The standard's indicator that will measure it, from the list; blank for a local measure."),
    ("indicator_version", "Only where it differs from the plan's framework version."),
    ("population", "Whose outcome it is."),
    ("comparisons", "Any of: own_history; statistical_neighbours; region; national; comparison_group."),
    ("baseline_period", "Period of the baseline figure (YYYY or YYYYZZ)."),
    ("baseline_value", "The baseline figure."),
    ("target_period", "Period of the target."),
    ("target_value", "The target figure."),
    ("measured_at", "Periods at which it will be measured, separated by ; (e.g. 2026; 2027)."),
)
# a local measure has the fields of an indicator; these columns carry the ones a plan needs
LOCAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("local_id", "Local measure: identifier (lower_case_with_underscores)."),
    ("local_name", "Local measure: name."),
    ("local_definition", "Local measure: what is measured, precisely."),
    ("local_measure_type", "Local measure: count, percentage, proportion, rate, mean, ..."),
    ("local_numerator", "Local measure: what is counted."),
    ("local_numerator_source", "Local measure: the data source of the numerator, from the list."),
    ("local_denominator", "Local measure: what it is divided by (blank for a count)."),
    ("local_denominator_source", "Local measure: the data source of the denominator."),
    ("local_multiplier", "Local measure: 100 for a percentage, 10000 for a rate per 10,000."),
    ("local_unit", "Local measure: the unit as a reader sees it."),
    ("local_decimal_places", "Local measure: decimal places published."),
    ("local_period_kind", "Local measure: snapshot, flow, cohort or rolling."),
    ("local_year_convention", "Local measure: reporting_year, financial_year, academic_year, ..."),
    ("local_reference_date", "Local measure: the day the period ends or the snapshot is taken, as --MM-DD."),
    ("local_direction", "Local measure: increase, decrease or none (the direction hoped for)."),
    ("local_caveat", "Local measure: how to read it, and how not to."),
)
AUDIT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("condition", "The condition for using data well."),
    ("what_happens_now", "What happens now."),
    ("what_needs_to_happen", "What needs to happen."),
    ("how_it_will_progress", "How it will be progressed, by whom and when."),
)
SEPARATOR = ";"


class WorkbookError(Exception):
    """The workbook cannot be read as a plan (exit 2)."""


def _code(value: Any) -> str | None:
    """What a drop-down cell means: the code before ': '."""
    if value is None:
        return None
    text = str(value).strip()
    return text.split(": ", 1)[0].strip() or None if text else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _number(value: Any) -> float | int | str | None:
    text = _text(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        return text  # left for the schema check to report
    return int(number) if number.is_integer() else number


def _list(value: Any) -> list[str]:
    text = _text(value)
    return [part.strip() for part in text.split(SEPARATOR) if part.strip()] if text else []


def _rows(sheet: list[list[Any]], columns: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    """Rows below the header, as dicts by column name; the header row is found by its first name."""
    names = [c for c, _ in columns]
    start = next((i for i, row in enumerate(sheet) if row and _text(row[0]) == names[0]), None)
    if start is None:
        raise WorkbookError(f"no header row starting with '{names[0]}'")
    header = [_text(c) for c in sheet[start]]
    out = []
    helps = [h for _, h in columns]
    for row in sheet[start + 1:]:
        if [_text(c) for c in row[:2]] == [_text(h) for h in helps[:2]]:
            continue  # the template's row of help under the header
        record = {name: row[header.index(name)] if name in header and header.index(name) < len(row) else None
                  for name in names}
        if any(_text(v) is not None for v in record.values()):
            out.append(record)
    return out


def _local_measure(row: dict[str, Any]) -> dict[str, Any] | None:
    if not any(_text(row.get(c)) for c, _ in LOCAL_COLUMNS):
        return None
    measure: dict[str, Any] = {
        "id": _text(row.get("local_id")), "version": "0.1.0", "status": "draft", "evidence": "unconfirmed",
        "name": _text(row.get("local_name")), "definition": _text(row.get("local_definition")),
        "measure_type": _text(row.get("local_measure_type")), "unit": _text(row.get("local_unit")),
        "decimal_places": _number(row.get("local_decimal_places")), "rounding": "half_up",
        "period": {k: v for k, v in (("kind", _text(row.get("local_period_kind"))),
                                     ("year_convention", _text(row.get("local_year_convention"))),
                                     ("reference_date", _text(row.get("local_reference_date")))) if v},
        "data_sources": sorted({s for s in (_code(row.get("local_numerator_source")),
                                            _code(row.get("local_denominator_source"))) if s}),
        "interpretation": {k: v for k, v in (("hoped_for_direction", _text(row.get("local_direction"))),
                                             ("caveat", _text(row.get("local_caveat")))) if v},
    }
    if _text(row.get("local_numerator")):
        measure["numerator"] = {"description": _text(row.get("local_numerator")),
                                "source": _code(row.get("local_numerator_source"))}
    if _text(row.get("local_denominator")):
        measure["denominator"] = {"description": _text(row.get("local_denominator")),
                                  "source": _code(row.get("local_denominator_source"))}
    if _number(row.get("local_multiplier")) is not None:
        measure["multiplier"] = _number(row.get("local_multiplier"))
    return {k: v for k, v in measure.items() if v not in (None, {}, [])}


def _figure(row: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    period, value = _text(row.get(f"{prefix}_period")), _number(row.get(f"{prefix}_value"))
    if period is None and value is None:
        return None
    return {k: v for k, v in (("period", period), ("value", value)) if v is not None}


def read_workbook(path: Path) -> dict[str, Any]:
    """The plan document (the shape of EvaluationPlan) a filled-in workbook holds."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every unreadable file
        raise WorkbookError(f"cannot read {path} as a workbook: {exc}") from exc
    sheets = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    for needed in ("Plan", "Theory of change", "Outcomes"):
        if needed not in sheets:
            raise WorkbookError(f"{path} has no sheet '{needed}' (start from `csc-outcomes plan new --output plan.xlsx`)")
    fields = {_text(r[0]): r[1] if len(r) > 1 else None for r in sheets["Plan"] if r and _text(r[0])}
    plan: dict[str, Any] = {name: _text(fields.get(name)) for name, _ in PLAN_FIELDS if name != "audit_completed_on"}
    plan = {k: v for k, v in plan.items() if v is not None}

    toc: dict[str, Any] = {}
    labels = {label: stage for stage, label in STAGES}
    for row in _rows(sheets["Theory of change"], (("stage", ""), ("description", ""), ("evidence", ""))):
        stage = labels.get(_text(row["stage"]) or "", _text(row["stage"]))
        step = {"description": _text(row["description"]), "evidence": _list(row["evidence"])}
        step = {k: v for k, v in step.items() if v}
        if stage in SINGLE_STAGES:
            toc[stage] = step
        else:
            toc.setdefault(stage or "(no stage)", []).append(step)
    plan["theory_of_change"] = toc

    outcomes = []
    for row in _rows(sheets["Outcomes"], OUTCOME_COLUMNS + LOCAL_COLUMNS):
        framework_outcome = _code(row["outcome"]) or ""
        framework, _, outcome = framework_outcome.partition(" ")
        planned: dict[str, Any] = {
            "key": _text(row["key"]), "framework": framework or None, "outcome": outcome.strip() or None,
            "role": _text(row["role"]), "indicator": _code(row["indicator"]),
            "indicator_version": _text(row["indicator_version"]), "population": _text(row["population"]),
            "comparisons": _list(row["comparisons"]), "baseline": _figure(row, "baseline"),
            "target": _figure(row, "target"), "measured_at": _list(row["measured_at"]),
            "local_measure": _local_measure(row),
        }
        outcomes.append({k: v for k, v in planned.items() if v not in (None, [])})
    plan["planned_outcomes"] = outcomes

    completed = _text(fields.get("audit_completed_on"))
    if completed and "Service audit" in sheets:
        conditions = []
        for row in _rows(sheets["Service audit"], AUDIT_COLUMNS):
            entry = {name: _code(row[name]) if name == "condition" else _text(row[name]) for name, _ in AUDIT_COLUMNS}
            conditions.append({k: v for k, v in entry.items() if v})
        plan["audit"] = {"organisation": plan.get("organisation"), "completed_on": completed, "conditions": conditions}
    return plan


def write_workbook(catalogue: Catalogue, members: list[str], outcomes: dict[str, dict[str, str]],
                   condition_labels: dict[str, str]) -> bytes:
    """A blank plan workbook with drop-downs of the outcomes and indicators of `members`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from openpyxl.utils import get_column_letter

    def _column(index: int) -> str:
        return get_column_letter(index + 1)

    bold = Font(bold=True)
    book = Workbook()
    lists = book.create_sheet("Lists")
    lists.sheet_state = "hidden"
    list_values = {
        "outcome": [f"{fw} {key}: {name}" for fw, named in sorted(outcomes.items()) for key, name in named.items()],
        "role": ["primary", "secondary"],
        "indicator": [f"{i}: {catalogue.indicators[i]['name']}" for i in members],
        "stage": [label for _, label in STAGES],
        "source": [f"{s}: {d.get('name', s)}" for s, d in sorted(catalogue.data_sources.items())],
        "condition": [f"{k}: {v}" for k, v in condition_labels.items()],
    }
    ranges = {}
    for i, (name, values) in enumerate(list_values.items()):
        col = _column(i)
        lists.cell(1, i + 1, name)
        for r, v in enumerate(values, start=2):
            lists.cell(r, i + 1, v)
        ranges[name] = f"=Lists!${col}$2:${col}${len(values) + 1}"

    def drop_down(sheet: Any, list_name: str, cells: str) -> None:
        validation = DataValidation(type="list", formula1=ranges[list_name], allow_blank=True,
                                    showErrorMessage=True, error="Choose a value from the list.")
        validation.add(cells)
        sheet.add_data_validation(validation)

    plan = book.active
    plan.title = "Plan"
    plan.append(["field", "value", "what to write"])
    for cell in plan[1]:
        cell.font = bold
    for name, help_text in PLAN_FIELDS:
        plan.append([name, catalogue.version if name == "framework_version" else None, help_text])
    plan.column_dimensions["A"].width = 22
    plan.column_dimensions["B"].width = 40
    plan.column_dimensions["C"].width = 90
    for row in range(2, len(PLAN_FIELDS) + 2):
        plan.cell(row, 2).number_format = "@"

    toc = book.create_sheet("Theory of change")
    toc.append(["stage", "description", "evidence"])
    for cell in toc[1]:
        cell.font = bold
    for _, label in STAGES:
        toc.append([label, None, None])
    drop_down(toc, "stage", "A2:A200")
    toc.column_dimensions["A"].width = 26
    toc.column_dimensions["B"].width = 70
    toc.column_dimensions["C"].width = 60

    sheet = book.create_sheet("Outcomes")
    columns = OUTCOME_COLUMNS + LOCAL_COLUMNS
    sheet.append([c for c, _ in columns])
    sheet.append([h for _, h in columns])
    for cell in sheet[1]:
        cell.font = bold
    for cell in sheet[2]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B3"
    names = [c for c, _ in columns]
    for name, list_name in (("outcome", "outcome"), ("role", "role"), ("indicator", "indicator"),
                            ("local_numerator_source", "source"), ("local_denominator_source", "source")):
        col = _column(names.index(name))
        drop_down(sheet, list_name, f"{col}3:{col}200")
    for i, name in enumerate(names):
        sheet.column_dimensions[_column(i)].width = 40 if name in ("outcome", "indicator") else 18
        if name in ("key", "indicator_version", "baseline_period", "target_period", "measured_at",
                    "local_reference_date"):
            for row in range(3, 201):
                sheet.cell(row, i + 1).number_format = "@"
    audit = book.create_sheet("Service audit")
    audit.append([c for c, _ in AUDIT_COLUMNS])
    for cell in audit[1]:
        cell.font = bold
    for key, label in condition_labels.items():
        audit.append([f"{key}: {label}", None, None, None])
    drop_down(audit, "condition", "A2:A50")
    for i, width in enumerate((60, 50, 50, 50)):
        audit.column_dimensions[_column(i)].width = width
    book.move_sheet("Lists", offset=len(book.sheetnames))
    raw = io.BytesIO()
    book.save(raw)
    return raw.getvalue()
