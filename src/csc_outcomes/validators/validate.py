"""Validate a return: read it, check its header, its Table Schema and the framework's rules.

The library entry point a notebook calls; the CLI is a thin shell over `validate_file`.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from csc_outcomes.releases import Release, load_release
from csc_outcomes.report import Report, Task
from csc_outcomes.validators.findings import PADDED_TYPES, Findings
from csc_outcomes.validators.header import check_header
from csc_outcomes.validators.reading import InputError, Table, read_input

ENGINES = ("duckdb", "frictionless")
MEMORY_LIMIT = "300MB"  # DuckDB's buffer pool; the process peaks ~100 MiB above it
IN_MEMORY_TEXT = 200_000_000  # bytes of CSV held as an in-memory table (~1.2M national rows)


def _dedupe(findings: Findings) -> None:
    """One problem, one report: a short row's padded cells are reported as missing-cell only,
    and a blank row as blank-row only (frictionless adds a primary-key error for it)."""
    missing = {(i.row, i.field) for i in findings.issues if i.code == "missing-cell"}
    blank = {i.row for i in findings.issues if i.code == "blank-row"}
    if missing or blank:
        findings.issues = [i for i in findings.issues
                           if not (i.code in PADDED_TYPES and (i.row, i.field) in missing)
                           and not (i.code == "primary-key" and i.row in blank)]


def _duckdb(table, release, field_names, column_of, present, indicator_set, require_complete,
            findings: Findings) -> int:
    """The fast engine: the release's rule pack (Table Schema and framework rules as SQL) over the whole table."""
    import duckdb

    from csc_outcomes.validators import frame, pack_engine

    pack = release.rule_pack
    # Memory stays bounded whatever the size of the file: DuckDB gets MEMORY_LIMIT and a private
    # folder to spill to (never beside the user's files, deleted on return). A return whose text
    # would outgrow the limit as a table (about 1.5x the CSV) is held in a private database file
    # instead, where DuckDB compresses it: writing it costs ~0.4 s more CPU per million rows than
    # an in-memory table, but 5M rows then peak at ~420 MiB, as 1M rows held in memory peak at
    # ~390 MiB (bench/validate.py); an in-memory table spilling uncompressed peaked at ~560 MiB.
    spill = tempfile.TemporaryDirectory(prefix="csc-outcomes-work-")
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": spill.name})
    text = table.path.stat().st_size if getattr(table, "frame", None) is None else 0
    if text > IN_MEMORY_TEXT:
        database = Path(spill.name, "work.db").as_posix().replace("'", "''")
        con.execute(f"ATTACH '{database}' AS work")
        con.execute("USE work")
    try:
        loaded = frame.load(con, table, field_names, column_of, limit=findings.limit)
        findings.extend(loaded.issues)
        for code, n in loaded.more.items():
            findings.more[code] = findings.more.get(code, 0) + n
        pack_engine.run(con, pack, present, findings, indicator_set, require_complete,
                        padded="padded" if loaded.padded else None)
        from csc_outcomes.report.context import add_rows

        add_rows(con, findings.issues, release.catalogue, table.first_row)  # authority and indicator of each listed row
        return loaded.rows + loaded.rejected
    finally:
        con.close()
        spill.cleanup()


def _reference(table, schema, field_names, column_of, present, catalogue, rules_apply, indicator_set,
               require_complete, findings: Findings) -> int:
    """The reference engine: frictionless-py for the Table Schema, plain Python for the rules."""
    from csc_outcomes.validators import reference_rules as R
    from csc_outcomes.validators.frictionless_engine import check_structure_frictionless

    issues, rows = check_structure_frictionless(table, schema, present)
    findings.extend(issues)
    if rules_apply:
        ref = R.Reference(catalogue)
        records = list(R.read_rows(table.path, table.first_row, table.labels, column_of, field_names))
        for number, record in records:
            findings.extend(list(R.row_issues(number, record, ref)))
        findings.extend(list(R.table_issues(records, ref)))
        if indicator_set is not None:
            findings.extend(list(R.set_issues(records, ref, catalogue, indicator_set, require_complete)))
    return rows


def validate_file(path: Path | Table, *, framework_version: str | None = None, engine: str = "duckdb",
                  indicator_set: str | None = None, require_complete: bool = False, sheet: str | None = None,
                  header_row: int = 1, encoding: str | None = None, release: Release | None = None) -> Report:
    """The report on one return. Raises InputError when the file cannot be read at all.

    `path` may also be an opened Table (the Python API passes a DataFrame that way)."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose {' or '.join(ENGINES)}")
    started = time.perf_counter()
    release = release or load_release(framework_version)
    catalogue = release.catalogue
    if indicator_set is not None and indicator_set not in catalogue.indicator_sets:
        raise InputError(f"framework {release.version} has no indicator set {indicator_set!r}; "
                         f"its sets are: {', '.join(sorted(catalogue.indicator_sets))}")
    schema = release.table_schema
    field_names = [f["name"] for f in schema["fields"]]
    opened = path if isinstance(path, Table) else read_input(Path(path), sheet=sheet, header_row=header_row,
                                                              encoding=encoding)
    name = str(opened.source) if isinstance(path, Table) else str(path)
    with opened as table:
        optional = frozenset(f["name"] for f in schema["fields"] if f.get("x-optional"))
        header = check_header(table.labels, field_names, header_row=table.first_row - 1, optional=optional)
        present = set(header.column_of)
        findings = Findings()
        findings.extend(header.issues)
        rules_apply = {"indicator_id", "time_period", "value"} <= present
        absent = set(field_names) - present - optional
        if engine == "duckdb":
            rows = _duckdb(table, release, field_names, header.column_of, present, indicator_set,
                           require_complete, findings)
        else:
            rows = _reference(table, schema, field_names, header.column_of, present, catalogue, rules_apply,
                              indicator_set, require_complete, findings)
        # a missing column is reported once, as missing-label, not again on every row
        findings.issues = [i for i in findings.issues if i.field not in absent or i.code == "missing-label"]
        if rows == 0:
            from csc_outcomes.report import Issue
            from csc_outcomes.validators import errors as E

            findings.issues.append(Issue(E.NO_ROWS, "no data rows after the header", row=table.first_row))
        _dedupe(findings)
        findings.cap()
        from csc_outcomes.report.context import add_context

        add_context(findings.issues, table, field_names, header.column_of, catalogue, rows_added=engine == "duckdb")
        task = Task(name=name, issues=findings.issues, more=findings.more,
                    stats={"rows": rows, "fields": len(table.labels), "bytes": table.bytes})
        meta = {"title": "csc-outcomes validate", "input": name, "framework_version": release.version,
                "engine": engine}
        if indicator_set:
            meta["indicator_set"] = indicator_set
        if table.notes:
            meta["read"] = "; ".join(table.notes)
    return Report([task], meta=meta, seconds=time.perf_counter() - started)
