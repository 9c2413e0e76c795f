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

LIMIT = 1000


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
    limit: int = LIMIT

    def _room(self, code: str) -> int:
        """How many more issues of this type may be listed (the cap is per type, across checks)."""
        return max(self.limit - sum(1 for i in self.issues if i.code == code), 0)

    def _count(self, code: str, total: int, listed: int) -> None:
        if total > listed:
            self.more[code] = self.more.get(code, 0) + total - listed

    def add_query(self, con: Any, etype: ErrorType, sql: str, note: str | None = None) -> list[Issue]:
        room = self._room(etype.code)
        rows = con.execute(
            f"SELECT _row, field, cell, message, count(*) OVER () AS _n FROM ({sql}) q "
            f"ORDER BY _row NULLS FIRST, field LIMIT {max(room, 1)}").fetchall()
        new = [Issue(etype, message, row=row, field=fname, cell=cell, note=note)
               for row, fname, cell, message, _ in rows[:room]]
        self.issues.extend(new)
        if rows:
            self._count(etype.code, rows[0][4], len(new))
        return new

    def add_row_checks(self, con: Any, source: str, checks: Sequence[Mapping[str, Any]],
                       types: Mapping[str, ErrorType]) -> None:
        """Many one-row checks (rule pack entries) in one scan of `source`."""
        if not checks:
            return
        where = " OR ".join(f"({c['where']})" for c in checks)
        codes = sorted({c["type"] for c in checks})
        room = {code: self._room(code) for code in codes}
        hits = ", ".join(f"CASE WHEN {c['where']} THEN struct_pack(k := {i}, t := {codes.index(c['type'])}, "
                         f"cell := ({c['cell'] or 'NULL'})::VARCHAR, message := {c['message']}) END"
                         for i, c in enumerate(checks))
        caps = "[" + ", ".join(str(room[c]) for c in codes) + "]"
        # listed: the first `room` issues of each type in row order; the rest only counted
        rows = con.execute(f"""
            WITH hit AS (SELECT _row, unnest(list_filter([{hits}], lambda x: x IS NOT NULL)) AS e
                         FROM {source} s WHERE {where})
            SELECT _row, e.k, e.t, e.cell, e.message, count(*) OVER (PARTITION BY e.t) AS n,
                   row_number() OVER (PARTITION BY e.t ORDER BY _row, e.k) AS i
            FROM hit QUALIFY i <= {caps}[e.t + 1] OR i = 1 ORDER BY _row, e.k""").fetchall()
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
