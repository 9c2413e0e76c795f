"""Conformance at scale: both engines on a large error-dense national return must agree.

Generates a national return (bench/national.py) with a share of rows broken in mixed ways (default
1M rows, 9%), validates it with the default (DuckDB) engine and the reference (frictionless)
engine, and prints, per error type, the issues each counted (listed + counted beyond the cap)
and whether the listed (row, field, type) triples are the same. Exit 1 on any disagreement.
The suite keeps a small version of this (tests/test_engine_agreement.py). Usage:
    python bench/conformance.py [--rows 1000000] [--error-rate 0.09] [--seed 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

import national  # bench/national.py: a bench script runs with bench/ first on sys.path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    from csc_outcomes.validators.validate import validate_file

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--error-rate", type=float, default=0.09)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the generated file here (and reuse it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"dense-{args.rows}-{args.error_rate}-{args.seed}.csv"
        if not path.exists():
            broken = national.generate(path, args.rows, args.error_rate, args.seed)
            print(f"generated {args.rows:,} rows, {broken:,} with an error ({path.stat().st_size / 1e6:.0f} MB)")
        reports = {}
        for engine in ("duckdb", "frictionless"):
            started = time.perf_counter()
            reports[engine] = validate_file(path, engine=engine)
            seconds = time.perf_counter() - started
            print(f"{engine:<13} {seconds:7.1f} s  {args.rows / seconds:10,.0f} rows/s")
    counts = {}
    for engine, report in reports.items():
        task = report.tasks[0]
        listed = collections.Counter(i.code for i in task.issues)
        counts[engine] = {code: listed[code] + task.more.get(code, 0) for code in set(listed) | set(task.more)}
    fast, ref = counts["duckdb"], counts["frictionless"]
    print(f"{'type':<32} {'duckdb':>10} {'frictionless':>13}")
    for code in sorted(set(fast) | set(ref)):
        mark = "" if fast.get(code) == ref.get(code) else "   <-- differ"
        print(f"{code:<32} {fast.get(code, 0):>10,} {ref.get(code, 0):>13,}{mark}")
    listed = [sorted((i.row or 0, i.field or "", i.code) for i in reports[e].issues) for e in reports]
    same = listed[0] == listed[1] and fast == ref
    print(f"listed issues: {len(listed[0]):,} and {len(listed[1]):,}; "
          + ("the engines agree" if same else "THE ENGINES DISAGREE"))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
