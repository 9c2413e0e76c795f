"""The methods exported for PostgreSQL give the same figures as DuckDB, on a real PostgreSQL
server this test starts (Debian's postgresql package): over every conformance scenario and over
third-party synthetic SSDA903 records. T-SQL and Spark output must at least parse back."""

from __future__ import annotations

import datetime
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pytest

from conftest import DATA, ROOT
from csc_outcomes.catalogue.model import load_catalogue
from csc_outcomes.records.conformance import create_tables, load_rows, load_scenarios, record_tables
from csc_outcomes.records.export import DIALECTS, transpile
from csc_outcomes.records.methods import methods_of, units_table

PACK = ROOT / "indicators" / "conformance"
TABLES = record_tables(PACK)
METHODS = methods_of(load_catalogue(ROOT / "indicators"))
SYNTHETIC = DATA / "synthetic" / "d2i-903-fake"
# the CSV files of the synthetic return and the record table each one is
SYNTHETIC_FILES = {"episodes.csv": "ssda903_episodes", "header.csv": "ssda903_header", "uasc.csv": "ssda903_uasc",
                   "oc2.csv": "ssda903_oc2", "oc3.csv": "ssda903_oc3", "missing.csv": "ssda903_missing",
                   "sw_episodes.csv": "ssda903_swepisodes"}
PG_TYPES = {"DATE": "DATE", "INTEGER": "INTEGER", "VARCHAR": "TEXT"}


def _bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """A private PostgreSQL cluster in a temporary folder, reached by a unix socket there only.
    PostgreSQL refuses to run as root, so as root the server runs as the unprivileged 'nobody'."""
    psycopg = pytest.importorskip("psycopg")
    bindir = _bindir()
    if bindir is None:
        pytest.fail("PostgreSQL is not installed: apt-get install -y postgresql (.ci/run does this)")
    root = Path(tempfile.mkdtemp(prefix="csc-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "nobody")
        shutil.chown(sock, "nobody")
        os.chmod(root, 0o755)
        as_user = ["runuser", "-u", "nobody", "--"]
    port = _free_port()
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "csc", "--auth=trust",
                    "--encoding=UTF8", "--no-locale"], check=True, capture_output=True)
    subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"),
                    "-o", f"-k {sock} -p {port} -c listen_addresses=''", "start"], check=True, capture_output=True)
    try:
        with psycopg.connect(host=str(sock), port=port, user="csc", dbname="postgres", autocommit=True) as con:
            yield con
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


_CREATED: set[str] = set()


def _copy_to_postgres(duck, pg, schema: str) -> None:
    """The record tables and params of a DuckDB connection, copied into a Postgres schema (made
    once, emptied before each copy: DDL is the slow part on a loaded machine)."""
    if schema not in _CREATED:
        pg.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        pg.execute(f"CREATE SCHEMA {schema}")
        pg.execute(f"CREATE TABLE {schema}.params (period_start DATE, period_end DATE, year INTEGER)")
        for name, columns in TABLES.items():
            pg.execute(f"CREATE TABLE {schema}.{name} ({', '.join(f'{c} {PG_TYPES[t]}' for c, t in columns.items())})")
        _CREATED.add(schema)
    pg.execute(f"SET search_path TO {schema}")
    pg.execute(f"TRUNCATE params, {', '.join(TABLES)}")
    pg.execute("INSERT INTO params VALUES (%s, %s, %s)", duck.execute("SELECT * FROM params").fetchone())
    for name, columns in TABLES.items():
        rows = duck.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} FROM "{name}"').fetchall()
        if rows:
            with pg.cursor().copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)


def _units(rows) -> list[tuple]:
    """Per-unit rows in a comparable form: ids as text, numbers rounded, sorted."""
    out = []
    for row in rows:
        out.append(tuple(round(float(v), 9) if isinstance(v, (int, float)) or type(v).__name__ == "Decimal"
                         else v for v in row))
    return sorted(out, key=repr)


def _compare(duck, pg, method) -> tuple[list[tuple], list[tuple]]:
    table = units_table(duck, method)
    columns = [r[0] for r in duck.execute(f'DESCRIBE "{table}"').fetchall()]
    mine = _units(duck.execute(f'SELECT * FROM "{table}"').fetchall())
    sql = transpile(method.sql, "postgres", method.indicator_id)
    theirs = _units(pg.execute(f"SELECT {', '.join(columns)} FROM ({sql}) AS u").fetchall())
    return mine, theirs


@pytest.mark.slow
@pytest.mark.parametrize("scenario", load_scenarios(PACK), ids=lambda s: s.id)
def test_postgres_gives_duckdbs_units_on_every_scenario(postgres, scenario):
    duck = duckdb.connect()
    create_tables(duck, TABLES, int(scenario.data["year"]))
    load_rows(duck, TABLES, scenario)
    _copy_to_postgres(duck, postgres, "scenario")
    mine, theirs = _compare(duck, postgres, METHODS[scenario.indicator])
    assert mine and theirs == mine


def _load_synthetic(duck, year: int) -> None:
    """The synthetic CSVs as record tables, the way the contract shapes them (dates dd/mm/yyyy to
    DATE, codes trimmed and upper-cased, blanks NULL): a stand-in for the readers, for this test."""
    create_tables(duck, TABLES, year)
    for file, table in SYNTHETIC_FILES.items():
        columns = TABLES[table]
        raw = duck.read_csv(str(SYNTHETIC / file), all_varchar=True, header=True)
        present = [c.lstrip("\ufeff") for c in raw.columns]
        duck.register("raw", raw)
        select = []
        for source, column in zip(raw.columns, present):
            if column not in columns:
                continue
            cell = f"NULLIF(TRIM(\"{source}\"), '')"
            kind = columns[column]
            select.append((column, f"TRY_STRPTIME({cell}, '%d/%m/%Y')::DATE" if kind == "DATE"
                           else f"TRY_CAST({cell} AS INTEGER)" if kind == "INTEGER" else f"UPPER({cell})"))
        names = ", ".join(f'"{c}"' for c, _ in select)
        duck.execute(f'INSERT INTO "{table}" ({names}) SELECT DISTINCT {", ".join(e for _, e in select)} FROM raw')
        duck.unregister("raw")


@pytest.fixture(scope="module")
def synthetic(postgres):
    duck = duckdb.connect()
    _load_synthetic(duck, 2018)
    _copy_to_postgres(duck, postgres, "synthetic")
    return duck


@pytest.mark.slow
@pytest.mark.parametrize("indicator", sorted(i for i in METHODS if not i.startswith(("cin_", "cpp_"))))
def test_postgres_gives_duckdbs_units_on_synthetic_ssda903(postgres, synthetic, indicator):
    postgres.execute("SET search_path TO synthetic")
    mine, theirs = _compare(synthetic, postgres, METHODS[indicator])
    assert theirs == mine
    assert len(mine) >= 50  # every child (or care leaver, for OC3 measures) of the return is a unit


def test_synthetic_31_march_count_agrees_with_a_plain_python_count(synthetic):
    """The 31 March stock of the synthetic 2018 return, counted from the CSV in plain Python."""
    import csv

    from csc_outcomes.records.methods import aggregate

    end = datetime.date(2018, 3, 31)
    children, invalid = {}, set()
    with open(SYNTHETIC / "episodes.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            decom = datetime.datetime.strptime(row["DECOM"], "%d/%m/%Y").date() if row["DECOM"] else None
            dec = datetime.datetime.strptime(row["DEC"], "%d/%m/%Y").date() if row["DEC"] else None
            if decom is not None and decom > end or (dec is not None and dec < datetime.date(2017, 4, 1)):
                continue  # not in the year
            if decom is None or (dec is not None and dec < decom):
                invalid.add(row["CHILD"])
            if decom is not None and decom <= end and (dec is None or dec > end):
                children.setdefault(row["CHILD"], []).append((decom, row["LS"].strip().upper()))
    counted = {c for c, eps in children.items() if max(eps)[1] not in ("V3", "V4") and c not in invalid}
    total = aggregate(synthetic, METHODS["cla_count_31mar"])[0]
    assert total.numerator == len(counted) and len(counted) > 1000


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_method_transpiles_and_parses_back(dialect):
    import sqlglot

    for ident, method in METHODS.items():
        out = transpile(method.sql, dialect, ident)
        tree = sqlglot.parse_one(out, read=dialect)
        assert [e.alias_or_name for e in tree.selects][:4] == ["unit_id", "numerator", "denominator", "exclusion"]
        if dialect == "tsql":  # SQL Server has no INTERVAL literal: date arithmetic is DATEADD
            assert "INTERVAL" not in out


def test_export_command_writes_one_file_per_method(tmp_path, cli):
    result = cli("methods", "export", "--dialect", "tsql", "--output", str(tmp_path / "tsql"))
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "tsql").glob("*.sql"))
    assert files == sorted(f"{i}.sql" for i in METHODS)
    text = (tmp_path / "tsql" / "cla_long_term_stability_pct.sql").read_text(encoding="utf-8")
    assert text.startswith("-- cla_long_term_stability_pct: the method of csc-outcomes framework version")
    assert "DATEADD(MONTH, -30, period_end)" in text


def test_export_command_refuses_a_file_as_folder_and_an_unknown_indicator(tmp_path, cli):
    target = tmp_path / "taken.sql"
    target.write_text("keep me", encoding="utf-8")
    result = cli("methods", "export", "--dialect", "spark", "--output", str(target))
    assert result.returncode == 2 and "is a file; give a folder" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me"
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "cla_count_31mar.sql").write_text("-- my own query\n", encoding="utf-8")
    result = cli("methods", "export", "--dialect", "postgres", "--output", str(folder))
    assert result.returncode == 2 and "not written by this command" in result.stderr
    assert (folder / "cla_count_31mar.sql").read_text(encoding="utf-8") == "-- my own query\n"
    assert sorted(p.name for p in folder.iterdir()) == ["cla_count_31mar.sql"]
    again = cli("methods", "export", "--dialect", "postgres", "--output", str(tmp_path / "twice"))
    again = cli("methods", "export", "--dialect", "postgres", "--output", str(tmp_path / "twice"))
    assert again.returncode == 0, again.stderr  # re-exporting over its own files is fine
    result = cli("methods", "export", "--dialect", "postgres", "--indicator", "cla_rate_31march")
    assert result.returncode == 2 and "no method for cla_rate_31march" in result.stderr
    assert "Traceback" not in result.stderr
