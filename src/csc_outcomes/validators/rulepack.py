"""Compile every check of the default engine into the rule pack: the release's rules as data.

The pack (releases/<version>/rulepack.json) holds the reference tables the rules join on, the SQL
that prepares the return for them, and every check with its code, severity, title and hint. The
DuckDB engine in the CLI and duckdb-wasm in the browser run the same file (pack_engine.py is
the Python runner), so the rules have one source: this compiler and the modules it reads
(structure.py for the Table Schema, rules.py for the framework). Build time only.
The format is the contract in CONTRACT-rulepack.md (kept in docs/rulepack.md).
"""

from __future__ import annotations

import textwrap
from typing import Any

from csc_outcomes.catalogue import Catalogue
from csc_outcomes.report import ErrorType
from csc_outcomes.validators import errors as E
from csc_outcomes.validators import rules, structure

FORMAT = 1


def error_types() -> list[ErrorType]:
    """Every error type validate can report, in the order errors.py declares them."""
    return [v for v in vars(E).values() if isinstance(v, ErrorType)]


def _tags(etype: ErrorType) -> list[str]:
    table = {"blank-label", "duplicate-label", "missing-label", "extra-label", "no-rows", "mixed-match",
             "set-indicator-missing", "set-row-missing", "indicator-deprecated", "indicator-retired",
             "indicator-draft"}
    row = {"blank-row", "missing-cell", "extra-cell", "source-error", "primary-key", "breakdown-sum-mismatch"}
    return ["#table"] if etype.code in table else ["#row"] if etype.code in row else ["#row", "#cell"]


def compile_pack(catalogue: Catalogue, table_schema: dict[str, Any]) -> dict[str, Any]:
    """The rule pack of one release, from its resolved catalogue and its Table Schema."""
    tables = {**rules.reference_tables(catalogue), **structure.enum_tables(table_schema)}
    return {
        "format": FORMAT,
        "framework_version": catalogue.version,
        "fields": [{"name": f["name"], "optional": bool(f.get("x-optional"))} for f in table_schema["fields"]],
        "limit": 1000,
        "tables": tables,
        "setup": [textwrap.dedent(sql).strip() for sql in rules.setup(tables)],
        "errors": {t.code: {"title": t.title, "description": t.description, "severity": t.severity.value,
                            "hint": t.hint, "tags": _tags(t)} for t in error_types()},
        "row_checks": [c.to_pack() for c in structure.row_checks(table_schema) + rules.row_rules()],
        "queries": [q.to_pack() for q in structure.queries(table_schema) + rules.queries(tables)],
        "set_setup": list(rules.SET_SETUP),
        "set_queries": [q.to_pack() for q in rules.set_queries()],
    }
