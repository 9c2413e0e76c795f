"""Build the two local-variant examples in examples/harmonise/ from published DfE files.

Both hold real 2023-2025 figures for Hertfordshire and its ten DfE statistical neighbours
(2021 model), laid out as local systems export them, so that harmonising them must reproduce
the published rates:
  cla-counts-by-la.csv        3-digit LA codes, 2024-25 style periods, one column per measure,
                              counts without rates
  cin-performance-report.xlsx a title row above a two-row header (merged group cells), LA
                              names, and the year-end date as an Excel date
A maintainer's script (needs openpyxl); its outputs are committed.
Usage: python tools/build_la_examples.py
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "dfe"
OUT = ROOT / "examples" / "harmonise"
PLACES = ["919", "867", "931", "850", "358", "823", "825", "869", "938", "873", "868"]
YEARS = ["2023", "2024", "2025"]


def _rows(name: str):
    with open(DATA / name, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["geographic_level"] == "Local authority" and row["old_la_code"] in PLACES \
                    and row["time_period"] in YEARS:
                yield row


def cla_counts() -> None:
    measure = {"Children looked after on 31 March each year": "CLA at 31 March",
               "Children starting to be looked after each year": "Started in year",
               "Children ceasing to be looked after each year": "Ceased in year"}
    table: dict[tuple[str, str], dict[str, str]] = {}
    for row in _rows("cla_number_and_rate_per_10k_children.csv"):
        y = int(row["time_period"])
        key = (row["old_la_code"], f"{y - 1}-{y % 100:02d}")
        table.setdefault(key, {"LA Code": row["old_la_code"], "Local Authority": row["la_name"], "Year": key[1]})
        table[key][measure[row["population_type"]]] = row["children_count"]
    with open(OUT / "cla-counts-by-la.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ["LA Code", "Local Authority", "Year", *measure.values()], lineterminator="\r\n")
        writer.writeheader()
        for key in sorted(table):
            writer.writerow(table[key])


def cin_report() -> None:
    from openpyxl import Workbook

    referrals = {(r["old_la_code"], r["time_period"]): r for r in
                 _rows("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv")}
    plans = {(r["old_la_code"], r["time_period"]): r for r in _rows("d3_cpps_subsequent_plan_2013_to_2025.csv")}
    book = Workbook()
    ws = book.active
    ws.title = "CIN report"
    ws.append(["Children in need and child protection: benchmarking report (exported from the case management system)"])
    ws.append(["Local authority", "Year ending", "Referrals", None, "Child protection plans starting", None])
    ws.append([None, None, "Number", "Re-referrals within 12 months", "Number", "Second or subsequent plan"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:D2")
    ws.merge_cells("E2:F2")

    def cell(value: str):
        return int(value) if value.isdigit() else value

    for key in sorted(referrals, key=lambda k: (referrals[k]["la_name"], k[1])):
        r, p = referrals[key], plans[key]
        ws.append([r["la_name"], datetime.date(int(key[1]), 3, 31), cell(r["referral_count"]),
                   cell(r["rereferral_count"]), cell(p["CPP_start"]), cell(p["CPP_subsequent"])])
        ws.cell(ws.max_row, 2).number_format = "dd/mm/yyyy"
    book.properties.creator = "csc-outcomes"
    book.properties.created = book.properties.modified = datetime.datetime(2025, 1, 1)  # reproducible bytes
    book.save(OUT / "cin-performance-report.xlsx")


if __name__ == "__main__":
    cla_counts()
    cin_report()
