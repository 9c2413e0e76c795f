"""Build examples/returns/valid/dfe-la-2025.csv from published DfE files (tests/data/dfe).

Every local authority's 2025 figures for eight dfe-national indicators, in the canonical return
format, numerator and denominator beside the published value. A maintainer's script: its output
is committed, and the test suite checks that it validates clean and still equals publication.
Usage: python tools/build_example_return.py > examples/returns/valid/dfe-la-2025.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "dfe"
COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
           "region_name", "new_la_code", "old_la_code", "la_name", "indicator_id", "breakdown_topic", "breakdown",
           "numerator", "denominator", "value"]
CLA = {"Children looked after on 31 March each year": "cla_rate_31mar",
       "Children starting to be looked after each year": "cla_starts_rate",
       "Children ceasing to be looked after each year": "cla_ceased_rate"}
# indicator: (numerator column, denominator columns added together, value column)
CSWW = {"sw_vacancy_rate_fte": ("vacancy_fte", ("vacancy_fte", "inpost_fte"), "vacancy_rate_fte"),
        "sw_turnover_rate_fte": ("leavers_fte", ("inpost_fte",), "turnover_rate_fte"),
        "sw_agency_rate_fte": ("agency_fte", ("agency_fte", "inpost_fte"), "agency_rate_fte"),
        "sw_caseload_fte": ("cases", ("case_holders_fte",), "caseload_fte")}


def _rows(name: str, year: str):
    with open(DATA / name, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["time_period"] == year and row["geographic_level"] == "Local authority":
                yield row


def _place(row: dict) -> dict:
    return {k: row[k] for k in COLUMNS[:10]}


def _sum(row: dict, columns: tuple[str, ...]) -> str:
    values = [row[c] for c in columns]
    symbol = next((v for v in values if not v.replace(".", "", 1).isdigit()), None)
    return symbol if symbol is not None else f"{sum(float(v) for v in values):.1f}"


def main() -> None:
    out = csv.DictWriter(sys.stdout, COLUMNS, lineterminator="\n")
    out.writeheader()
    total = {"breakdown_topic": "Total", "breakdown": "Total"}
    for row in _rows("cla_number_and_rate_per_10k_children.csv", "2025"):
        out.writerow({**_place(row), "indicator_id": CLA[row["population_type"]], **total,
                      "numerator": row["children_count"], "denominator": row["population_estimate"],
                      "value": row["rate_per_10000"]})
    for row in _rows("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", "2025"):
        out.writerow({**_place(row), "indicator_id": "cin_rereferral_12m_pct", **total,
                      "numerator": row["rereferral_count"], "denominator": row["referral_count"],
                      "value": row["rereferral_percent"]})
    for row in _rows("csww_indicators_2017_to_2025.csv", "2025"):
        for indicator, (num, den, value) in CSWW.items():
            out.writerow({**_place(row), "indicator_id": indicator, **total,
                          "numerator": row[num], "denominator": _sum(row, den), "value": row[value]})


if __name__ == "__main__":
    main()
