"""Where `validate` spends its time, step by step, beside DuckDB's bare read of the same file.

bench/validate.py measures the whole command against DuckDB's typed read; this says why the
ratio is what it is. In one process, on a realistic national return (bench/national.py), it runs
the default engine's own steps (the same functions `validate_file` calls, in order) and times
each: the byte scan, loading the return, the reference tables, the one-row checks in their one
scan, then each query of the rule pack. Each step is run `--repeat` times on the same loaded
table and the fastest is printed, wall and CPU. It then prints the floor any engine with these
rules pays at the least: DuckDB's read plus the checks across rows (primary key, breakdown sums)
plus the byte scan, as a ratio to the read. The return is held in memory, as validate holds one
of up to 200 MB of text (a larger one goes to a work database; bench/validate.py times that at
5M rows). Asserts nothing. Usage:
    python bench/validate_steps.py [--rows 1000000] [--keep DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import national  # bench/national.py and bench/validate.py: bench/ is first on sys.path
from validate import typed_read_sql


def timed(step, repeat: int) -> tuple[float, float]:
    """(wall, CPU) seconds of the fastest of `repeat` runs of step()."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        step()
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the generated file here (and reuse it)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import duckdb

    from csc_outcomes.releases import load_release
    from csc_outcomes.validators import frame, pack_engine
    from csc_outcomes.validators.findings import Findings
    from csc_outcomes.validators.header import check_header
    from csc_outcomes.validators.reading import read_input
    from csc_outcomes.validators.validate import MEMORY_LIMIT

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"national-{args.rows}.csv"
        if not path.exists():
            national.generate(path, args.rows)
        print(f"{args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB), fastest of {args.repeat}, wall / CPU s")
        rows: list[tuple[str, float, float]] = []

        def show(label: str, wall: float, cpu: float) -> None:
            rows.append((label, wall, cpu))
            print(f"  {label:<44} {wall:6.3f}  {cpu:6.3f}", flush=True)

        spill = tempfile.TemporaryDirectory(prefix="bench-work-")
        config = {"memory_limit": MEMORY_LIMIT, "temp_directory": spill.name}
        bare = duckdb.connect()  # as bench/validate.py reads it: DuckDB's defaults, no memory limit
        bare_read = typed_read_sql(path, national.HEADER)
        show("DuckDB's typed read (the bench's floor)", *timed(lambda: bare.execute(bare_read), args.repeat))
        bare.close()

        release = load_release(None)
        pack = release.rule_pack
        fields = [f["name"] for f in release.table_schema["fields"]]
        opened: list = []
        show("byte scan (encoding, lines)", *timed(lambda: opened.append(read_input(path)), args.repeat))
        with opened[-1] as table:
            for extra in opened[:-1]:
                extra.close()
            header_check = check_header(table.labels, fields, header_row=0)
            connections: list = []

            def load() -> None:  # a fresh connection each time, as validate makes one
                for old in connections:
                    old.close()
                connections[:] = [duckdb.connect(config=config)]
                frame.load(connections[0], table, fields, header_check.column_of)

            show("load the return (read_csv with rejects)", *timed(load, args.repeat))
            con = connections[0]

            def reference() -> None:
                pack_engine.load_tables(con, pack["tables"])
                for sql in pack["setup"]:
                    con.execute(sql)

            show("reference tables and views", *timed(reference, args.repeat))
            types = pack_engine.error_types(pack)
            present = set(header_check.column_of)
            checks = [c for c in pack["row_checks"] if all(f in present for f in c["requires"])]
            show(f"{len(checks)} one-row checks, one scan", *timed(
                lambda: Findings().add_row_checks(con, "t", checks, types, None), args.repeat))
            for query in pack["queries"]:
                if all(f in present for f in query["requires"]):
                    show(f"query: {query['type']}", *timed(
                        lambda q=query: Findings().add_query(con, types[q["type"]], q["sql"]), args.repeat))
            con.close()
        spill.cleanup()

    cost = {label: (wall, cpu) for label, wall, cpu in rows}
    read = cost["DuckDB's typed read (the bench's floor)"]
    floor = [read, cost["byte scan (encoding, lines)"], cost["query: primary-key"],
             cost["query: breakdown-sum-mismatch"]]
    wall, cpu = sum(w for w, _ in floor), sum(c for _, c in floor)
    steps = [(w, c) for label, w, c in rows if label != "DuckDB's typed read (the bench's floor)"]
    print(f"  {'the steps above, added up':<44} {sum(w for w, _ in steps):6.3f}  {sum(c for _, c in steps):6.3f}"
          f"   x{sum(w for w, _ in steps) / read[0]:.2f} / x{sum(c for _, c in steps) / read[1]:.2f} of the read")
    print(f"  {'floor: read + byte scan + key + sums':<44} {wall:6.3f}  {cpu:6.3f}"
          f"   x{wall / read[0]:.2f} / x{cpu / read[1]:.2f} of the read, before any one-row check")
    print("(Python's start-up is left out of both; the machine may be shared, so compare the ratios)")


if __name__ == "__main__":
    sys.exit(main())
