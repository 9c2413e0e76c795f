"""Check the header row against the Table Schema; both engines share this, so they agree on it.

Columns are matched by name, not position: the DfE open data standard fixes the names, and
published files order them differently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from csc_outcomes.report import Issue
from csc_outcomes.validators import errors as E


@dataclass
class Header:
    column_of: dict[str, int] = field(default_factory=dict)  # schema field -> column index
    issues: list[Issue] = field(default_factory=list)


def check_header(labels: list[str], field_names: list[str], header_row: int = 1,
                 optional: frozenset[str] = frozenset()) -> Header:
    result = Header()
    known = set(field_names)
    seen: dict[str, int] = {}
    for index, raw in enumerate(labels):
        label = raw.strip()
        where = f"column {index + 1}"
        if not label:
            result.issues.append(Issue(E.BLANK_LABEL, f"{where} has no header", row=header_row, note=where))
            continue
        if label in seen:
            result.issues.append(Issue(E.DUPLICATE_LABEL, f"'{label}' is also the header of column {seen[label] + 1}; "
                                       "the first is used", row=header_row, field=label, note=where))
            continue
        seen[label] = index
        if label in known:
            result.column_of[label] = index
        else:
            near = [f for f in field_names if f.lower() == label.lower().replace(" ", "_")]
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            result.issues.append(Issue(E.EXTRA_LABEL, f"'{label}' is not a column of the return{hint}",
                                       row=header_row, field=label, note=where))
    for name in field_names:
        if name not in result.column_of and name not in optional:
            result.issues.append(Issue(E.MISSING_LABEL, f"the column '{name}' is missing", row=header_row, field=name))
    return result
