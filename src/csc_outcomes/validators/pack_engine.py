"""Run a release's rule pack on a DuckDB connection where table `ret` holds the return.

The pack is data (rulepack.py compiles it at release build); this module only loads its tables,
runs its SQL and collects the findings, capped per type. The browser page does the same in
JavaScript with duckdb-wasm, so what is checked lives in one place: the pack.
"""

from __future__ import annotations

from typing import Any, Collection

from csc_outcomes.report import ErrorType, Severity
from csc_outcomes.validators.findings import Findings, literal


def load_tables(con: Any, tables: dict[str, dict[str, Any]]) -> None:
    """Each reference table in one statement (a VALUES list), not a row at a time."""
    for name, table in tables.items():
        columns = ", ".join(f"{c} {t}" for c, t in table["columns"])
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({columns})")
        if table["rows"]:
            values = ", ".join("(" + ", ".join(literal(v) for v in row) + ")" for row in table["rows"])
            con.execute(f"INSERT INTO {name} VALUES {values}")


def error_types(pack: dict[str, Any]) -> dict[str, ErrorType]:
    return {code: ErrorType(code, e["title"], Severity(e["severity"]), e["hint"], e.get("description", ""))
            for code, e in pack["errors"].items()}


def run(con: Any, pack: dict[str, Any], present: Collection[str], findings: Findings,
        indicator_set: str | None = None, require_complete: bool = False, padded: str | None = None) -> None:
    """Every check of the pack whose columns are in the file; `ret` must exist.

    A check runs when every column it `requires` is in the header; a row check also needs its own
    field in the file or optional (a missing column is reported once, as missing-label)."""
    types = error_types(pack)
    load_tables(con, pack["tables"])
    for sql in pack["setup"]:
        con.execute(sql)

    def active(check: dict[str, Any]) -> bool:
        return all(f in present for f in check["requires"])

    optional = {f["name"] for f in pack["fields"] if f["optional"]}
    row_checks = [c for c in pack["row_checks"]
                  if active(c) and (c["field"] is None or c["field"] in present or c["field"] in optional)]
    findings.add_row_checks(con, "t", row_checks, types, padded)
    for q in pack["queries"]:
        if active(q):
            findings.add_query(con, types[q["type"]], q["sql"], note=q.get("note"))
    if indicator_set is not None:
        con.execute("CREATE OR REPLACE TEMP TABLE chosen_set AS SELECT ?::VARCHAR AS set_id", [indicator_set])
        for sql in pack["set_setup"]:
            con.execute(sql)
        for q in pack["set_queries"]:
            if active(q):
                for issue in findings.add_query(con, types[q["type"]], q["sql"], note=q.get("note")):
                    if require_complete:
                        issue.severity = Severity.ERROR
