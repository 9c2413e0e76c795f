"""Benchmark `csc-outcomes validate` against DuckDB's own typed read of the same file.

For each size (default 1M and 5M rows) a realistic error-free national return is generated
(bench/national.py: every authority in force, every indicator and breakdown, consistent figures),
then, each in a child process as a user runs it:
  - DuckDB alone reading the file into a typed table (read_csv, numbers cast to DOUBLE): the floor;
  - `csc-outcomes validate` with the default engine (and the frictionless engine on the first size).
Prints wall time, CPU time (user + sys, less sensitive to other load on the machine), rows/s,
the ratio to DuckDB's read, and peak memory (max RSS of the child). Also the start-up figures:
`csc-outcomes --help` and the 1,222-row example. Asserts nothing. Usage:
    python bench/validate.py [--rows 1000000 5000000] [--skip-frictionless] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import national  # bench/national.py: a bench script runs with bench/ first on sys.path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"

# run a command; print wall seconds, CPU seconds of the child, its peak RSS (KiB), exit code
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, proc.returncode)
if proc.returncode not in (0, 1):
    sys.stderr.write(proc.stderr.decode()[-2000:])
"""

# run one SQL statement on a new in-memory DuckDB, with its defaults
DUCKDB_ALONE = """
import sys, duckdb
duckdb.connect().execute(sys.argv[1])
"""


def typed_read_sql(path: Path, header: list[str]) -> str:
    """DuckDB's bare typed read, the floor validate is compared with: the same columns, the
    numbers parsed, into table t."""
    columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in header) + "}"
    typed = ", ".join(f"TRY_CAST({c} AS DOUBLE) AS {c}" if c in ("numerator", "denominator", "value") else c
                      for c in header)
    target = str(path).replace("'", "''")
    return (f"CREATE OR REPLACE TABLE t AS SELECT {typed} FROM read_csv('{target}', columns={columns}, "
            "header=true, auto_detect=false)")


def measure(command: list[str]) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak MiB, exit code) of a command run in a child process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
    seconds, cpu, kib, code = out.stdout.split()
    return float(seconds), float(cpu), int(kib) / 1024, int(code)


def line(label: str, rows: int, wall: float, cpu: float, mem: float, extra: str = "") -> None:
    print(f"  {label:<32} {wall:7.2f} s  cpu {cpu:7.2f} s  {rows / wall:11,.0f} rows/s  peak {mem:6.0f} MiB{extra}")


def startup(exe: str) -> None:
    print("start-up (best of 3)")
    helps = [measure([exe, "--help"])[0] for _ in range(3)]
    print(f"  csc-outcomes --help              {min(helps):7.2f} s")
    runs = [measure([exe, "validate", str(EXAMPLE)]) for _ in range(3)]
    best = min(runs)
    print(f"  validate (1,222-row example)     {best[0]:7.2f} s  cpu {best[1]:5.2f} s  exit {best[3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--skip-frictionless", action="store_true")
    parser.add_argument("--keep", type=Path, help="write the generated files here (and reuse them)")
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("csc-outcomes"))
    startup(exe)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for index, rows in enumerate(args.rows):
            path = folder / f"national-{rows}.csv"
            if not path.exists():
                started = time.perf_counter()
                national.generate(path, rows)
                print(f"generated {rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in "
                      f"{time.perf_counter() - started:.0f} s")
            print(f"{rows:,} rows ({path.stat().st_size / 1e6:.0f} MB)")
            wall0, cpu0, mem0, _ = measure([sys.executable, "-c", DUCKDB_ALONE, typed_read_sql(path, national.HEADER)])
            line("duckdb typed read", rows, wall0, cpu0, mem0)
            engines = ["duckdb"] + ([] if args.skip_frictionless or index > 0 else ["frictionless"])
            for engine in engines:
                report = folder / f"report-{engine}-{rows}.json"
                wall, cpu, mem, code = measure([exe, "validate", str(path), "--engine", engine, "--format", "json",
                                                "--output", str(report)])
                stats = json.loads(report.read_text(encoding="utf-8"))["stats"]
                line(f"validate --engine {engine}", rows, wall, cpu, mem,
                     f"  exit {code}  x{wall / wall0:.2f} wall, x{cpu / cpu0:.2f} cpu of the read"
                     f"  ({stats['errors']:,} errors, {stats['warnings']:,} warnings)")
    print("(figures from one run each; the machine may be shared, so compare the ratios)")


if __name__ == "__main__":
    main()
