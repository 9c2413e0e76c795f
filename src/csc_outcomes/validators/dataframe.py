"""A DataFrame or Arrow table given to the Python API goes to DuckDB as it is: no CSV round trip.

DuckDB scans a pandas or polars DataFrame, or an Arrow table, in place. Its cells are turned to
text the way the file readers turn a spreadsheet's cells to text (a whole-number float 805.0
is `805`; an empty string or NaN is an empty cell), so a frame and the same data saved as CSV or
XLSX give the same report. Rows are numbered as if the frame were written to a sheet with its
header on row 1: the first row is row 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csc_outcomes.validators.reading import InputError, Table

KINDS = {"pandas": "pandas DataFrame", "polars": "polars DataFrame", "pyarrow": "Arrow table"}


def kind_of(data: Any) -> str | None:
    """'pandas', 'polars' or 'pyarrow' for the in-memory tables the API accepts, else None."""
    root = type(data).__module__.split(".")[0]
    return root if root in KINDS else None


@dataclass
class FrameTable(Table):
    """A Table whose rows are in memory (`frame`) rather than in a CSV file at `path`."""

    frame: Any = None


def frame_table(data: Any, name: str | None = None) -> FrameTable:
    kind = kind_of(data)
    if kind is None:
        raise InputError(f"cannot validate a {type(data).__name__}: give a file path, a pandas or polars "
                         "DataFrame, or an Arrow table")
    if kind == "pyarrow" and type(data).__name__ == "RecordBatch":
        import pyarrow as pa

        data = pa.Table.from_batches([data])
    labels = [str(c) for c in (data.column_names if kind == "pyarrow" else data.columns)]
    if len(set(labels)) != len(labels):
        repeated = sorted({label for label in labels if labels.count(label) > 1})
        raise InputError(f"the {KINDS[kind]} has repeated column names ({', '.join(repeated)}); rename them")
    label = name or f"<{KINDS[kind]}>"
    return FrameTable(path=Path(label), labels=labels, source=Path(label), first_row=2,
                      notes=[f"read from a {KINDS[kind]} in memory"], frame=data)


def _as_text(column: str, sql_type: str) -> str:
    from csc_outcomes.validators.frame import quote

    c = quote(column)
    kind = sql_type.upper()
    if kind in ("DOUBLE", "FLOAT", "REAL") or kind.startswith("DECIMAL"):
        x = f"CAST({c} AS DOUBLE)"
        return (f"CASE WHEN {c} IS NULL OR isnan({x}) THEN NULL "
                f"WHEN isfinite({x}) AND {x} = trunc({x}) AND abs({x}) < 1e15 THEN CAST(CAST({x} AS BIGINT) AS VARCHAR) "
                f"ELSE CAST({c} AS VARCHAR) END")
    if kind == "VARCHAR":
        return f"NULLIF({c}, '')"
    return f"NULLIF(CAST({c} AS VARCHAR), '')"


def load_frame(con: Any, table: FrameTable, fields: list[str], column_of: dict[str, int]) -> Any:
    """Create `raw` (c0, c1, ... as text) and the view `ret` from the frame; the Frame of frame.load."""
    from csc_outcomes.validators.frame import Frame, quote

    con.register("user_frame", table.frame)
    described = con.execute("DESCRIBE SELECT * FROM user_frame").fetchall()
    cells = ", ".join(f"{_as_text(col, sql_type)} AS c{i}" for i, (col, sql_type, *_) in enumerate(described))
    con.execute(f"CREATE TABLE raw AS SELECT {cells} FROM user_frame")
    con.unregister("user_frame")
    width = len(described)
    select = ", ".join(
        (f"c{column_of[f]} AS {quote(f)}" if f in column_of else f"NULL::VARCHAR AS {quote(f)}") for f in fields)
    blank = " AND ".join(f"c{i} IS NULL" for i in range(width)) or "false"
    con.execute(f"CREATE VIEW ret AS SELECT rowid + {table.first_row} AS _row, ({blank}) AS _blank, {select} FROM raw")
    rows = con.execute("SELECT count(*) FROM raw").fetchone()[0]
    return Frame(rows=rows, rejected=0, issues=[], more={})


def write_csv(table: FrameTable, target: Path) -> None:
    """The frame as the UTF-8 CSV the reference engine reads (it reads files, by design)."""
    import duckdb

    from csc_outcomes.validators.frame import quote

    con = duckdb.connect()
    try:
        con.register("user_frame", table.frame)
        described = con.execute("DESCRIBE SELECT * FROM user_frame").fetchall()
        cells = ", ".join(f"{_as_text(col, t)} AS {quote(col)}" for col, t, *_ in described)
        path = str(target).replace("'", "''")
        con.execute(f"COPY (SELECT {cells} FROM user_frame) TO '{path}' (HEADER, DELIMITER ',')")
    finally:
        con.close()

