"""Run checks written as SQL and turn their rows into issues, keeping memory bounded.

A check yields (_row, field, cell, message). At most `limit` rows per check are kept as issues;
the rest are counted, so a report on a million broken rows is exact in its counts and small in
memory. Checks that look at one row at a time are run together, in one scan of the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

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


@dataclass
class Findings:
    issues: list[Issue] = field(default_factory=list)
    more: dict[str, int] = field(default_factory=dict)  # error code -> issues counted but not listed

    def _count_more(self, code: str, total: int, listed: int) -> None:
        if total > listed:
            self.more[code] = self.more.get(code, 0) + total - listed

    def add_query(self, con: Any, etype: ErrorType, sql: str, limit: int = LIMIT, note: str | None = None) -> None:
        rows = con.execute(
            f"SELECT _row, field, cell, message, count(*) OVER () AS _n FROM ({sql}) q "
            f"ORDER BY _row NULLS FIRST, field LIMIT {limit}").fetchall()
        for row, fname, cell, message, _ in rows:
            self.issues.append(Issue(etype, message, row=row, field=fname, cell=cell, note=note))
        if rows:
            self._count_more(etype.code, rows[0][4], len(rows))

    def add_row_checks(self, con: Any, source: str, checks: Sequence[RowCheck], limit: int = LIMIT) -> None:
        """Many one-row checks in one scan of `source` (a table or view, with any WHERE)."""
        if not checks:
            return
        where = " OR ".join(f"({c.condition})" for c in checks)
        hits = ", ".join(f"CASE WHEN {c.condition} THEN struct_pack(k := {i}, cell := ({c.cell})::VARCHAR, "
                         f"message := {c.message}) END" for i, c in enumerate(checks))
        rows = con.execute(f"""
            WITH hit AS (SELECT _row, unnest(list_filter([{hits}], lambda x: x IS NOT NULL)) AS e
                         FROM (SELECT * FROM {source}) s WHERE {where})
            SELECT _row, e.k, e.cell, e.message, count(*) OVER (PARTITION BY e.k) AS n,
                   row_number() OVER (PARTITION BY e.k ORDER BY _row) AS i
            FROM hit QUALIFY i <= {limit} ORDER BY _row, e.k""").fetchall()
        totals: dict[int, int] = {}
        for row, k, cell, message, n, _ in rows:
            check = checks[k]
            self.issues.append(Issue(check.etype, message, row=row, field=check.field, cell=cell, note=check.note))
            totals[k] = n
        for k, n in totals.items():
            self._count_more(checks[k].etype.code, n, min(n, limit))

    def extend(self, issues: list[Issue]) -> None:
        self.issues.extend(issues)
