"""The harmonised CSV is written as DuckDB writes CSV, in source order, the same bytes every run.

The engine writes pre-quoted cells with DuckDB's raw writer (harmonise/csv_text.py) and formats
computed values without printf (engine._fixed), for speed on a million rows: these tests hold
both to the text DuckDB itself would write, on the cells that are hard to get right.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csc_outcomes.harmonise import csv_text
from csc_outcomes.harmonise.engine import _fixed, harmonise
from conftest import ROOT

DFE = ROOT / "tests" / "data" / "dfe"
TRICKY = ["", " ", "a", "a,b", 'say "hi"', '"', '""', ",", "line\nbreak", "cr\rhere", "crlf\r\n", " lead",
          "trail ", "tab\there", "semi;colon", "back\\slash", "'quote'", "£12", "é,ü", "x" * 60, None]


def _duckdb_writes(con, values: list[str | None], select: str, options: str, path: Path) -> bytes:
    con.execute("CREATE OR REPLACE TEMP TABLE v (i INTEGER, x VARCHAR)")
    con.executemany("INSERT INTO v VALUES (?, ?)", list(enumerate(values)))
    con.execute(f"COPY (SELECT {select} AS x, 'tail' AS y FROM v ORDER BY i) TO '{path}' ({options})")
    return path.read_bytes()


def _same_as_duckdb(values: list[str | None], tmp_path: Path) -> None:
    con = duckdb.connect()
    ours = _duckdb_writes(con, values, csv_text.cell("x"), csv_text.RAW, tmp_path / "ours.csv")
    theirs = _duckdb_writes(con, values, "x", "HEADER, DELIMITER ','", tmp_path / "duckdb.csv")
    assert ours == theirs
    # a constant is quoted in Python by the same rule
    for value in values:
        if value is not None:
            row = con.execute(f"SELECT {csv_text.cell('$1::VARCHAR')}", [value]).fetchone()[0]
            assert csv_text.quoted(value) == row


def test_cells_are_quoted_exactly_as_duckdb_quotes_them(tmp_path: Path):
    _same_as_duckdb(TRICKY, tmp_path)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from('ab ,"\n\r;\t\'é'), max_size=8)),
                min_size=1, max_size=20))
def test_any_cell_is_quoted_exactly_as_duckdb_quotes_it(tmp_path_factory, values):
    _same_as_duckdb(values, tmp_path_factory.mktemp("cells"))


@pytest.mark.parametrize("dp", [0, 1, 2, 3])
def test_computed_values_have_the_text_printf_gives(dp: int):
    con = duckdb.connect()
    awkward = [0.0, -0.0, 0.5, 1.5, 2.5, -0.5, -1.5, 2.675, 1.005, 0.125, -0.004, 0.0049999, 49.5, 1e14 + 0.5,
               -123456.789, 999999999999999.0, 1e300, -1e300, float("inf"), float("-inf"), float("nan"), None]
    con.execute("CREATE TEMP TABLE t (x DOUBLE)")
    con.executemany("INSERT INTO t VALUES (?)", [(x,) for x in awkward])
    con.execute("INSERT INTO t SELECT (random() - 0.5) * pow(10, (random() * 18)::INTEGER - 4) FROM range(20000)")
    different = con.execute(f"SELECT x, printf('%.{dp}f', round(x, {dp})) AS a, {_fixed('x', dp)} AS b FROM t "
                            "WHERE a IS DISTINCT FROM b LIMIT 5").fetchall()
    assert different == []


def _read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_output_rows_follow_the_source_rows_within_each_mapping(tmp_path: Path):
    out, lineage = tmp_path / "out.csv", tmp_path / "lineage.csv"
    harmonise(ROOT / "examples" / "harmonise" / "cla-counts-by-la.csv",
              ROOT / "mappings" / "examples" / "cla-counts-by-la.yaml", out, lineage)
    lines = [r for r in _read(lineage)[1:] if r[0] == "output"]
    indicators = [r[3] for r in lines]
    # one block per mapping, in the spec's order, each in source-row order
    assert [i for n, i in enumerate(indicators) if n == 0 or indicators[n - 1] != i] == [
        "cla_rate_31mar", "cla_starts_rate", "cla_ceased_rate"]
    for indicator in set(indicators):
        rows = [int(r[2]) for r in lines if r[3] == indicator]
        assert rows == sorted(rows) == list(range(2, 35))
    assert [int(r[1]) for r in lines] == list(range(2, len(lines) + 2))


def test_harmonising_twice_writes_the_same_bytes(tmp_path: Path):
    # the OHID file joins places by GSS code with backdating: its output order once followed
    # DuckDB's hash tables and changed from run to run
    source, spec = DFE / "la_hospital_admissions_2324.csv", ROOT / "mappings" / "dfe" / "hospital-admissions-injuries.yaml"
    written = []
    for run in ("first", "second"):
        out, lineage = tmp_path / f"{run}.csv", tmp_path / f"{run}-lineage.csv"
        harmonise(source, spec, out, lineage)
        written.append((out.read_bytes(), lineage.read_bytes()))
    assert written[0] == written[1]
    assert len(written[0][0].splitlines()) > 2000
