"""Load record files into DuckDB: one typed table per record table, every year given merged.

The contract with the methods (see the project's records/methods contract):
- one table per record table (`ssda903_episodes`, `cin_cindetails`, ...), columns named as the
  return names them, dates DATE, integers INTEGER, codes upper-cased text; plus `_file`, `_row`
  (row or element number in that file) and `_year` (the reporting year of the return the row
  came from) for reports;
- a record updated between two years' returns (an episode open at 31 March closes next year) is
  kept once, from the most recent return; identical rows are kept once;
- ssda903_oc2 and ssda903_oc3 hold only the return of the year computed (they carry no date);
- `params(period_start, period_end, year)`.

Every value that cannot be read (a bad date, an unknown code, a blank required field, a row
that does not split into the header's cells) is a problem named by table, file, row and field;
identifier columns are never quoted. Everything runs as SQL over whole tables: CSV files are
read by DuckDB's read_csv; XML is flattened once into temporary CSVs that DuckDB reads.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csc_outcomes.records import model, sources, xml_readers
from csc_outcomes.validators.frame import quote as q

DATE_FORMAT = {"ssda903": "%d/%m/%Y", "cin-census": "%Y-%m-%d"}
DATE_SHOWN = {"ssda903": "dd/mm/yyyy", "cin-census": "yyyy-mm-dd"}

# A record updated between returns is the same record: its key. Tables not listed are keyed by
# every content column (identical rows are one).
KEYS = {
    "ssda903_header": ["CHILD"],
    "ssda903_uasc": ["CHILD"],
    "ssda903_episodes": ["CHILD", "DECOM"],
    "ssda903_missing": ["CHILD", "MIS_START"],
    "ssda903_swepisodes": ["CHILD", "SW_DECOM"],
    "ssda903_placedadoption": ["CHILD", "DATE_PLACED"],
    "ssda903_oc2": ["CHILD"],
    "ssda903_oc3": ["CHILD"],
    "cin_childidentifiers": ["LAchildID"],
    "cin_childcharacteristics": ["LAchildID"],
    "cin_cindetails": ["LAchildID", "CINreferralDate"],
    "cin_assessments": ["CINdetailsID", "AssessmentActualStartDate"],
    "cin_cinplandates": ["CINdetailsID", "CINPlanStartDate"],
    "cin_section47": ["CINdetailsID", "S47ActualStartDate"],
    "cin_childprotectionplans": ["CINdetailsID", "CPPstartDate"],
}
ONE_YEAR = ("ssda903_oc2", "ssda903_oc3")
WITH_YEAR = ("ssda903_header", "ssda903_oc2", "ssda903_oc3")  # the methods' YEAR column (contract amendment 1)
MEMORY_LIMIT = "640MB"  # DuckDB's share of the 1 GB target; beyond it, it spills to a private temporary folder


@dataclass
class Loaded:
    """What was loaded, and what could not be read."""

    files: list[sources.RecordFile]
    skipped: list[Path]
    read: dict[str, int]                 # rows read per table, over all files
    kept: dict[str, int]                 # rows in the merged table
    superseded: dict[str, int]           # rows replaced by a later return's version of the record
    duplicates: dict[str, int]           # rows identical to another kept row
    other_year: dict[str, int]           # OC2/OC3 rows of another year's return
    years: dict[str, int | None]         # reporting year of each return (group)
    unread_elements: dict[str, int] = field(default_factory=dict)
    problem_count: int = 0
    not_needed: dict[str, int] = field(default_factory=dict)  # rows of tables no method asked for: counted only


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _raw_tables(con: Any) -> None:
    for spec in model.tables().values():
        cols = ", ".join(f"{q(c)} VARCHAR" for c in spec.names)
        con.execute(f"CREATE TEMP TABLE {q('raw_' + spec.name)} ({cols}, _file VARCHAR, _row BIGINT, _group VARCHAR)")


def _load_csv(con: Any, rf: sources.RecordFile, problems: list[tuple]) -> None:
    spec = model.tables()[rf.table]
    path = _sql_str(str(rf.path))
    con.execute("DROP TABLE IF EXISTS rej; DROP TABLE IF EXISTS rej_scan")
    header = sources._csv_header(rf.path)
    columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in header) + "}"
    con.execute(f"""
        INSERT INTO {q('raw_' + spec.name)} ({', '.join(q(c) for c in spec.names)}, _file, _row, _group)
        SELECT {', '.join(q(c) for c in spec.names)}, {path}, row_number() OVER () + 1, {_sql_str(rf.group)}
        FROM read_csv({path}, columns = {columns}, header = true, auto_detect = false, delim = ',',
                      quote = '"', escape = '"', ignore_errors = true, store_rejects = true,
                      rejects_table = 'rej', rejects_scan = 'rej_scan', encoding = 'utf-8')""")
    for line, message in con.execute("SELECT line, any_value(error_message) FROM rej GROUP BY line ORDER BY line").fetchall():
        problems.append((spec.name, str(rf.path), int(line), None, "row-unreadable",
                         f"line {line} could not be split into the header's {len(header)} cells; "
                         f"it is not loaded ({str(message).splitlines()[0][:80]})"))


def _count_csv(con: Any, rf: sources.RecordFile) -> int:
    return con.execute(f"SELECT count(*) FROM read_csv({_sql_str(str(rf.path))}, all_varchar = true, header = true, "
                       "ignore_errors = true)").fetchone()[0]


def _load_xml(con: Any, files: list[sources.RecordFile], unread: Counter) -> None:
    with tempfile.TemporaryDirectory(prefix="csc-outcomes-xml-") as tmp:
        sink = xml_readers.Sink(Path(tmp))
        for rf in files:
            if rf.kind == "ssda903-xml":
                xml_readers.read_903(rf.path, sink, rf.group, unread)
            else:
                xml_readers.read_cin(rf.path, sink, rf.group, unread)
        for table, path in sink.close().items():
            spec = model.tables()[table]
            cols = [*spec.names, "_file", "_row", "_group"]
            types = "{" + ", ".join(f"'{c}': '{'BIGINT' if c == '_row' else 'VARCHAR'}'" for c in cols) + "}"
            con.execute(f"INSERT INTO {q('raw_' + table)} SELECT {', '.join(q(c) for c in cols)} FROM "
                        f"read_csv({_sql_str(str(path))}, columns = {types}, header = true, auto_detect = false, "
                        f"delim = ',', quote = '\"', escape = '\"')")


def _years(con: Any) -> None:
    """The reporting year of each return: an SSDA903 return's latest DECOM; a CIN census's reference date."""
    con.execute("""
        CREATE TEMP TABLE groups AS
        WITH g AS (
            SELECT _group, max(try_strptime(trim(DECOM), '%d/%m/%Y')) AS d FROM raw_ssda903_episodes GROUP BY _group
            UNION ALL
            SELECT _group, max(coalesce(try_strptime(trim(ReferenceDate), '%Y-%m-%d'),
                                        try_strptime(trim(Year) || '-03-31', '%Y-%m-%d'))) FROM raw_cin_header GROUP BY _group)
        SELECT _group, CAST(year(max(d)) + CASE WHEN month(max(d)) >= 4 THEN 1 ELSE 0 END AS INTEGER) AS _year
        FROM g GROUP BY _group""")


def _typed(spec: model.TableSpec) -> tuple[list[str], list[str]]:
    """(typed select expressions, problem expressions) for one table."""
    fmt = DATE_FORMAT[spec.source]
    selects, problems = [], []
    for col in spec.columns:
        raw = f"nullif(trim(r.{q(col.name)}), '')"
        shown = "" if col.name in model.IDENTIFIERS else " || ': ' || clip(" + raw + ")"
        checks = [f"WHEN {raw} IS NULL THEN {'NULL' if not col.required else repr('missing: required field is blank')}"]
        if col.kind == "date":
            value = f"CAST(try_strptime({raw}, '{fmt}') AS DATE)"
            checks.append(f"WHEN {value} IS NULL THEN 'bad-date: not a date written {DATE_SHOWN[spec.source]}'{shown}")
        elif col.kind == "integer":
            value = f"TRY_CAST({raw} AS INTEGER)"
            checks.append(f"WHEN {value} IS NULL THEN 'bad-number: not a whole number'{shown}")
            if col.minimum is not None and col.maximum is not None:
                checks.append(f"WHEN {value} NOT BETWEEN {col.minimum} AND {col.maximum} THEN "
                              f"'bad-number: outside {col.minimum} to {col.maximum}'{shown}")
            elif col.minimum is not None:
                checks.append(f"WHEN {value} < {col.minimum} THEN 'bad-number: below {col.minimum}'{shown}")
        elif col.kind == "code":
            value = f"upper({raw})"
            if col.codes == frozenset({"0", "1"}) and spec.source == "cin-census":
                value = f"CASE upper({raw}) WHEN 'TRUE' THEN '1' WHEN 'FALSE' THEN '0' ELSE upper({raw}) END"
            listed = ", ".join(_sql_str(c) for c in sorted(col.codes or ()))
            checks.append(f"WHEN {value} NOT IN ({listed}) THEN "
                          f"'unknown-code: not one of the {len(col.codes or ())} codes of {col.name}'{shown}")
        else:
            value = raw
        selects.append(f"{value} AS {q(col.name)}")
        problems.append(f"CASE {' '.join(checks)} END")
    return selects, problems


def _stage(con: Any, spec: model.TableSpec, year: int, counts: dict[str, dict[str, int]], rows_read: int) -> None:
    """Type one table, record its problems, and merge its years, in a few whole-table statements."""
    selects, problems = _typed(spec)
    year_col = "g._year AS YEAR, " if spec.name in WITH_YEAR else ""
    table = q(spec.name)
    if rows_read == 0:
        con.execute(f"CREATE TABLE {table} AS SELECT {', '.join(selects)}, {year_col}r._file, r._row, "
                    f"CAST(NULL AS INTEGER) AS _year FROM {q('raw_' + spec.name)} r "
                    f"LEFT JOIN groups g USING (_group) LIMIT 0")
        for k in ("superseded", "duplicates", "other_year"):
            counts[k][spec.name] = 0
        counts["kept"][spec.name] = 0
        return
    # OC2/OC3 are the return of one year; with no year known (no episodes given), all rows count
    in_year = f"(g._year IS NULL OR g._year = {year})" if spec.name in ONE_YEAR else "true"
    key = KEYS.get(spec.name)
    one_file = con.execute(f"SELECT count(DISTINCT _file) FROM {q('raw_' + spec.name)}").fetchone()[0] == 1
    if key and not one_file:  # within one file no row supersedes another
        complete = " AND ".join(f"{q(k)} IS NOT NULL" for k in key)
        # the most recent return holding the record wins; a record without its key is kept as it is
        rank = (f"CASE WHEN {complete} THEN dense_rank() OVER (PARTITION BY {', '.join(q(k) for k in key)}, "
                f"({complete}), _in_year ORDER BY _year DESC NULLS LAST, _file DESC) ELSE 1 END")
    else:
        rank = "1"
    flagged = " , ".join(f"'{col.name}' || chr(9) || ({expr})" for col, expr in zip(spec.columns, problems))
    con.execute(f"""
        CREATE TEMP TABLE staged AS
        SELECT *, {rank} AS _rank FROM (
            SELECT {', '.join(selects)}, {year_col}r._file, r._row, g._year, {in_year} AS _in_year,
                   list_filter([{flagged}], lambda x: x IS NOT NULL) AS _p
            FROM {q('raw_' + spec.name)} r LEFT JOIN groups g USING (_group))""")
    con.execute(f"""
        INSERT INTO problems
        SELECT '{spec.name}', _file, _row, split_part(p, chr(9), 1),
               split_part(split_part(p, chr(9), 2), ': ', 1), substr(p, strpos(p, ': ') + 2)
        FROM (SELECT _file, _row, unnest(_p) AS p FROM staged WHERE len(_p) > 0)""")
    content = ", ".join(q(c) for c in spec.names + (["YEAR"] if spec.name in WITH_YEAR else []))
    con.execute(f"""
        CREATE TABLE {table} AS
        SELECT * EXCLUDE (_in_year, _p, _rank) FROM staged WHERE _in_year AND _rank = 1
        QUALIFY row_number() OVER (PARTITION BY {content} ORDER BY _year DESC NULLS LAST, _file, _row) = 1""")
    other, superseded = con.execute(
        "SELECT count(*) FILTER (WHERE NOT _in_year), count(*) FILTER (WHERE _in_year AND _rank > 1) FROM staged").fetchone()
    kept = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    counts["other_year"][spec.name] = other
    counts["superseded"][spec.name] = superseded
    counts["duplicates"][spec.name] = rows_read - other - superseded - kept
    counts["kept"][spec.name] = kept
    con.execute("DROP TABLE staged")


def load(sources_given: list[Path], year: int, con: Any | None = None,
         tables: set[str] | None = None) -> tuple[Any, Loaded]:
    """Read every record file under `sources_given` into `con` (a new DuckDB connection if None).

    `tables` limits the typed, merged tables to those named (what the methods to be run read):
    the rows of every other table are counted, not typed or checked, and its table is empty.
    """
    import duckdb

    files, skipped = sources.find(sources_given)
    con = con or duckdb.connect()
    con.execute("CREATE OR REPLACE MACRO clip(v) AS CASE WHEN length(v) > 40 THEN left(v, 39) || '…' ELSE v END")
    _raw_tables(con)
    con.execute("CREATE TEMP TABLE problems (table_name VARCHAR, file VARCHAR, row BIGINT, field VARCHAR, "
                "kind VARCHAR, message VARCHAR)")
    early: list[tuple] = []
    wanted = None if tables is None else set(tables) | {"ssda903_episodes", "cin_header"}  # the years come from these
    not_needed: dict[str, int] = {}
    for rf in files:
        if rf.kind == "ssda903-csv":
            if wanted is None or rf.table in wanted:
                _load_csv(con, rf, early)
            else:
                not_needed[rf.table] = not_needed.get(rf.table, 0) + _count_csv(con, rf)
    unread: Counter = Counter()
    xml = [rf for rf in files if rf.kind != "ssda903-csv"]
    if xml:
        _load_xml(con, xml, unread)
    if early:
        con.executemany("INSERT INTO problems VALUES (?, ?, ?, ?, ?, ?)", early)
    _years(con)
    counts: dict[str, dict[str, int]] = {k: {} for k in ("kept", "superseded", "duplicates", "other_year")}
    read: dict[str, int] = {}
    for spec in model.tables().values():
        read[spec.name] = con.execute(f"SELECT count(*) FROM {q('raw_' + spec.name)}").fetchone()[0]
        if wanted is not None and spec.name not in wanted:
            not_needed[spec.name] = not_needed.get(spec.name, 0) + read[spec.name]
            read[spec.name] = not_needed[spec.name]
            _stage(con, spec, year, counts, 0)
            continue
        _stage(con, spec, year, counts, read[spec.name])
    con.execute(f"""
        CREATE TABLE params AS SELECT make_date({year - 1}, 4, 1) AS period_start,
                                      make_date({year}, 3, 31) AS period_end, {year} AS year""")
    years = dict(con.execute("SELECT _group, _year FROM groups").fetchall())
    n_problems = con.execute("SELECT count(*) FROM problems").fetchone()[0]
    for spec in model.tables().values():
        con.execute(f"DROP TABLE {q('raw_' + spec.name)}")
    return con, Loaded(files, skipped, read, counts["kept"], counts["superseded"], counts["duplicates"],
                       counts["other_year"], years, dict(unread), n_problems, not_needed)
