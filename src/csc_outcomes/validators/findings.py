"""Run checks written as SQL and turn their rows into issues, keeping memory bounded.

A check yields (_row, field, cell, message). At most `limit` rows per check are kept as issues;
the rest are counted, so a report on a million broken rows is exact in its counts and small in
memory. Checks that look at one row at a time are run together, in one scan of the table.
RowCheck and Query are the shapes the rule pack compiler (rulepack.py) writes out as data.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from csc_outcomes.report import ErrorType, Issue


def literal(value: Any) -> str:
    """A Python value as a SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"

LIMIT = 1000
# a short row's missing cells are reported as missing-cell only, not again as these
PADDED_TYPES = ("constraint-error", "missing-value", "missing-numerator", "missing-denominator", "geography-columns")


@dataclass(frozen=True)
class RowCheck:
    """A check of one row: a SQL condition that is true where the row breaks it."""

    etype: ErrorType
    field: str | None
    condition: str
    message: str  # a SQL expression
    cell: str = "NULL"  # a SQL expression
    note: str | None = None
    requires: tuple[str, ...] = ()  # columns the file must have for the check to run

    def to_pack(self) -> dict[str, Any]:
        return {"type": self.etype.code, "field": self.field, "where": self.condition, "message": self.message,
                "cell": None if self.cell == "NULL" else self.cell, "note": self.note, "relation": "t",
                "requires": list(self.requires)}


@dataclass(frozen=True)
class Query:
    """A check across rows: SQL selecting (_row, field, cell, message), one row per issue."""

    etype: ErrorType
    sql: str
    requires: tuple[str, ...] = ()
    note: str | None = None

    def to_pack(self) -> dict[str, Any]:
        return {"type": self.etype.code, "sql": textwrap.dedent(self.sql).strip(), "note": self.note,
                "requires": list(self.requires)}


@dataclass
class Findings:
    issues: list[Issue] = field(default_factory=list)
    more: dict[str, int] = field(default_factory=dict)  # error code -> issues counted but not listed
    limit: int = field(default_factory=lambda: LIMIT)  # read when made, so a test can lower it

    def _room(self, code: str) -> int:
        """How many more issues of this type may be listed (the cap is per type, across checks)."""
        return max(self.limit - sum(1 for i in self.issues if i.code == code), 0)

    def _count(self, code: str, total: int, listed: int) -> None:
        if total > listed:
            self.more[code] = self.more.get(code, 0) + total - listed

    def add_query(self, con: Any, etype: ErrorType, sql: str, note: str | None = None) -> list[Issue]:
        """The first issues of the query in (row, field, cell, message) order, the rest counted. The
        order is total, so a capped listing of issues without a row (a missing indicator or period)
        names the same ones every run, as `cap` does for the reference engine."""
        room = self._room(etype.code)
        rows = con.execute(
            f"SELECT _row, field, cell, message, count(*) OVER () AS _n FROM ({sql}) q "
            f"ORDER BY _row NULLS FIRST, coalesce(field::VARCHAR, ''), coalesce(cell::VARCHAR, ''), message LIMIT {max(room, 1)}").fetchall()
        new = [Issue(etype, message, row=row, field=fname, cell=cell, note=note)
               for row, fname, cell, message, _ in rows[:room]]
        self.issues.extend(new)
        if rows:
            self._count(etype.code, rows[0][4], len(new))
        return new

    def add_row_checks(self, con: Any, source: str, checks: Sequence[Mapping[str, Any]],
                       types: Mapping[str, ErrorType], padded: str | None = None) -> None:
        """Many one-row checks (rule pack entries) in one scan of `source`. `padded` names a table of
        (_row, field) cells a short row lacked: checks in PADDED_TYPES say nothing about them."""
        if not checks:
            return
        where = " OR ".join(f"({c['where']})" for c in checks)
        codes = sorted({c["type"] for c in checks})
        room = {code: self._room(code) for code in codes}
        hits = ", ".join(f"CASE WHEN {c['where']} THEN struct_pack(k := {i}, t := {codes.index(c['type'])}, "
                         f"f := {literal(c['field'])}, d := {literal(c['type'] in PADDED_TYPES)}, "
                         f"cell := ({c['cell'] or 'NULL'})::VARCHAR, message := {c['message']}) END"
                         for i, c in enumerate(checks))
        skip = (f"WHERE NOT (e.d AND EXISTS (SELECT 1 FROM {padded} p WHERE p._row = found._row "
                f"AND p.field = e.f))" if padded else "")
        caps = "[" + ", ".join(str(room[c]) for c in codes) + "]"
        # listed: the first `room` issues of each type in row order; the rest only counted
        rows = con.execute(f"""
            WITH found AS (SELECT _row, unnest(list_filter([{hits}], lambda x: x IS NOT NULL)) AS e
                           FROM {source} s WHERE {where}),
                 hit AS (SELECT * FROM found {skip})
            SELECT _row, e.k, e.t, e.cell, e.message, count(*) OVER (PARTITION BY e.t) AS n,
                   row_number() OVER (PARTITION BY e.t ORDER BY _row, e.f, e.k) AS i
            FROM hit QUALIFY i <= {caps}[e.t + 1] OR i = 1 ORDER BY _row, e.f, e.k""").fetchall()
        totals: dict[str, int] = {}
        listed: dict[str, int] = {}
        for row, k, t, cell, message, n, i in rows:
            check = checks[k]
            code = check["type"]
            totals[code] = n
            if i <= room[code]:
                listed[code] = listed.get(code, 0) + 1
                self.issues.append(Issue(types[code], message, row=row, field=check["field"], cell=cell,
                                         note=check.get("note")))
        for code, n in totals.items():
            self._count(code, n, listed.get(code, 0))

    def extend(self, issues: list[Issue]) -> None:
        self.issues.extend(issues)

    def cap(self) -> None:
        """At most `limit` issues of a type listed, the first in (row, field, cell, message) order; the rest counted.
        Both engines end with this, so they list the same issues and count the same totals."""
        by_type: dict[str, list[Issue]] = {}
        for issue in self.issues:
            by_type.setdefault(issue.code, []).append(issue)
        kept: list[Issue] = []
        for code, issues in by_type.items():
            if len(issues) > self.limit:
                issues.sort(key=lambda i: (i.row is not None, i.row or 0, i.field or "", i.cell or "", i.message))
                self._count(code, len(issues), self.limit)
                issues = issues[: self.limit]
            kept.extend(issues)
        self.issues = kept
