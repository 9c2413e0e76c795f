"""The framework's rules once more, in plain Python, row by row: the reference for rules.py.

`--engine frictionless` runs these after frictionless-py has checked the Table Schema, so that
engine shares nothing with the DuckDB engine but the header check and the reading of the file.
The conformance suite requires both engines to report the same (row, field, type); a
disagreement is a bug in one of them. Slow by design, and written to be read.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator

from csc_outcomes.catalogue import Catalogue
from csc_outcomes.catalogue.conventions import SYMBOLS, TIME_IDENTIFIER
from csc_outcomes.report import Issue, Severity
from csc_outcomes.report.model import clip
from csc_outcomes.validators import errors as E

PERIOD = re.compile(r"^[0-9]{4}([0-9]{2})?$")
GEOGRAPHY = {
    "National": ([], ["region_code", "region_name", "new_la_code", "old_la_code", "la_name"]),
    "Regional": (["region_code", "region_name"], ["new_la_code", "old_la_code", "la_name"]),
    "Local authority": (["region_code", "region_name", "new_la_code", "old_la_code", "la_name"], []),
}


def _number(cell: str | None) -> float | None:
    if cell is None or cell in SYMBOLS:
        return None
    try:
        return float(cell)
    except ValueError:
        return None


def _date(text: str | None, default: datetime.date) -> datetime.date:
    return datetime.date.fromisoformat(text) if text else default


def _fmt(x: float) -> str:
    return str(int(x)) if x == round(x) and abs(x) < 1e15 else repr(x)


def read_rows(path: Path, first_row: int, labels: list[str], column_of: dict[str, int],
              fields: list[str]) -> Iterator[tuple[int, dict[str, str | None]]]:
    """(spreadsheet row, cells by field) for every non-blank record, blank cells as None."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        for number, cells in enumerate(reader, start=first_row):
            if not any(c != "" for c in cells):
                continue
            yield number, {name: (cells[i] if i < len(cells) and cells[i] != "" else None)
                           for name, i in column_of.items() if name in fields}


class Reference:
    """What the rules need from the release, as Python dictionaries."""

    def __init__(self, catalogue: Catalogue):
        self.indicators = catalogue.indicators
        self.codes: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.sums: dict[tuple[str, str], bool] = {}
        for ind in catalogue.indicators.values():
            for d in ind.get("disaggregations") or []:
                self.codes[(ind["id"], d["topic"])] = {str(c["code"]) for c in catalogue.code_lists[d["code_list"]]["codes"]}
                self.sums[(ind["id"], d["topic"])] = bool(d["sums_to_total"])
        self.las = {str(c["code"]): c for c in catalogue.code_lists["local-authorities"]["codes"]}
        self.regions = {str(c["code"]): c for c in catalogue.code_lists["regions"]["codes"]}

    def reference_date(self, ind: dict[str, Any], period: str | None) -> datetime.date | None:
        if period is None or not PERIOD.match(period):
            return None
        p = ind["period"]
        _, digits = TIME_IDENTIFIER[p["year_convention"]]
        if len(period) != digits:
            return None
        year = int(period[:4]) + (1 if digits == 6 else 0)
        placed = p.get("places_on") or p["reference_date"]  # the day authorities are judged on
        return datetime.date(year, int(placed[2:4]), int(placed[5:7]))


def _half(places: int | None) -> float:
    return 0.0 if places is None else 0.5 * 10 ** -places


def row_issues(number: int, r: dict[str, str | None], ref: Reference) -> Iterator[Issue]:
    """Every framework rule for one row, in the order of rules.row_rules()."""
    g = r.get
    period, ind = g("time_period"), ref.indicators.get(g("indicator_id") or "")
    num, den, val = _number(g("numerator")), _number(g("denominator")), _number(g("value"))
    if period and re.match(r"^[0-9]{6}$", period) and int(period[4:]) != (int(period[2:4]) + 1) % 100:
        yield Issue(E.PERIOD_NOT_CONSECUTIVE, f"the second year of {clip(period)} should be "
                    f"{(int(period[2:4]) + 1) % 100:02d}", row=number, field="time_period", cell=period)
    if ind and g("time_identifier") and period and PERIOD.match(period):
        identifier, digits = TIME_IDENTIFIER[ind["period"]["year_convention"]]
        if g("time_identifier") != identifier or len(period) != digits:
            yield Issue(E.TIME_IDENTIFIER, f"{ind['id']} is a {ind['period']['year_convention'].replace('_', ' ')} "
                        f"measure: expected '{identifier}' with a {digits}-digit time_period", row=number,
                        field="time_identifier", cell=g("time_identifier"))
    if g("country_code") == "E92000001" and g("country_name") != "England":
        yield Issue(E.COUNTRY_NAME, "E92000001 is England", row=number, field="country_name", cell=g("country_name"))
    if ind:
        topic, breakdown = g("breakdown_topic"), g("breakdown")
        if topic is not None and breakdown is not None:
            if topic == "Total" and breakdown != "Total":
                yield Issue(E.BREAKDOWN, "with breakdown_topic Total the breakdown is Total", row=number,
                            field="breakdown", cell=breakdown)
            elif topic != "Total" and breakdown not in ref.codes.get((ind["id"], topic), set()):
                yield Issue(E.BREAKDOWN, f"{clip(breakdown)} is not a declared breakdown of {ind['id']}",
                            row=number, field="breakdown", cell=breakdown)
    if g("value") is None:
        yield Issue(E.MISSING_VALUE, "value is blank", row=number, field="value")
    if ind:
        has_num, has_den = bool(ind.get("numerator")), bool(ind.get("denominator"))
        if has_num and g("numerator") is None and ind["measure_type"] != "count":
            yield Issue(E.MISSING_NUMERATOR, f"{ind['id']} defines a numerator", row=number, field="numerator")
        if has_den and g("denominator") is None:
            yield Issue(E.MISSING_DENOMINATOR, f"{ind['id']} defines a denominator", row=number, field="denominator")
        if not has_den and g("denominator") not in (None, "z"):
            yield Issue(E.UNEXPECTED_DENOMINATOR, f"{ind['id']} has no denominator", row=number,
                        field="denominator", cell=g("denominator"))
    for field, x in (("numerator", num), ("denominator", den)):
        if x is not None and x < 0:
            yield Issue(E.NEGATIVE, f"{field} is negative", row=number, field=field, cell=g(field))
    if ind:
        kind, mult, dp = ind["measure_type"], ind.get("multiplier"), ind["decimal_places"]
        if val is not None and val < 0 and kind in ("count", "proportion", "percentage", "rate", "currency", "duration"):
            yield Issue(E.NEGATIVE, "value is negative", row=number, field="value", cell=g("value"))
        if kind in ("percentage", "proportion") and num is not None and den is not None and num > den:
            yield Issue(E.NUMERATOR_EXCEEDS, "numerator is larger than the denominator", row=number,
                        field="numerator", cell=g("numerator"))
        has_den = bool(ind.get("denominator"))
        if has_den and den == 0 and val is not None:
            etype = E.ZERO_DENOMINATOR if val != 0 else E.ZERO_OVER_ZERO
            yield Issue(etype, "the denominator is 0: the value is z", row=number, field="value", cell=g("value"))
        if has_den and mult is not None and den is not None and den > 0 and num is not None and val is not None:
            expected = num / den * mult
            tolerance = (_half(dp) + mult * (_half((ind["numerator"] or {}).get("reported_decimal_places")) / den
                         + abs(num) * _half((ind["denominator"] or {}).get("reported_decimal_places")) / (den * den))
                         + 1e-9 * abs(expected))
            if abs(val - expected) > tolerance:
                yield Issue(E.VALUE_MISMATCH, f"value {g('value')} but {g('numerator')} / {g('denominator')} x "
                            f"{_fmt(mult)} = {expected:.{dp + 2}f}", row=number, field="value", cell=g("value"))
        if kind == "count" and num is not None and val is not None and val != num:
            yield Issue(E.VALUE_MISMATCH, f"value {g('value')} but the count is {g('numerator')}", row=number,
                        field="value", cell=g("value"))
    if g("value") == "c" and num is not None and den is not None:
        yield Issue(E.RECOMPUTABLE, "value is suppressed but numerator and denominator are given", row=number,
                    field="value", cell="c")
    la = ref.las.get(g("new_la_code") or "") if g("geographic_level") == "Local authority" else None
    if la and ind:
        when = ref.reference_date(ind, period)
        if when and not (_date(la.get("valid_from"), datetime.date.min) <= when
                         <= _date(la.get("valid_to"), datetime.date.max)):
            figures = num is not None or den is not None or val is not None
            yield Issue(E.LA_NOT_VALID if figures else E.LA_PLACEHOLDER,
                        f"{la['code']} ({la['label']}) is not valid on {when}", row=number, field="new_la_code",
                        cell=la["code"])
    if la:
        legacy = la.get("legacy_code")
        if g("old_la_code") is not None and legacy is not None and g("old_la_code") != legacy:
            yield Issue(E.LA_MISMATCH, f"{la['code']} is {legacy}", row=number, field="old_la_code",
                        cell=g("old_la_code"))
        if g("la_name") is not None and g("la_name").strip().lower() != la["label"].lower():
            yield Issue(E.LA_MISMATCH, f"{la['code']} is {la['label']}", row=number, field="la_name", cell=g("la_name"))
        region, parent = g("region_code"), la.get("parent")
        if region is not None and parent is not None and region != parent:
            region_parent = (ref.regions.get(region) or {}).get("parent")
            parent_parent = (ref.regions.get(parent) or {}).get("parent")
            if region_parent != parent and parent_parent != region:
                yield Issue(E.REGION_MISMATCH, f"{la['label']} is in {parent}", row=number, field="region_code",
                            cell=region)
    region = ref.regions.get(g("region_code") or "")
    if region and g("region_name") is not None and g("region_name").strip().lower() != region["label"].lower():
        yield Issue(E.REGION_MISMATCH, f"{region['code']} is {region['label']}", row=number, field="region_name",
                    cell=g("region_name"))
    filled, blank = GEOGRAPHY.get(g("geographic_level") or "", ([], []))
    for col in filled:
        if g(col) is None:
            yield Issue(E.GEOGRAPHY_COLUMNS, f"{g('geographic_level')} rows need {col}", row=number, field=col)
    for col in blank:
        if g(col) is not None:
            yield Issue(E.GEOGRAPHY_COLUMNS, f"{g('geographic_level')} rows leave {col} blank", row=number,
                        field=col, cell=g(col))


def table_issues(rows: list[tuple[int, dict[str, str | None]]], ref: Reference) -> Iterator[Issue]:
    """Rules across rows: breakdowns adding up to their Total, and indicators mixing match types."""
    groups: dict[tuple, list[tuple[int, dict]]] = defaultdict(list)
    totals: dict[tuple, tuple[int, dict]] = {}
    matches: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for number, r in rows:
        ind = r.get("indicator_id")
        if ind is None:
            continue
        matches[ind]["exact" if (r.get("match_type") or "exact") == "exact" else "other"].append(number)
        place = (r.get("time_period"), r.get("time_identifier"), r.get("geographic_level"), r.get("region_code"),
                 r.get("new_la_code"), ind)
        if r.get("breakdown_topic") == "Total":
            totals.setdefault(place, (number, r))
        elif ref.sums.get((ind, r.get("breakdown_topic") or "")) and \
                r.get("breakdown") in ref.codes.get((ind, r.get("breakdown_topic")), set()):
            groups[place + (r.get("breakdown_topic"),)].append((number, r))
    for key, parts in groups.items():
        total = totals.get(key[:-1])
        ind = ref.indicators.get(key[5])
        if total is None or ind is None or len(parts) != len(ref.codes[(key[5], key[6])]):
            continue
        for field, quantity in (("numerator", "numerator"), ("denominator", "denominator")):
            values = [_number(r.get(field)) for _, r in parts]
            whole = _number(total[1].get(field))
            if whole is None or any(v is None for v in values):
                continue
            error = len(parts) * _half((ind.get(quantity) or {}).get("reported_decimal_places"))
            if abs(sum(values) - whole) > error + 1e-9:
                yield Issue(E.BREAKDOWN_SUM, f"the {key[6]} rows add up to {_fmt(sum(values))}, the Total row says "
                            f"{_fmt(whole)}", row=total[0], field=field, cell=_fmt(whole))
    # a status belongs to the indicator: said once, at the first row reporting it
    first: dict[str, int] = {}
    count: dict[str, int] = defaultdict(int)
    for number, r in rows:
        ident = r.get("indicator_id")
        if ident in ref.indicators:
            first.setdefault(ident, number)
            count[ident] += 1
    for ident, number in first.items():
        ind = ref.indicators[ident]
        status = {"deprecated": E.INDICATOR_DEPRECATED, "retired": E.INDICATOR_RETIRED,
                  "draft": E.INDICATOR_DRAFT}.get(ind["status"])
        if status:
            yield Issue(status, f"{ident} is {ind['status']} ({count[ident]} rows)", row=number,
                        field="indicator_id", cell=ident)
    for ind, kinds in matches.items():
        if kinds["exact"] and kinds["other"]:
            yield Issue(E.MIXED_MATCH, f"{ind} mixes exact and non-exact rows", row=min(kinds["other"]),
                        field="match_type", cell=ind)


def set_issues(rows: list[tuple[int, dict[str, str | None]]], ref: Reference, catalogue: Catalogue, set_id: str,
               required: bool) -> Iterator[Issue]:
    """Completeness against a set, as rules.check_set defines it."""
    members = catalogue.indicator_sets[set_id]["members"]
    present = {r.get("indicator_id") for _, r in rows}
    severity = Severity.ERROR if required else None
    for m in members:
        if m not in present:
            yield Issue(E.SET_INDICATOR_MISSING, f"{m} (set {set_id}) is not in the return", field="indicator_id",
                        cell=m, severity=severity)
    convention = lambda ind: (ind["period"]["year_convention"], ind["period"]["reference_date"])  # noqa: E731
    places: dict[tuple, set] = defaultdict(set)
    periods: dict[tuple, set] = defaultdict(set)
    reported = set()
    for _, r in rows:
        ind = ref.indicators.get(r.get("indicator_id") or "")
        if ind is None:
            continue
        key = convention(ind)
        place = (r.get("geographic_level"), r.get("region_code"), r.get("new_la_code"),
                 r.get("la_name") or r.get("region_name") or r.get("country_name"))
        places[key].add(place)
        periods[key].add(r.get("time_period"))
        if r.get("breakdown_topic") == "Total":
            reported.add((ind["id"], r.get("time_period"), place[:3]))
    for m in members:
        ind = ref.indicators.get(m)
        if ind is None or m not in present:
            continue
        key = convention(ind)
        for period in periods[key]:
            when = ref.reference_date(ind, period)
            for place in places[key]:
                la = ref.las.get(place[2] or "")
                if la and when and not (_date(la.get("valid_from"), datetime.date.min) <= when
                                        <= _date(la.get("valid_to"), datetime.date.max)):
                    continue
                if (m, period, place[:3]) not in reported:
                    yield Issue(E.SET_ROW_MISSING, f"no Total row for {m}, {place[3]}, {period}",
                                field="indicator_id", cell=m, severity=severity)
