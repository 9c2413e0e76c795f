"""Benchmark `csc-outcomes harmonise`: rows/s at N input rows (default 1,000,000), printed.

Builds a wide local export by repeating the real rows of examples/harmonise/cla-counts-by-la.csv,
cycling their periods over 2012-13 to 2024-25 (the years the shipped population estimates
cover), then harmonises it with mappings/examples/cla-counts-by-la.yaml: reshape to long, map
3-digit codes to GSS codes by date, join the ONS population, compute rates, write the lineage.
Prints rows/s and the peak memory of the harmonise process, then the time DuckDB alone takes to
read the same file into a table of text (the floor any engine on DuckDB starts from) as a ratio.
Usage: python bench/harmonise.py [--rows N]
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "examples" / "harmonise" / "cla-counts-by-la.csv"
SPEC = ROOT / "mappings" / "examples" / "cla-counts-by-la.yaml"


def build(path: Path, rows: int) -> None:
    with open(BASE, encoding="utf-8", newline="") as f:
        header, *base = list(csv.reader(f))
    year = header.index("Year")
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        written, shift = 0, 0
        while written < rows:
            block = [list(r) for r in base[: rows - written]]
            for r in block:
                start = 2012 + (int(r[year][:4]) - 2022 + 3 * shift) % 13
                r[year] = f"{start}-{(start + 1) % 100:02d}"
            writer.writerows(block)
            written += len(block)
            shift += 1


def output_mb(folder: str) -> float:
    return sum(p.stat().st_size for p in Path(folder).glob("*.csv") if p.name != "local.csv") / 1e6


def bare_read(path: Path) -> float:
    """Seconds DuckDB takes to read the file into a table of text, as harmonise's reader does."""
    import duckdb

    con = duckdb.connect()
    start = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', all_varchar = true, header = true)")
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("csc-outcomes"))
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "local.csv"
        build(source, args.rows)
        print(f"built {args.rows:,} input rows ({source.stat().st_size / 1e6:.0f} MB, 3 measures each)")
        start = time.perf_counter()
        run = subprocess.run([exe, "harmonise", str(source), "--mapping", str(SPEC), "--output",
                              str(Path(tmp) / "out.csv"), "--lineage", str(Path(tmp) / "lineage.csv")],
                             capture_output=True, text=True)
        seconds = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak = usage.ru_maxrss / 1024
        summary = next((line for line in run.stdout.splitlines() if line.startswith("rows in")), run.stderr[-300:])
        print(f"harmonise: {seconds:.2f} s, {args.rows / seconds:,.0f} input rows/s, peak {peak:.0f} MiB, "
              f"exit {run.returncode}")
        print(summary)
        # on a busy machine the wall time says more about the others: the CPU time is the process's own
        print(f"harmonise CPU: {usage.ru_utime:.2f} s user + {usage.ru_stime:.2f} s system; "
              f"{output_mb(tmp):,.0f} MB of output and lineage written")
        read = bare_read(source)
        print(f"DuckDB's bare read of the same file: {read:.2f} s; harmonise takes {seconds / read:.1f}x that")


if __name__ == "__main__":
    main()
