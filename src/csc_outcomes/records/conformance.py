"""Conformance scenarios: small hand-written record sets that pin one rule of a method each.

A scenario (indicators/conformance/<indicator_id>/<case>.yaml, an instance of the
ConformanceScenario class) gives the record tables' rows, the reporting year and the figures
expected, worked out by hand in its comments. Any implementation of the standard can run the
pack: load the rows into the tables of `record_tables.yaml` (every column a row does not give
is NULL), add `params`, run the method, compare. This module is that runner for DuckDB.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csc_outcomes import safe_yaml

RECORD_TABLES = "record_tables.yaml"


@dataclass
class Scenario:
    path: Path
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def indicator(self) -> str:
        return self.data["indicator"]


def record_tables(folder: Path) -> dict[str, dict[str, str]]:
    """Table -> {column: SQL type}, as the pack ships it."""
    return safe_yaml.load(Path(folder) / RECORD_TABLES, "record tables")


def load_scenarios(folder: Path) -> list[Scenario]:
    """Every scenario of a conformance folder, in a stable order."""
    return [Scenario(p, safe_yaml.load(p, "conformance scenario")) for p in sorted(Path(folder).glob("*/*.yaml"))]


def period(year: int) -> tuple[datetime.date, datetime.date]:
    """Reporting year YYYY: 1 April YYYY-1 to 31 March YYYY."""
    return datetime.date(year - 1, 4, 1), datetime.date(year, 3, 31)


def create_tables(con, tables: dict[str, dict[str, str]], year: int) -> None:
    """Every record table, empty, with its columns (+ _file, _row), and the one-row params."""
    for name, columns in tables.items():
        cols = ", ".join(f'"{c}" {t}' for c, t in columns.items())
        con.execute(f'CREATE OR REPLACE TABLE "{name}" ({cols}, _file VARCHAR, _row BIGINT)')
    start, end = period(year)
    con.execute("CREATE OR REPLACE TABLE params (period_start DATE, period_end DATE, year INTEGER)")
    con.execute("INSERT INTO params VALUES (?, ?, ?)", [start, end, year])


def _value(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    return None if value is None else str(value) if not isinstance(value, (int, float)) else value


def load_rows(con, tables: dict[str, dict[str, str]], scenario: Scenario) -> None:
    """Insert the scenario's rows; a column the table does not have is an error, not ignored."""
    for block in scenario.data.get("tables") or []:
        name = block["name"]
        if name not in tables:
            raise ValueError(f"{scenario.path.name}: no record table {name!r} (see {RECORD_TABLES})")
        columns = tables[name]
        for index, row in enumerate(block.get("rows") or [], start=1):
            unknown = set(row) - set(columns)
            if unknown:
                raise ValueError(f"{scenario.path.name}: {name} row {index} has column(s) {sorted(unknown)} "
                                 f"that the table does not have")
            keys = list(row)
            placeholders = ", ".join(f"CAST(? AS {columns[k]})" for k in keys)
            names = ", ".join(f'"{k}"' for k in keys + ["_file", "_row"])
            con.execute(f'INSERT INTO "{name}" ({names}) VALUES ({placeholders}, ?, ?)',
                        [_value(row[k]) for k in keys] + [scenario.path.name, index])


def run(scenario: Scenario, method, tables: dict[str, dict[str, str]]):
    """The method's totals over the scenario's records, in a fresh in-memory DuckDB."""
    import duckdb

    from csc_outcomes.records.methods import aggregate

    con = duckdb.connect()
    try:
        create_tables(con, tables, int(scenario.data["year"]))
        load_rows(con, tables, scenario)
        return aggregate(con, method)
    finally:
        con.close()


def mismatches(scenario: Scenario, totals) -> list[str]:
    """What differs between the scenario's expected figures and the computed totals."""
    found = {(t.breakdown_topic, t.breakdown): t for t in totals}
    problems = []
    for exp in scenario.data["expected"]:
        key = (exp.get("breakdown_topic", "Total"), str(exp.get("breakdown", "Total")))
        got = found.get(key)
        if got is None:
            if exp.get("numerator", 0) == 0 and not exp.get("units"):
                continue  # a breakdown code with nothing in it is absent, as a zero
            problems.append(f"{key}: expected a row, none computed")
            continue
        for name in ("numerator", "denominator", "units"):
            if name in exp and not _same(exp[name], getattr(got, name)):
                problems.append(f"{key}: {name} expected {exp[name]}, computed {getattr(got, name)}")
        for item in exp.get("excluded") or []:
            computed = got.excluded.get(item["reason"], 0)
            if computed != item["units"]:
                problems.append(f"{key}: excluded '{item['reason']}' expected {item['units']}, computed {computed}")
    return problems


def _same(expected: Any, computed: Any) -> bool:
    if expected is None or computed is None:
        return expected is None and computed is None
    return abs(float(expected) - float(computed)) < 1e-9
