"""Benchmark `csc-outcomes compute` at national scale: time and peak memory, printed.

Builds a national-sized record set by scaling the real synthetic records (tests/data/synthetic):
the SSDA903 return of Data to Insight's fake data (one year: 2,928 children, 5,509 episodes) is
copied N times with renamed child ids (CHILD -> CHILD + 'n<copy>') and every date shifted by a
few days per copy (-14 to +14), and the whole set is repeated for several consecutive years
(dates shifted by whole years), one folder of CSV tables per return as authorities export them.
The CIN census (fake_CIN_data.xml, 337 children) is copied M times with renamed ids into one XML.
Then every method of the framework runs for one year over all years given, in a child process,
with its wall time and peak resident memory.
Usage: python bench/compute.py [--copies 73] [--years 3] [--cin-copies 300] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SYN = ROOT / "tests" / "data" / "synthetic"
sys.path.insert(0, str(ROOT / "src"))
TABLES = ["header", "episodes", "uasc", "oc2", "oc3", "ad1", "placed_for_adoption", "previous_permanence",
          "missing", "reviews", "sw_episodes"]


def build_903(folder: Path, copies: int, years: int) -> None:
    import duckdb

    from csc_outcomes.records import model
    from csc_outcomes.records.sources import _identify_csv

    con = duckdb.connect()
    for table in TABLES:
        src = SYN / "d2i-903-fake" / f"{table}.csv"
        spec = model.tables()[_identify_csv(src)]
        cols = []
        for c in spec.columns:
            if c.name == "CHILD":
                cols.append("CHILD || 'n' || i AS CHILD")
            elif c.kind == "date":
                cols.append(f"strftime(try_strptime({c.name}, '%d/%m/%Y') + to_days(CAST((i % 29) - 14 AS INTEGER)) "
                            f"+ to_years(CAST(y AS INTEGER)), '%d/%m/%Y') AS {c.name}")
            else:
                cols.append(c.name)
        for y in range(years):
            target = folder / f"{2018 + y}" / f"{table}.csv"
            target.parent.mkdir(parents=True, exist_ok=True)
            con.execute(f"""COPY (SELECT {', '.join(cols)} FROM read_csv('{src}', all_varchar = true, header = true),
                                  range({copies}) r(i), (SELECT {y} AS y))
                            TO '{target}' (HEADER, DELIMITER ',')""")


def build_cin(path: Path, copies: int) -> int:
    text = (SYN / "d2i-cin-fake" / "fake_CIN_data.xml").read_text(encoding="utf-8")
    head, rest = text.split("<Children>", 1)
    body, tail = rest.rsplit("</Children>", 1)
    children = re.findall(r"<Child>.*?</Child>", body, flags=re.S)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(head + "<Children>")
        for i in range(copies):
            block = "".join(children)
            fh.write(re.sub(r"<LAchildID>(.*?)</LAchildID>", rf"<LAchildID>\1n{i}</LAchildID>", block))
        fh.write("</Children>" + tail)
    return copies * len(children)


def run(sources: list[Path], out: Path, year: int, label: str) -> dict:
    """One compute in a child process; its own wall time, CPU time (all threads) and peak memory."""
    import os

    exe = str(Path(sys.executable).with_name("csc-outcomes"))
    stdout = out.with_suffix(".json")
    start = time.perf_counter()
    with stdout.open("w") as fh:
        child = subprocess.Popen([exe, "compute", *map(str, sources), "--la", "370", "--year", str(year),
                                  "--output", str(out), "--format", "json"], stdout=fh, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{label}: compute failed with exit code {code}: {child.stderr.read().decode()[-2000:]}")
    report = json.loads(stdout.read_text())
    meta = report["meta"]
    tables = report["tasks"][0]["stats"]["tables"]
    computed = [t["name"] for t in report["tasks"][1:] if t["stats"].get("rows_written")]
    print(f"{label}: {seconds:.1f} s wall, {usage.ru_utime + usage.ru_stime:.1f} s CPU (all threads), "
          f"peak {usage.ru_maxrss / 1024:.0f} MiB, exit {code}")
    print(f"    reading records {meta['seconds_reading_records']:.1f} s wall, {len(computed)} methods "
          f"{meta['seconds_running_methods']:.1f} s wall; the rest: start-up, writing and validating the return")
    slowest = sorted(report["tasks"][1:], key=lambda t: -t["stats"].get("seconds", 0))[:3]
    print("    slowest methods: " + ", ".join(f"{t['name']} {t['stats']['seconds']:.1f} s" for t in slowest))
    for t in ("ssda903_header", "ssda903_episodes", "ssda903_reviews", "cin_childidentifiers", "cin_cindetails"):
        if t in tables:
            print(f"    {t}: {tables[t]['read']:,} read, {tables[t]['used']:,} used")
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=73, help="copies of the 903 return per year (73: ~400k episodes)")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--cin-copies", type=int, default=300, help="copies of the CIN census (300: ~100k children)")
    parser.add_argument("--keep", type=Path, help="build the records here and keep them")
    parser.add_argument("--reuse", type=Path, help="a folder --keep built earlier: skip building")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.reuse or args.keep or Path(tmp)
        started = time.perf_counter()
        if not args.reuse:
            build_903(folder / "ssda903", args.copies, args.years)
            n_cin = build_cin(folder / "cin.xml", args.cin_copies)
            size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
            print(f"built {args.years} years x {args.copies} copies of the SSDA903 return and {n_cin:,} CIN "
                  f"children ({size:.0f} MB) in {time.perf_counter() - started:.0f} s")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
        year = 2018 + args.years - 1
        # the target: every method, one year of the whole country (SSDA903 and CIN census)
        run([folder / "ssda903" / f"{year}", folder / "cin.xml"], Path(tmp) / "one.csv", year,
            f"every method, one year ({year}): SSDA903 + CIN census")
        run([folder / "ssda903", folder / "cin.xml"], Path(tmp) / "all.csv", year,
            f"every method, year {year} with {args.years} years of SSDA903 given + CIN census")

if __name__ == "__main__":
    main()
