"""A realistic national return of any size, error-free or with errors mixed in at a given rate.

Every row follows the standard as the shipped release defines it: for each period, England, every
region and every local authority whose code is in force on the indicator's reference date (its
year convention: 31 March, 30 September, 31 August, 31 December), every indicator of the
catalogue with every breakdown it declares. Figures are consistent: value = numerator /
denominator x multiplier at the indicator's decimal places, a count's value is its numerator,
and breakdowns that sum to the total do. Periods run on from 2010 until N rows are written, so a
5M-row file is as valid as a 1M-row one.

With --error-rate, that share of rows carries one error of a mixed kind (wrong types, blank
required cells, codes out of list, broken patterns, value mismatches, duplicate keys, breakdowns
that no longer add up, out-of-date codes, decimal commas, short rows...), so both engines can
be compared on an error-dense file. Deterministic for a given --seed. Usage:
    python bench/national.py OUT.csv [--rows N] [--error-rate 0.09] [--seed 1] [--version 1.0.0]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from csc_outcomes.catalogue.conventions import TIME_IDENTIFIER  # noqa: E402
from csc_outcomes.releases import load_release  # noqa: E402

HEADER = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
          "region_name", "new_la_code", "old_la_code", "la_name", "indicator_id", "breakdown_topic", "breakdown",
          "numerator", "denominator", "value"]
KINDS = ["type", "required", "enum", "pattern", "value", "negative", "exceeds", "breakdown", "duplicate",
         "la_name", "region", "identifier", "blank_value", "decimal_comma", "short", "out_of_date", "part",
         "recomputable", "country"]


def _date(text: str | None, default: datetime.date) -> datetime.date:
    return datetime.date.fromisoformat(text) if text else default


class National:
    """The catalogue read once: places by reference date, indicators with their breakdowns."""

    def __init__(self, version: str | None = None):
        catalogue = load_release(version).catalogue
        self.regions = [(str(r["code"]), r["label"]) for r in catalogue.code_lists["regions"]["codes"]]
        region_label = dict(self.regions)
        # joint workforce returns stand for two authorities: a national file lists the authorities
        self.las = [c for c in catalogue.code_lists["local-authorities"]["codes"]
                    if " / " not in str(c["code"]) and c.get("legacy_code")]
        self.region_label = region_label
        self.indicators = []
        for ind in catalogue.indicators.values():
            if ind["status"] in ("deprecated", "retired"):  # a return of this version reports their successors
                continue
            breakdowns = [(d["topic"], [str(c["code"]) for c in catalogue.code_lists[d["code_list"]]["codes"]],
                           bool(d["sums_to_total"])) for d in ind.get("disaggregations") or []]
            self.indicators.append((ind, breakdowns))
        self._places: dict[datetime.date, list[list[str]]] = {}

    def places(self, when: datetime.date) -> list[list[str]]:
        """[level, region_code, region_name, new_la_code, old_la_code, la_name] in force on `when`."""
        if when not in self._places:
            rows = [["National", "", "", "", "", ""]]
            rows += [["Regional", code, label, "", "", ""] for code, label in self.regions]
            for la in self.las:
                if _date(la.get("valid_from"), datetime.date.min) <= when <= _date(la.get("valid_to"),
                                                                                    datetime.date.max):
                    parent = la["parent"]
                    rows.append(["Local authority", parent, self.region_label[parent], str(la["code"]),
                                 str(la["legacy_code"]), la["label"]])
            self._places[when] = rows
        return self._places[when]


def _fmt(x: float, dp: int) -> str:
    return f"{x:.{dp}f}"


def _split(total: float, parts: int, rng: random.Random, minimum: int = 0) -> list[int]:
    """`total` (an integer) cut into `parts` integers, each at least `minimum`, adding up exactly."""
    total = int(total)
    spare = total - minimum * parts
    cuts = sorted(rng.randint(0, spare) for _ in range(parts - 1))
    bounds = [0, *cuts, spare]
    return [minimum + bounds[i + 1] - bounds[i] for i in range(parts)]


def _within(total: int, dens: list[int]) -> list[int]:
    """`total` split in proportion to the parts' denominators, no part above its own: a
    percentage's breakdown is consistent in every part, not only in its sum."""
    parts = [total * d // sum(dens) for d in dens]
    for i, d in enumerate(dens):
        if sum(parts) == total:
            break
        while parts[i] < d and sum(parts) < total:
            parts[i] += 1
    return parts


def _figures(ind: dict, rng: random.Random, num: float | None = None, den: float | None = None) -> list[str]:
    """[numerator, denominator, value] for one row, consistent with the indicator's definition."""
    kind, dp, mult = ind["measure_type"], int(ind["decimal_places"]), ind.get("multiplier")
    n_dp = (ind.get("numerator") or {}).get("reported_decimal_places") or 0
    d_dp = (ind.get("denominator") or {}).get("reported_decimal_places") or 0
    if ind.get("denominator"):
        if den is None:
            den = round(rng.uniform(20, 60000), d_dp) if d_dp else rng.randint(20, 60000)
        if num is None:
            share = rng.random() if kind in ("percentage", "proportion") else rng.uniform(0, 0.05 if kind == "rate" else 3)
            num = round(den * share, n_dp) if n_dp else int(den * share)
        value = num / den * float(mult or 1)
        return [_fmt(num, n_dp), _fmt(den, d_dp), _fmt(value, dp)]
    if num is None:
        num = rng.randint(0, 5000)
    value = num if kind == "count" else rng.uniform(10, 900)
    return [_fmt(num, 0), "", _fmt(value, dp)]


def _period(ind: dict, year: int) -> tuple[str, str, datetime.date]:
    p = ind["period"]
    identifier, digits = TIME_IDENTIFIER[p["year_convention"]]
    placed = p.get("places_on") or p["reference_date"]  # the day the figure places children in authorities
    month, day = int(placed[2:4]), int(placed[5:7])
    period = f"{year - 1}{year % 100:02d}" if digits == 6 else str(year)
    return period, identifier, datetime.date(year, month, day)


def rows(national: National, seed: int = 1):
    """Error-free rows, period after period, without end."""
    rng = random.Random(seed)
    year = 2010
    while True:
        for ind, breakdowns in national.indicators:
            period, identifier, when = _period(ind, year)
            head = [period, identifier]
            for place in national.places(when):
                geo = [place[0], "E92000001", "England", *place[1:]]
                total = _figures(ind, rng)
                yield head + geo + [ind["id"], "Total", "Total", *total]
                for topic, codes, sums in breakdowns:
                    if sums:
                        dens = (_split(float(total[1]), len(codes), rng, minimum=1) if ind.get("denominator")
                                else [None] * len(codes))
                        if ind["measure_type"] in ("percentage", "proportion") and ind.get("denominator"):
                            num = _within(int(float(total[0])), dens)  # no part counts more than it is of
                        else:
                            num = _split(float(total[0]), len(codes), rng)
                        for code, n, d in zip(codes, num, dens):
                            yield head + geo + [ind["id"], topic, code, *_figures(ind, rng, n, d)]
                    else:
                        for code in codes:
                            yield head + geo + [ind["id"], topic, code, *_figures(ind, rng)]
        year += 1


def _inject(row: list[str], kind: str, rng: random.Random) -> list[list[str]]:
    """The row with one error of `kind` (a duplicate is the row twice)."""
    r = list(row)
    level = r[2]
    if kind == "type":
        r[15] = rng.choice(["n/a", "1 024", "12%", ":"])
    elif kind == "required":
        r[1] = ""
    elif kind == "enum":
        r[2] = level.lower()
    elif kind == "pattern" and level == "Local authority":
        r[8] = r[8] + "0"
    elif kind == "value" and r[15] not in ("", "c"):
        r[15] = str(float(r[15]) * 1.5 + 3)
    elif kind == "negative" and r[13]:
        r[13] = "-" + r[13]
    elif kind == "exceeds" and r[14]:
        r[13] = str(float(r[14]) + 10)
    elif kind == "breakdown":
        r[12] = "Unknown" if r[11] != "Total" else "All"
    elif kind == "duplicate":
        return [r, list(r)]
    elif kind == "la_name" and level == "Local authority":
        r[9] = "Nowhere"
    elif kind == "region" and level != "National":
        r[5] = "E12000009" if r[5] != "E12000009" else "E12000001"
    elif kind == "identifier":
        r[1] = "Calendar year" if r[1] != "Calendar year" else "Reporting year"
    elif kind == "blank_value":
        r[15] = ""
    elif kind == "decimal_comma":
        r[15] = "12,5"  # written unquoted: one cell too many
    elif kind == "short":
        r = r[:14]
    elif kind == "out_of_date" and level == "Local authority":
        # a code not in force on the reference date: Cumberland before 2023, Northamptonshire after 2021
        r[5:10] = (["E12000002", "North West", "E06000063", "942", "Cumberland"] if int(r[0][:4]) < 2022
                   else ["E12000004", "East Midlands", "E10000021", "928", "Northamptonshire"])
    elif kind == "part" and r[11] != "Total" and r[13]:
        r[13] = str(int(float(r[13])) + 3)
    elif kind == "recomputable" and r[14]:
        r[15] = "c"
    elif kind == "country":
        r[4] = "Englnd"
    return [r]


def generate(path: Path, n: int, error_rate: float = 0.0, seed: int = 1, version: str | None = None) -> int:
    """Write n data rows (plus the header) to path; return the number of rows given an error."""
    national = National(version)
    rng = random.Random(seed + 1)
    broken = 0
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        block: list[list[str]] = []
        commas: list[int] = []  # rows whose decimal comma must stay unquoted
        for row in rows(national, seed):
            if written >= n:
                break
            if error_rate and rng.random() < error_rate:
                out = _inject(row, rng.choice(KINDS), rng)
                broken += 1
            else:
                out = [row]
            for r in out[: n - written]:
                if r[-1] == "12,5":
                    commas.append(len(block))
                block.append(r)
                written += 1
            if len(block) >= 50_000:
                _flush(f, writer, block, commas)
                block, commas = [], []
        _flush(f, writer, block, commas)
    return broken


def _flush(f, writer, block: list[list[str]], commas: list[int]) -> None:
    """Write a block of rows; a decimal comma is written unquoted, so it really splits the cell."""
    start = 0
    for i in commas:
        writer.writerows(block[start:i])
        line = io.StringIO()
        csv.writer(line, lineterminator="").writerow(block[i][:-1])
        f.write(line.getvalue() + ",12,5\n")
        start = i + 1
    writer.writerows(block[start:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--error-rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--version", default=None, help="framework version (default: the newest shipped)")
    args = parser.parse_args()
    started = time.perf_counter()
    broken = generate(args.output, args.rows, args.error_rate, args.seed, args.version)
    print(f"wrote {args.rows:,} rows ({broken:,} with an error) to {args.output} "
          f"({args.output.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
