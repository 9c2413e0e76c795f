"""Benchmark `csc-outcomes compare`: one authority, every indicator the baseline holds; then every
authority, one file each. Prints wall time, CPU time and peak memory of each run (the targets:
one authority under 2 s, all under 60 s). Wall time on a shared machine is noisy: CPU time is
printed beside it.
Usage: python bench/compare.py [--format html|json]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(args: list[str]) -> tuple[float, float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "csc_outcomes", "compare", *args], capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", default="html", choices=["html", "json"])
    fmt = parser.parse_args().format
    with tempfile.TemporaryDirectory() as tmp:
        one = run(["--la", "919", "--format", fmt, "--output", str(Path(tmp) / f"919.{fmt}")])
        every = run(["--la", "all", "--format", fmt, "--output", str(Path(tmp) / "all")])
        files = len(list((Path(tmp) / "all").iterdir()))
    print(f"compare, every indicator, --format {fmt}")
    print(f"  one authority (919):      {one[0]:6.2f} s wall, {one[1]:6.2f} s CPU, peak {one[2]:,.0f} MiB")
    print(f"  every authority ({files}): {every[0]:6.2f} s wall, {every[1]:6.2f} s CPU, peak {every[2]:,.0f} MiB")


if __name__ == "__main__":
    main()
