"""The reference engine: frictionless-py checks the Table Schema, row by row.

Slow (about 12k rows/s) and kept for exactly that reason: it is the independent reading of the
same Table Schema the DuckDB engine checks in SQL, and the conformance suite requires both to
report the same (row, field, type). Header checks are shared (header.py), so frictionless is
run with fieldsMatch 'superset' and its label errors are dropped. The framework's own rules are not Table
Schema: this engine runs them as plain Python (reference_rules.py), independently of the SQL.
"""

from __future__ import annotations

from typing import Any

from csc_outcomes.report import Issue
from csc_outcomes.validators import errors as E
from csc_outcomes.validators.reading import Table

_TYPES = {"type-error": E.TYPE_ERROR, "constraint-error": E.CONSTRAINT_ERROR, "primary-key": E.PRIMARY_KEY,
          "blank-row": E.BLANK_ROW, "missing-cell": E.MISSING_CELL, "extra-cell": E.EXTRA_CELL}
_OURS = {"blank-label", "duplicate-label", "missing-label", "extra-label", "incorrect-label"}


def check_structure_frictionless(table: Table, schema: dict[str, Any], present: set[str]) -> tuple[list[Issue], int]:
    """Table Schema issues, and the number of data rows frictionless read."""
    from frictionless import Resource, Schema

    # header checks are ours (header.py): frictionless matches the fields present by name
    descriptor = {**schema, "fields": [f for f in schema["fields"] if f["name"] in present],
                  "fieldsMatch": "superset"}
    if not all(k in present for k in schema.get("primaryKey", [])):
        descriptor.pop("primaryKey", None)
    # frictionless refuses absolute paths as unsafe unless given a base path
    resource = Resource(path=table.path.name, basepath=str(table.path.parent), format="csv", encoding="utf-8",
                        schema=Schema.from_descriptor(descriptor))
    report = resource.validate(limit_errors=10**9)
    offset = table.first_row - 2
    issues: list[Issue] = []
    rows = sum(int(task.stats.get("rows") or 0) for task in report.tasks)
    for task in report.tasks:
        for error in task.errors:
            if error.type in _OURS:
                continue
            etype = _TYPES.get(error.type, E.SOURCE_ERROR)
            row = getattr(error, "row_number", None)
            issues.append(Issue(etype, error.message, row=None if row is None else row + offset,
                                field=getattr(error, "field_name", None) or None,
                                cell=getattr(error, "cell", None) or None, note=error.note))
    return issues, rows
