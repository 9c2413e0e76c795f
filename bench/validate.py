"""Benchmark `csc-outcomes validate`: rows/s and peak memory for each engine, on one real-based file.

Builds a canonical return of N rows (default 1,000,000) by repeating the real 2025 rows of
examples/returns/valid/dfe-la-2025.csv over successive years (so keys stay unique), then times
the command line as a user runs it, and DuckDB alone reading and casting the same file.
Prints figures; asserts nothing. Usage:
    python bench/validate.py [--rows N] [--skip-frictionless]
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"

MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True)
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, proc.returncode)
"""

DUCKDB_ALONE = """
import sys, duckdb
path, width = sys.argv[1], int(sys.argv[2])
columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
con = duckdb.connect()
con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', columns={columns}, header=true, auto_detect=false)")
con.execute("SELECT count(*), count(TRY_CAST(c13 AS DOUBLE)), count(TRY_CAST(c14 AS DOUBLE)), "
            "count(TRY_CAST(c15 AS DOUBLE)) FROM t").fetchall()
"""


def build(path: Path, rows: int) -> None:
    with open(BASE, encoding="utf-8", newline="") as f:
        header, *base = list(csv.reader(f))
    year = header.index("time_period")
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        written, offset = 0, 0
        while written < rows:
            block = base[: rows - written]
            for row in block:
                row[year] = str(2025 + offset)
            writer.writerows(block)
            written += len(block)
            offset += 1


def measure(command: list[str]) -> tuple[float, float, int]:
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
    seconds, kib, code = out.stdout.split()
    return float(seconds), int(kib) / 1024, int(code)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-frictionless", action="store_true")
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("csc-outcomes"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "return.csv"
        started = time.perf_counter()
        build(path, args.rows)
        print(f"built {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
        results = {}
        alone, alone_mem, _ = measure([sys.executable, "-c", DUCKDB_ALONE, str(path), "16"])
        print(f"duckdb alone (read + cast):      {alone:7.2f} s  {args.rows / alone:12,.0f} rows/s  peak {alone_mem:6.0f} MiB")
        engines = ["duckdb"] + ([] if args.skip_frictionless else ["frictionless"])
        for engine in engines:
            report = Path(tmp) / f"{engine}.json"
            seconds, mem, code = measure([exe, "validate", str(path), "--engine", engine, "--format", "json",
                                          "--output", str(report)])
            stats = json.loads(report.read_text(encoding="utf-8"))["stats"]
            results[engine] = seconds
            print(f"validate --engine {engine:<12}  {seconds:7.2f} s  {args.rows / seconds:12,.0f} rows/s  "
                  f"peak {mem:6.0f} MiB  exit {code}  ({stats['errors']:,} errors, {stats['warnings']:,} warnings)")
        print(f"default engine / duckdb alone: {results['duckdb'] / alone:.2f}x the time")
        if "frictionless" in results:
            print(f"default engine speed-up over frictionless: {results['frictionless'] / results['duckdb']:.1f}x")


if __name__ == "__main__":
    main()
