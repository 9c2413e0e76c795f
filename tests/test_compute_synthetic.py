"""compute on the real third-party synthetic records (Data to Insight, Social Finance; MIT).

Every figure is pinned, and each is cross-checked by an independent count written here in plain
Python (csv module and xml.etree over the source files), sharing nothing with the SQL methods
or the readers: if a method or a reader drifts from the rule, the two disagree.
"""

from __future__ import annotations

import csv
import datetime as dt
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from csc_outcomes.records.compute import compute
from csc_outcomes.validators.validate import validate_file

SYN = Path(__file__).resolve().parent / "data" / "synthetic"
ONS = Path(__file__).resolve().parents[1] / "src" / "csc_outcomes" / "harmonise" / "data" / "ons_mye_0_17.csv"
SHORT_BREAKS = {"V3", "V4"}


# ------------------------------------------------------------------ independent counting
def _d(text: str | None, fmt: str = "%d/%m/%Y") -> dt.date | None:
    text = (text or "").strip()
    try:
        return dt.datetime.strptime(text, fmt).date() if text else None
    except ValueError:
        return None


def _episodes_csv(files: list[Path]) -> list[dict]:
    """Episodes of several returns; the same (CHILD, DECOM) in two returns: the later file wins
    (files are named by year here, so sorting them sorts the returns)."""
    merged: dict[tuple, dict] = {}
    loose = []
    for f in sorted(files):
        with f.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                row = {k: (v.strip().upper() if v and v.strip() else None) for k, v in row.items()}
                row["DECOM"], row["DEC"] = _d(row["DECOM"]), _d(row["DEC"])
                if row["DECOM"] is None:
                    loose.append(row)
                else:
                    merged[(row["CHILD"], row["DECOM"])] = row
    return list(merged.values()) + loose


def _episodes_xml(path: Path) -> list[dict]:
    out = []
    for child in ET.parse(path).getroot().iter("CHILD"):
        cid = child.find("HEADER/CHILDID").text.strip()
        for ep in child.iter("EPISODE"):
            get = lambda tag: (ep.findtext(tag) or "").strip().upper() or None  # noqa: E731
            out.append({"CHILD": cid, "DECOM": _d(get("DECOM")), "DEC": _d(get("DEC")), "RNE": get("RNE"),
                        "LS": get("LS"), "PLACE": get("PL"), "REC": get("REC")})
    return out


def cla_counts(episodes: list[dict], year: int) -> dict[str, tuple[int, int | None]]:
    start, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    by_child: dict[str, list[dict]] = {}
    for e in episodes:
        if e["DECOM"] is None or (e["DECOM"] <= end and (e["DEC"] is None or e["DEC"] >= start)):
            by_child.setdefault(e["CHILD"], []).append(e)
    count = starts = ceased = three = 0
    for eps in by_child.values():
        if any(e["DECOM"] is None or (e["DEC"] is not None and e["DEC"] < e["DECOM"]) for e in eps):
            continue  # invalid dates: left out of every count
        open_ = sorted((e for e in eps if e["DECOM"] <= end and (e["DEC"] is None or e["DEC"] > end)),
                       key=lambda e: e["DECOM"])
        in_care = bool(open_) and open_[-1]["LS"] not in SHORT_BREAKS
        count += in_care
        starts += any(e["RNE"] == "S" and e["DECOM"] >= start and e["LS"] not in SHORT_BREAKS for e in eps)
        ceased += any(e["DEC"] is not None and e["DEC"] <= end and e["REC"] not in (None, "X1")
                      and e["LS"] not in SHORT_BREAKS for e in eps)
        if in_care:
            placements = 0
            for i, e in enumerate(sorted((e for e in eps if e["LS"] not in SHORT_BREAKS), key=lambda e: e["DECOM"])):
                placements += (i == 0 or e["RNE"] == "S" or
                               (e["RNE"] in ("P", "T", "U", "B") and e["PLACE"] not in (None, "A3", "A5")))
            three += placements >= 3
    return {"cla_count_31mar": (count, None), "cla_starts": (starts, None), "cla_ceased": (ceased, None),
            "cla_3plus_placements_pct": (three, count)}


def cin_counts(path: Path, year: int) -> dict[str, tuple[int, int]]:
    start, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    in_need = 0
    referrals: dict[str, set] = {}
    for child in ET.parse(path).getroot().iter("Child"):
        cid = child.findtext("ChildIdentifiers/LAchildID").strip()
        details = [(_d(d.findtext("CINreferralDate"), "%Y-%m-%d"), _d(d.findtext("CINclosureDate"), "%Y-%m-%d"),
                    (d.findtext("ReferralNFA") or "").strip().lower() in ("true", "1")) for d in child.iter("CINdetails")]
        window = [x for x in details if x[0] is None or (x[0] <= end and (x[1] is None or x[1] >= start))]
        if window and not any(r is None or (c is not None and c < r) for r, c, _ in window):
            in_need += any((c is None or c > end) and not nfa for r, c, nfa in window)
        referrals.setdefault(cid, set()).update(r for r, _, _ in details if r is not None)
    made = repeat = 0
    for dates in referrals.values():
        ordered = sorted(dates)
        for prev, this in zip([None] + ordered, ordered):
            if start <= this <= end:
                made += 1
                back = this.replace(year=this.year - 1) if not (this.month == 2 and this.day == 29) else this.replace(
                    year=this.year - 1, day=28)
                repeat += prev is not None and prev >= back
    return {"cin_count_31mar": (in_need, None), "cin_rereferral_12m_pct": (repeat, made)}


def ons(gss: str, mid_year: int) -> int:
    with ONS.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["new_la_code"] == gss and row["time_period"] == str(mid_year):
                return int(row["population_estimate"])
    raise LookupError(gss)


def rate(n: int, pop: int, dp: int = 0) -> str:
    return str((Decimal(n) / Decimal(pop) * 10000).quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP))


def pct(n: int, d: int, dp: int = 0) -> str:
    return str((Decimal(n) / Decimal(d) * 100).quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP))


def _return(path: Path) -> dict[tuple[str, str, str], dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {(r["indicator_id"], r["breakdown_topic"], r["breakdown"]): r for r in csv.DictReader(fh)}


# ------------------------------------------------------------------ the data sets
BARNSLEY = ("370", "E08000016")
PINNED_CIN = (0, 3, 54)  # the CSVs carry no authority; any authority in force will do

CASES = [
    # name, sources, year, independent episodes, pinned (count, starts, ceased, 3+ placements)
    ("d2i-903-csv", [p for p in sorted((SYN / "d2i-903-fake").glob("*.csv"))], 2018,
     lambda: _episodes_csv([SYN / "d2i-903-fake" / "episodes.csv"]), (1201, 101, 657, 334)),
    ("d2i-903-xml", [SYN / "d2i-903-fake" / "fake_903.xml"], 2018,
     lambda: _episodes_xml(SYN / "d2i-903-fake" / "fake_903.xml"), (110, 9, 62, 31)),
    ("cs-demand-model-2019", [SYN / "cs-demand-model"], 2019,
     lambda: _episodes_csv(sorted((SYN / "cs-demand-model").glob("*-episodes.csv"))), (288, 13, 185, 65)),
    ("cs-demand-model-2021", [SYN / "cs-demand-model"], 2021,
     lambda: _episodes_csv(sorted((SYN / "cs-demand-model").glob("*-episodes.csv"))), None),
]


@pytest.mark.parametrize("name,sources,year,episodes,pinned", CASES, ids=[c[0] for c in CASES])
def test_ssda903_records_compute_to_a_valid_return_with_independently_counted_figures(
        tmp_path, name, sources, year, episodes, pinned):
    out = tmp_path / "return.csv"
    outcome = compute(sources, BARNSLEY[0], year, out)
    report = validate_file(out)
    assert report.valid, report.to_dict()
    got = _return(out)
    want = cla_counts(episodes(), year)
    pop = ons(BARNSLEY[1], year - 1)
    total = lambda ident: got[(ident, "Total", "Total")]  # noqa: E731
    assert total("cla_count_31mar")["value"] == str(want["cla_count_31mar"][0])
    assert total("cla_rate_31mar")["numerator"] == str(want["cla_count_31mar"][0])
    assert total("cla_rate_31mar")["denominator"] == str(pop)
    assert total("cla_rate_31mar")["value"] == rate(want["cla_count_31mar"][0], pop)
    assert total("cla_starts_rate")["numerator"] == str(want["cla_starts"][0])
    assert total("cla_starts_rate")["value"] == rate(want["cla_starts"][0], pop)
    assert total("cla_ceased_rate")["numerator"] == str(want["cla_ceased"][0])
    assert total("cla_ceased_rate")["value"] == rate(want["cla_ceased"][0], pop)
    n, d = want["cla_3plus_placements_pct"]
    assert (total("cla_3plus_placements_pct")["numerator"], total("cla_3plus_placements_pct")["denominator"],
            total("cla_3plus_placements_pct")["value"]) == (str(n), str(d), pct(n, d))
    if pinned:
        assert (want["cla_count_31mar"][0], want["cla_starts"][0], want["cla_ceased"][0], n) == pinned
    # the sex breakdown adds up to the total (validate checks it too)
    assert sum(int(r["numerator"]) for k, r in got.items() if k[0] == "cla_count_31mar" and k[1] == "sex") \
        <= want["cla_count_31mar"][0]
    # no child identifier anywhere in the return or the report
    children = {e["CHILD"] for e in episodes()}
    text = out.read_text(encoding="utf-8") + str(outcome.report.to_dict())
    assert not any(f",{c}," in text or f"'{c}'" in text for c in children if len(c) > 3)


def test_cin_census_computes_with_independently_counted_figures(tmp_path):
    out = tmp_path / "return.csv"
    source = SYN / "d2i-cin-fake" / "fake_CIN_data.xml"
    outcome = compute([source], BARNSLEY[0], 2022, out)
    assert validate_file(out).valid
    got = _return(out)
    want = cin_counts(source, 2022)
    pop = ons(BARNSLEY[1], 2021)
    row = got[("cin_rate_31mar", "Total", "Total")]
    assert (row["numerator"], row["denominator"], row["value"]) == (
        str(want["cin_count_31mar"][0]), str(pop), rate(want["cin_count_31mar"][0], pop, 1))
    n, d = want["cin_rereferral_12m_pct"]
    row = got[("cin_rereferral_12m_pct", "Total", "Total")]
    assert (row["numerator"], row["denominator"], row["value"]) == (str(n), str(d), pct(n, d, 1))
    # every referral in this file ends in no further action, so no child is in need on 31 March
    assert (want["cin_count_31mar"][0], n, d) == PINNED_CIN
    # the census says it is authority 975's: compute warns that --la says otherwise
    assert any(i.code == "records-other-authority" for i in outcome.report.issues)


@pytest.mark.slow
@pytest.mark.parametrize("source,year", [
    ("d2i-cin-fake/CIN_Census_2021.xml", 2021), ("d2i-cin-fake/CIN_Census_2024.xml", 2024),
    ("d2i-cin-fake/CIN_Census_2026.xml", 2024), ("d2i-903-fake", 2018), ("cs-demand-model", 2018),
    ("cs-demand-model", 2020), ("cs-demand-model", 2022)])
def test_every_synthetic_file_computes_to_a_return_that_validates(tmp_path, source, year):
    out = tmp_path / "return.csv"
    outcome = compute([SYN / source], "370", year, out)
    report = validate_file(out)
    assert report.valid, report.to_dict()
    assert not [t for t in outcome.report.tasks if t.name == str(out)]  # compute's own check agrees
