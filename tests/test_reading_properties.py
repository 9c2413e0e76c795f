"""Property: whatever a well-formed CSV holds, the loader gives back every cell and row number.

Quotes, commas and line breaks inside cells, empty cells and empty rows: each record arrives in
`ret` once, with the row number a spreadsheet shows, and nothing is reported as broken.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csc_outcomes.validators import frame
from csc_outcomes.validators.reading import read_input

cell = st.text(alphabet='ab1 ,"\n£é', max_size=6)


@st.composite
def tables(draw):
    width = draw(st.integers(min_value=2, max_value=4))
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=12))
    return width, rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.booleans())
def test_every_record_arrives_once_with_its_row_number(table, crlf: bool):
    width, rows = table
    labels = [f"f{i}" for i in range(width)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n" if crlf else "\n")
            writer.writerow(labels)
            writer.writerows(rows)
        with read_input(path) as t:
            con = duckdb.connect()
            loaded = frame.load(con, t, labels, {name: i for i, name in enumerate(labels)})
            got = con.execute(f"SELECT _row, {', '.join(labels)} FROM ret ORDER BY _row").fetchall()
    assert loaded.issues == [] and loaded.rejected == 0
    assert [r[0] for r in got] == list(range(2, len(rows) + 2))
    assert [[c if c is not None else "" for c in r[1:]] for r in got] == rows
