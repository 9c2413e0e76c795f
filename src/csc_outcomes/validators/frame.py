"""Load the normalised CSV into DuckDB as text, with the row number a spreadsheet shows.

Every input row ends up either in table `ret` (one row per record, all columns VARCHAR, named
after the return's fields, plus `_row` and `_blank`) or in the issues returned here (a row
DuckDB could not split into the header's cells). Nothing is dropped silently.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from dataclasses import dataclass
from typing import Any

from csc_outcomes.report import Issue
from csc_outcomes.report.model import MAX_CELL
from csc_outcomes.validators import errors as E
from csc_outcomes.validators.reading import Table



def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def positional_csv_sql(path: str, width: int, options: str = "") -> str:
    """read_csv of the normalised CSV a Table holds: every column text, named c0, c1, ... by position
    (the header's labels are the user's and are matched in Python). `options` add read_csv options."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    path = path.replace("'", "''")
    return (f"read_csv('{path}', columns={columns}, header=true, auto_detect=false, delim=',', "
            f"quote='\"', escape='\"'{', ' + options if options else ''})")


def _read_csv_sql(path: str, width: int, rejects: str, max_line: int | None = None) -> str:
    longer = f"max_line_size={max_line}, " if max_line else ""  # DuckDB skips longer lines silently
    return positional_csv_sql(path, width, f"{longer}ignore_errors=true, store_rejects=true, "
                                           f"rejects_table='{rejects}', rejects_scan='{rejects}_scan'")


_SUMMARY = """
    CREATE TEMP TABLE rej_line AS
    SELECT line, any_value(csv_line) AS csv_line,
           CASE WHEN bool_and(error_type = 'MISSING COLUMNS') THEN 'short'
                WHEN bool_and(error_type = 'TOO MANY COLUMNS') THEN 'long' ELSE 'broken' END AS kind,
           min(TRY_CAST(regexp_extract(error_message, 'Found: ([0-9]+)', 1) AS INTEGER)) AS found_min,
           max(TRY_CAST(regexp_extract(error_message, 'Found: ([0-9]+)', 1) AS INTEGER)) AS found_max,
           string_agg(DISTINCT error_type::VARCHAR, ', ') AS errors,
           -- a row of empty cells only (',' or '"",""') is a blank row, whatever its width
           bool_and(regexp_full_match(trim(csv_line, chr(10) || chr(13)), '(""|)(,(""|))*')) AS empty,
           max(length(rtrim(csv_line, chr(10) || chr(13))) - length(replace(rtrim(csv_line, chr(10) || chr(13)), chr(10), '')))
               AS swallowed
    FROM rej GROUP BY line"""


def _reparse_rows(con: Any, table: Table, width: int) -> int:
    """Rows with too few or too many cells are checked on the cells they have.

    DuckDB rejects them; its null_padding cannot be combined with rejecting over-long rows (it
    fails hard), so they are re-read from the reject table, split by the csv module's C reader,
    padded or cut to the header's width, and read back. They are few; the rest of the file never
    passes through Python.
    """
    lines = [r[0] for r in con.execute(
        "SELECT csv_line FROM rej_line WHERE kind IN ('short', 'long') ORDER BY line").fetchall()]
    # a reject's text can start with the line end before it (after a CRLF blank line)
    cells = [(row + [""] * (width - len(row)))[:width] for row in csv.reader(line.lstrip("\r\n") for line in lines)]
    with tempfile.TemporaryDirectory(prefix="csc-outcomes-") as tmp:  # never beside the user's file
        padded = Path(tmp) / "reparsed.csv"
        with open(padded, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow([f"c{i}" for i in range(width)])
            writer.writerows(cells)
        con.execute(f"CREATE TEMP TABLE short AS SELECT * FROM {_read_csv_sql(str(padded), width, 'rej_short', table.max_line_size())}")
    con.execute("CREATE TEMP TABLE short_lines AS SELECT line, row_number() OVER (ORDER BY line) - 1 AS k "
                "FROM rej_line WHERE kind IN ('short', 'long')")
    return len(cells)


@dataclass
class Frame:
    rows: int  # records in `ret`
    rejected: int  # records reported as unreadable and not checked further
    issues: list[Issue]
    more: dict[str, int]  # issues counted beyond those listed
    padded: bool = False  # table `padded` (_row, field) holds the cells short rows lacked


def _reject_issues(con: Any, table: Table, column_of: dict[str, int],
                   limit: int) -> tuple[list[Issue], dict[str, int]]:
    """Issues for the records DuckDB could not split into the header's cells (listed up to `limit`)."""
    width = len(table.labels)
    offset = table.first_row - 2
    name_of = {i: name for name, i in column_of.items()}
    issues: list[Issue] = []
    more: dict[str, int] = {}
    # each row gives one issue per missing or extra cell (one for a row that cannot be split); a
    # short row of empty cells is reported once, as blank-row (by the checks of `ret`), not again
    # for each cell it lacks: one problem, one report, as the reference engine says it
    per_row = (f"CASE kind WHEN 'short' THEN {width} - coalesce(found_min, {width}) "
               f"WHEN 'long' THEN coalesce(found_max, {width + 1}) - {width} ELSE 1 END")
    rows = con.execute(f"""
        SELECT line, kind, found_min, found_max, errors, swallowed, sum({per_row}) OVER (PARTITION BY kind) AS n,
               row_number() OVER (PARTITION BY kind ORDER BY line) AS k
        FROM rej_line WHERE NOT (kind = 'short' AND empty) QUALIFY k <= {limit} ORDER BY line""").fetchall()
    listed: dict[str, int] = {}
    totals: dict[str, int] = {}
    for line, kind, found_min, found_max, errors, swallowed, total, _ in rows:
        row = int(line) + offset
        if kind == "short":
            n = found_min if found_min is not None else width
            new = [Issue(E.MISSING_CELL, f"row has {n} cell(s) but the header has {width}", row=row,
                         field=name_of.get(i, table.labels[i] or f"column {i + 1}")) for i in range(n, width)]
        elif kind == "long":
            n = found_max if found_max is not None else width + 1
            new = [Issue(E.EXTRA_CELL, f"row has {n} cells but the header has {width}", row=row,
                         note=f"cell {i + 1}") for i in range(width, n)]
        else:
            what = (f"it and the {swallowed} line(s) after it, up to the next closing quote, are not checked"
                    if swallowed else "it is not checked further")
            new = [Issue(E.SOURCE_ERROR, f"the row cannot be split into cells ({errors.lower()}): {what}", row=row)]
        issues.extend(new)
        if new:
            listed[new[0].code] = listed.get(new[0].code, 0) + len(new)
            totals[new[0].code] = int(total)
    for code, total in totals.items():
        if total > listed[code]:
            more[code] = more.get(code, 0) + total - listed[code]
    return issues, more


def load(con: Any, table: Table, fields: list[str], column_of: dict[str, int], limit: int = 1000) -> Frame:
    """Create `ret` with one column per field; `column_of` maps the fields present to their column."""
    width = len(table.labels)
    offset = table.first_row - 2  # spreadsheet row = CSV line number + offset
    # messages quote a cell only as far as needed to find it: a return can hold personal data
    con.execute(f"CREATE OR REPLACE TEMP MACRO clip(x) AS CASE WHEN length(x) > {MAX_CELL} "
                f"THEN left(x, {MAX_CELL - 1}) || '…' ELSE x END")
    if getattr(table, "frame", None) is not None:  # a DataFrame given to the Python API: no CSV
        from csc_outcomes.validators.dataframe import load_frame

        return load_frame(con, table, fields, column_of)
    con.execute(f"CREATE TABLE raw AS SELECT * FROM {_read_csv_sql(str(table.path), width, 'rej', table.max_line_size())}")
    records = con.execute("SELECT (SELECT count(*) FROM raw) + (SELECT count(DISTINCT line) FROM rej)").fetchone()[0]
    # fewer records than lines means empty lines (skipped by DuckDB) or line breaks inside cells
    if records + 1 != table.lines and table.keep_blank_lines():
        con.execute("DROP TABLE raw")
        con.execute(f"CREATE TABLE raw AS SELECT * FROM {_read_csv_sql(str(table.path), width, 'rej_again', table.max_line_size())}")
        con.execute("CREATE OR REPLACE TEMP TABLE rej AS SELECT * FROM rej_again")
    con.execute(_SUMMARY)
    issues, more = _reject_issues(con, table, column_of, limit)
    kept = con.execute("SELECT count(*) FROM raw").fetchone()[0]
    rejected = con.execute("SELECT count(*) FROM rej_line").fetchone()[0]
    select = ", ".join(
        (f"c{column_of[f]} AS {quote(f)}" if f in column_of else f"NULL::VARCHAR AS {quote(f)}")
        for f in fields)
    blank = " AND ".join(f"c{i} IS NULL" for i in range(width)) or "false"
    if not rejected:
        # the common case: every record read, in file order; a view costs no copy
        con.execute(f"CREATE VIEW ret AS SELECT rowid + {table.first_row} AS _row, ({blank}) AS _blank, "
                    f"{select} FROM raw")
        return Frame(rows=kept, rejected=0, issues=issues, more=more)
    short = _reparse_rows(con, table, width)
    # Rows DuckDB kept are numbered in file order, skipping the lines it rejected.
    con.execute(f"""
        CREATE TEMP TABLE rownum AS
        SELECT line + {offset} AS _row, row_number() OVER (ORDER BY line) - 1 AS k
        FROM range(2, {kept + rejected} + 2) r(line) ANTI JOIN rej_line USING (line)""")
    con.execute(f"""
        CREATE TABLE ret AS
        SELECT * FROM (
            SELECT n._row, ({blank}) AS _blank, {select}
            FROM (SELECT rowid AS k, * FROM raw) r JOIN rownum n USING (k)
            UNION ALL
            SELECT s.line + {offset} AS _row, ({blank}) AS _blank, {select}
            FROM (SELECT rowid AS k, * FROM short) r JOIN short_lines s USING (k))
        ORDER BY _row""")
    con.execute("DROP TABLE raw")
    # the cells a short row lacks: reported as missing-cell, so not again by the checks of `ret`
    fields_at = ", ".join(f"({i}, {_literal(f)})" for f, i in column_of.items())
    con.execute(f"""
        CREATE TEMP TABLE padded AS
        SELECT line + {offset} AS _row, f.field FROM rej_line JOIN (VALUES {fields_at}) f(i, field)
            ON f.i >= coalesce(found_min, {width})
        WHERE kind = 'short'""" if column_of else "CREATE TEMP TABLE padded (_row BIGINT, field VARCHAR)")
    return Frame(rows=kept + short, rejected=rejected - short, issues=issues, more=more, padded=True)
