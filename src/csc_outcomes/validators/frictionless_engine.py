"""The reference engine: frictionless-py checks the Table Schema, row by row.

Slow (about 12k rows/s) and kept for exactly that reason: it is the independent reading of the
same Table Schema the DuckDB engine checks in SQL, and the conformance suite requires both to
report the same (row, field, type). Header checks are shared (header.py), so frictionless is
run with fieldsMatch 'superset' and its label errors are dropped. The framework's own rules are not Table
Schema: this engine runs them as plain Python (reference_rules.py), independently of the SQL.

A blank row costs frictionless about 4 ms (it builds an error for every cell, then replaces them
with one blank-row error): a return followed by 20,000 blank lines took 76 s, so 200,000 would
take some 13 minutes. A run of identical blank rows is therefore read once: frictionless checks
the first row of the run and skips the rest (as comment rows, so every row keeps its number), and
what it says of the first is said of each of the others. That is exact because a row frictionless
finds blank leaves nothing behind for later rows (its primary-key and unique checks remember no
empty key), so identical blank rows get identical errors; should frictionless not find the first
row of a run blank, the file is checked again with no row skipped.
"""

from __future__ import annotations

import dataclasses
import mmap
import re
from pathlib import Path
from typing import Any, Iterable

from csc_outcomes.report import Issue
from csc_outcomes.validators import errors as E
from csc_outcomes.validators.reading import Table

_TYPES = {"type-error": E.TYPE_ERROR, "constraint-error": E.CONSTRAINT_ERROR, "primary-key": E.PRIMARY_KEY,
          "blank-row": E.BLANK_ROW, "missing-cell": E.MISSING_CELL, "extra-cell": E.EXTRA_CELL}
_OURS = {"blank-label", "duplicate-label", "missing-label", "extra-label", "incorrect-label"}
# two identical lines in a row that hold nothing but commas: the only files worth a first pass
_REPEATED_BLANK_LINE = re.compile(rb"\n(,*\r?\n)\1")
_POSITION = 'Row at position "{}"'  # how frictionless's row errors (blank-row, primary-key) begin


class _Rows(list):
    """Row numbers frictionless skips. Its dialect asks `number in comment_rows` of every row: a
    set answers at once where a list of 200,000 numbers would be searched 200,000 times."""

    def __init__(self, rows: Iterable[int]) -> None:
        super().__init__(rows)
        self._set = frozenset(self)

    def __contains__(self, number: object) -> bool:
        return number in self._set


def _has_repeated_blank_line(path: Path) -> bool:
    """Searched by C over the mapped file: most returns have no blank line and need no first pass."""
    with open(path, "rb") as f:
        if f.seek(0, 2) == 0:
            return False
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _REPEATED_BLANK_LINE.search(data) is not None


def _blank_runs(resource_args: dict[str, Any]) -> dict[int, int]:
    """Runs of identical blank rows, as {first row number: rows after it}, numbered as frictionless
    numbers them (its own parser's records, the header being 1). The rows are parsed, not checked.
    A file frictionless cannot parse has none: its validation says what is wrong, row by row."""
    from frictionless import Resource

    runs: dict[int, int] = {}
    first, previous = 0, None
    try:
        with Resource(**resource_args) as resource:
            for number, cells in enumerate(resource.cell_stream, start=1):
                if number > 1 and not any(cells):
                    if cells == previous:
                        runs[first] = runs.get(first, 0) + 1
                        continue
                    first, previous = number, cells
                else:
                    previous = None
    except Exception:  # frictionless's own errors, csv.Error, ...: validate() reports them
        return {}
    return runs


def _check(resource_args: dict[str, Any], descriptor: dict[str, Any], skip: list[int]):
    from frictionless import Dialect, Resource, Schema

    extra = {"dialect": Dialect(comment_rows=_Rows(skip))} if skip else {}
    resource = Resource(**resource_args, schema=Schema.from_descriptor(descriptor), **extra)
    return resource.validate(limit_errors=10**9)


def _errors(report, runs: dict[int, int]) -> list | None:
    """(error, row number, message) for every error, each of a skipped row copied from the first row
    of its run; None if frictionless did not find the first row of a run blank (the copies would
    not be exact)."""
    out: list = []
    row_errors: list = []

    def flush() -> bool:
        if not row_errors:
            return True
        row = row_errors[0].row_number
        extra = runs.get(row, 0) if row is not None else 0
        if extra:
            head = _POSITION.format(row)
            if not any(e.type == "blank-row" for e in row_errors) or not all(e.message.startswith(head)
                                                                            for e in row_errors):
                return False
            for k in range(extra + 1):
                lead = _POSITION.format(row + k)
                out.extend((e, row + k, lead + e.message[len(head):]) for e in row_errors)
        else:
            out.extend((e, getattr(e, "row_number", None), e.message) for e in row_errors)
        row_errors.clear()
        return True

    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            if row_errors and (row is None or row != row_errors[0].row_number):
                if not flush():
                    return None
            if row is None:
                out.append((error, None, error.message))
            else:
                row_errors.append(error)
    if not flush():
        return None
    # the first row of every run had its errors copied (a blank row has at least blank-row)
    seen = {row for _, row, _ in out}
    return out if all(first in seen for first in runs) else None


def check_structure_frictionless(table: Table, schema: dict[str, Any], present: set[str]) -> tuple[list[Issue], int]:
    """Table Schema issues, and the number of data rows frictionless read."""
    # header checks are ours (header.py): frictionless matches the fields present by name
    descriptor = {**schema, "fields": [f for f in schema["fields"] if f["name"] in present],
                  "fieldsMatch": "superset"}
    if not all(k in present for k in schema.get("primaryKey", [])):
        descriptor.pop("primaryKey", None)
    # frictionless refuses absolute paths as unsafe unless given a base path
    resource_args = {"path": table.path.name, "basepath": str(table.path.parent), "format": "csv",
                     "encoding": "utf-8"}
    runs = _blank_runs(resource_args) if _has_repeated_blank_line(table.path) else {}
    skip = sorted(first + k for first, extra in runs.items() for k in range(1, extra + 1))
    report = _check(resource_args, descriptor, skip)
    errors = _errors(report, runs)
    if errors is None:  # not the blank rows we took them for: every row is checked after all
        runs, skip = {}, []
        report = _check(resource_args, descriptor, skip)
        errors = _errors(report, runs)
    offset = table.first_row - 2
    rows = sum(int(task.stats.get("rows") or 0) for task in report.tasks) + len(skip)
    issues: list[Issue] = []
    first: dict[int, Issue] = {}  # an error copied to the rows of a run: its issue, made once
    for error, row, message in errors:
        if error.type in _OURS:
            continue
        made = first.get(id(error))
        if made is not None:  # a copy of a run's first row differs in its row and message alone
            issues.append(dataclasses.replace(made, row=row + offset, message=message))
            continue
        etype = _TYPES.get(error.type, E.SOURCE_ERROR)
        issue = Issue(etype, message, row=None if row is None else row + offset,
                      field=getattr(error, "field_name", None) or None,
                      cell=getattr(error, "cell", None) or None, note=error.note)
        first[id(error)] = issue
        issues.append(issue)
    return issues, rows
