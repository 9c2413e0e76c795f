"""Compute indicators from an authority's own SSDA903 and CIN census records.

The records are loaded into DuckDB (records/load.py); each indicator's method (its SQL, part of
the standard) gives one row per unit considered; `aggregate` sums them. This module adds what
the method cannot know: the ONS population for rates (the shipped estimates the harmoniser uses,
read by the same function), the value at the indicator's rounding, the geography of the
authority on the reporting date, DfE's publication suppression when asked, the report, and the
opt-in lineage. Child identifiers go only into the lineage file.

Suppression (`--suppress`) follows DfE's published rule for its children in need and children
looked after statistics (Explore Education Statistics, "Characteristics of children in need"
data guidance, Confidentiality: "any number between 1 and 5 inclusive has been suppressed and
replaced by 'c'. Secondary suppression has been applied where necessary"; the children looked
after methodology uses the GSS symbol 'c' the same way and publishes local authority figures
unrounded). Applied here: a count from 1 to 5 (a numerator, or the denominator of a percentage
or mean) becomes 'c', and so does every figure computed from it; zero is never suppressed.
DfE does not publish its secondary rule; ours: where a breakdown topic that adds up to its Total
has exactly one suppressed code, the next smallest non-zero code of that topic is suppressed too,
so the hidden one cannot be found by subtraction.
"""

from __future__ import annotations

import csv
import re
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from csc_outcomes.records import load as loader
from csc_outcomes.records.load import Loaded
from csc_outcomes.releases import Release, load_release
from csc_outcomes.report import Issue, Report, Severity, Task, error_type
from csc_outcomes.validators.reading import InputError

SUPPRESS_MIN, SUPPRESS_MAX = 1, 5

RECORD_ERROR = {
    "missing": error_type("record-missing-field", "Required field of a record is blank", Severity.ERROR,
                          "Fill the field in the authority's system and export again; the record is used without it."),
    "bad-date": error_type("record-bad-date", "Date in a record cannot be read", Severity.ERROR,
                           "Write dates as the return does (SSDA903 dd/mm/yyyy, CIN census yyyy-mm-dd); the "
                           "date is treated as blank."),
    "bad-number": error_type("record-bad-number", "Number in a record cannot be read", Severity.ERROR,
                             "Give a whole number in the range the return allows; it is treated as blank."),
    "unknown-code": error_type("record-unknown-code", "Code in a record is not in its code list", Severity.WARNING,
                               "Use a code of the return's code list; the code is kept as given, and methods "
                               "treat it as no code they know."),
    "row-unreadable": error_type("record-row-unreadable", "Row of a record file cannot be read", Severity.ERROR,
                                 "Fix the row's quoting or number of cells; the row is not loaded."),
}
UNREAD = error_type("record-element-not-read", "XML element not part of the record model", Severity.INFO,
                    "Nothing in the standard's methods uses it; it is listed so that nothing is dropped silently.")
FILE_SKIPPED = error_type("file-not-read", "File in a given folder is not a record file", Severity.INFO,
                          "Only SSDA903 CSV tables and SSDA903 or CIN census XML are read; other files are listed.")
NOT_FOR_YEAR = error_type("record-other-year", "Records of another year's return", Severity.INFO,
                          "OC2 and OC3 are the return of one year; rows of other years' returns are read, not used.")
EXCLUDED = error_type("units-excluded", "Units left out of an indicator", Severity.INFO,
                      "The method's rules leave these out; the reason says which rule.")
NOT_COMPUTED = error_type("indicator-not-computed", "Indicator not computed", Severity.WARNING,
                          "Give the records the method needs, or leave the indicator out with --indicators.")
NO_POPULATION = error_type("population-missing", "No ONS estimate for the rate's denominator", Severity.ERROR,
                           "The shipped estimates do not cover this authority and year; the rate is 'x'.")
LA_MISMATCH = error_type("records-other-authority", "Records say they are another authority's", Severity.WARNING,
                         "Check --la: the CIN census header names a different authority.")
RETURN_INVALID = error_type("return-invalid", "The computed return does not validate", Severity.ERROR,
                            "This is a bug in a method or in compute; the validate report says where.")
NO_BREAKDOWNS = error_type("breakdowns-not-computed", "Breakdowns not computed", Severity.INFO,
                           "A rate's breakdown needs the population of each band; the shipped estimates give only "
                           "ages 0-17.")
SUPPRESSED = error_type("figures-suppressed", "Figures suppressed", Severity.INFO,
                        "DfE's publication rule: counts from 1 to 5 are shown as 'c', with secondary suppression.")

MAX_LISTED = 200


@dataclass
class IndicatorResult:
    indicator_id: str
    rows: int = 0
    units: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    note: str | None = None
    seconds: float = 0.0


@dataclass
class Outcome:
    report: Report
    loaded: Loaded
    results: list[IndicatorResult]
    rows_out: int
    la: dict[str, str]


# ------------------------------------------------------------------------------ geography
def resolve_la(release: Release, code: str, year: int) -> dict[str, str]:
    """The authority's canonical geography on 31 March of the year, from a DfE or GSS code."""
    code = code.strip()
    ref = f"{year}-03-31"
    las = release.catalogue.code_lists["local-authorities"]["codes"]
    regions = {str(r["code"]): r["label"] for r in release.catalogue.code_lists["regions"]["codes"]}
    if re.fullmatch(r"\d{3}", code):
        match = [c for c in las if str(c.get("legacy_code")) == code]
    elif re.fullmatch(r"E\d{8}", code.upper()):
        match = [c for c in las if str(c["code"]) == code.upper()]
    else:
        raise InputError(f"--la {code!r} is neither a 3-digit DfE code (e.g. 370) nor a 9-character GSS code "
                         "(e.g. E08000016)")
    if not match:
        raise InputError(f"--la {code}: no local authority has this code in the framework's list")
    live = [c for c in match if str(c.get("valid_from") or "0000") <= ref <= str(c.get("valid_to") or "9999")]
    if not live:
        spans = "; ".join(f"{c['code']} {c.get('valid_from') or '...'} to {c.get('valid_to') or '...'}" for c in match)
        raise InputError(f"--la {code} is not in force on 31 March {year} ({spans})")
    la = live[0]
    return {"geographic_level": "Local authority", "country_code": "E92000001", "country_name": "England",
            "region_code": str(la.get("parent") or ""), "region_name": regions.get(str(la.get("parent")), ""),
            "new_la_code": str(la["code"]), "old_la_code": str(la.get("legacy_code") or ""), "la_name": la["label"]}


def population(con: Any, gss: str, mid_year: int) -> int | None:
    """The ONS mid-year estimate of residents aged 0-17, from the estimates the harmoniser ships."""
    from csc_outcomes.harmonise.engine import _load_population

    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'population'").fetchone()[0]:
        _load_population(con)
    row = con.execute("SELECT population FROM population WHERE code = ? AND mid_year = ?", [gss, mid_year]).fetchone()
    return None if row is None else int(row[0])


# ------------------------------------------------------------------------------ numbers
def _num(x: float | None) -> str:
    if x is None:
        return ""
    d = Decimal(repr(float(x)))
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


def _round(x: float, dp: int, rule: str | None) -> str:
    mode = ROUND_HALF_EVEN if rule == "half_even" else ROUND_HALF_UP
    q = Decimal(1).scaleb(-dp)
    return str(Decimal(repr(x)).quantize(q, rounding=mode))


def _tables_of(sql: str) -> set[str]:
    return set(re.findall(r"\b((?:ssda903|cin)_[a-z0-9]+)\b", sql, flags=re.I))


# ------------------------------------------------------------------------------ the command
def _check_paths(files: list[Path], output: Path, lineage: Path | None) -> None:
    inputs = {f.resolve() for f in files}
    for label, path in (("--output", output), ("--lineage", lineage)):
        if path is not None and path.resolve() in inputs:
            raise InputError(f"{label} {path} is one of the input record files; it would be overwritten. "
                             "Write the result somewhere else.")
    if lineage is not None and lineage.resolve() == output.resolve():
        raise InputError("--lineage and --output name the same file; give two different files")


def compute(sources_given: list[Path], la_code: str, year: int, output: Path, *, indicators: list[str] | None = None,
            lineage: Path | None = None, suppress: bool = False, release: Release | None = None,
            check_return: bool = True) -> Outcome:
    """Compute the indicators for one authority and reporting year; write the canonical return."""
    import duckdb

    from csc_outcomes.records.methods import aggregate, methods_of, units_table
    from csc_outcomes.records import sources as record_sources

    started = time.perf_counter()
    if not 2000 <= year <= 2100:
        raise InputError(f"--year {year}: give the reporting year as YYYY (2025 = the year ending 31 March 2025)")
    release = release or load_release()
    catalogue = release.catalogue
    geo = resolve_la(release, la_code, year)
    files, _ = record_sources.find(sources_given)
    _check_paths([f.path for f in files], output, lineage)
    methods = methods_of(catalogue)
    if indicators:
        unknown = [i for i in indicators if i not in catalogue.indicators]
        if unknown:
            raise InputError(f"--indicators: {', '.join(unknown)} not in framework {release.version}")
        no_method = [i for i in indicators if i not in methods]
        if no_method:
            raise InputError(f"--indicators: {', '.join(no_method)} has no method in framework {release.version} "
                             f"(indicators with methods: {', '.join(sorted(methods))})")
        chosen = list(dict.fromkeys(indicators))
    else:
        chosen = sorted(methods)

    import tempfile

    con = duckdb.connect()
    spill = tempfile.TemporaryDirectory(prefix="csc-outcomes-spill-")  # never beside the user's files
    con.execute(f"SET temp_directory = '{spill.name}'")
    con.execute(f"SET memory_limit = '{loader.MEMORY_LIMIT}'")
    try:
        needed = set().union(*(_tables_of(methods[i].sql) for i in chosen)) if chosen else set()
        con, loaded = loader.load(sources_given, year, con, tables={t.lower() for t in needed})
        seconds_load = time.perf_counter() - started
        record_task = _record_task(con, loaded, geo)
        results: list[IndicatorResult] = []
        rows: list[dict[str, str]] = []
        lineage_parts: list[str] = []
        present = {t for t, n in loaded.kept.items() if n}
        families_present = {"ssda903" if "ssda903_episodes" in present else None,
                            "cin" if "cin_cindetails" in present else None}
        for ident in chosen:
            method, ind = methods[ident], catalogue.indicators[ident]
            res = IndicatorResult(ident)
            results.append(res)
            families = {t.split("_", 1)[0].lower() for t in _tables_of(method.sql)}
            missing = families - families_present
            if missing:
                what = " and ".join({"ssda903": "SSDA903 episodes", "cin": "CIN census referrals"}[f] for f in sorted(missing))
                res.note = f"not computed: no {what} among the records given"
                if indicators:
                    raise InputError(f"{ident} needs {what}, and none were given")
                continue
            began = time.perf_counter()
            table = units_table(con, method)
            totals = aggregate(con, method, ind, table=table)
            res.seconds = time.perf_counter() - began
            res.units = totals[0].units
            res.excluded = dict(totals[0].excluded)
            made, notes = _rows(con, ind, totals, geo, year, record_task)
            if notes:
                res.note = notes
            for r in made:
                lineage_parts.append(_lineage_sql(table, method, r, len(rows) + made.index(r) + 2))
            rows.extend(made)
            res.rows = len(made)
        if suppress:
            n = _suppress(rows, catalogue)
            if n:
                record_task.add(Issue(SUPPRESSED, f"{n} figure(s) shown as 'c' (counts from 1 to 5 and the "
                                                   "figures computed from them, with secondary suppression)"))
        seconds_methods = time.perf_counter() - started - seconds_load
        fields = [f["name"] for f in release.table_schema["fields"]]
        _write_csv(output, fields, rows)
        if lineage is not None:
            _write_lineage(con, lineage, lineage_parts)
    finally:
        con.close()
        spill.cleanup()
    tasks = [record_task]
    for res in results:
        t = Task(name=res.indicator_id, stats={"rows_written": res.rows, "units_in_scope": res.units,
                                               "units_excluded": sum(res.excluded.values()),
                                               "seconds": round(res.seconds, 3)})
        for reason, n in res.excluded.items():
            t.add(Issue(EXCLUDED, f"{n:,} unit(s) excluded: {reason}"))
        if res.note and res.note.startswith("not computed"):
            t.add(Issue(NOT_COMPUTED, res.note))
        elif res.note:
            t.add(Issue(_note_type(res.note), res.note))
        tasks.append(t)
    if check_return:
        from csc_outcomes.validators.validate import validate_file

        checked = validate_file(output, release=release)
        if not checked.valid:
            tasks.append(Task(name=str(output), issues=[Issue(RETURN_INVALID, f"{i.code}: {i.message}", row=i.row,
                                                               field=i.field) for i in checked.issues
                                                          if i.severity is Severity.ERROR][:MAX_LISTED]))
    meta = {"title": "csc-outcomes compute", "framework_version": release.version, "year": year,
            "la": f"{geo['la_name']} ({geo['new_la_code']}, {geo['old_la_code']})", "output": str(output),
            "suppressed": suppress, "seconds_reading_records": round(seconds_load, 3),
            "seconds_running_methods": round(seconds_methods, 3)}
    if lineage is not None:
        meta["lineage"] = str(lineage)
    report = Report(tasks, meta=meta, seconds=time.perf_counter() - started)
    return Outcome(report, loaded, results, len(rows), geo)


def _note_type(note: str):
    return NO_POPULATION if note.startswith("no ONS") else NO_BREAKDOWNS


def _rows(con: Any, ind: dict, totals: list, geo: dict, year: int, task: Task) -> tuple[list[dict], str | None]:
    mtype = ind["measure_type"]
    dp = int(ind["decimal_places"])
    multiplier = float(ind.get("multiplier") or (100 if mtype == "percentage" else 1))
    has_num, has_den = bool(ind.get("numerator")), bool(ind.get("denominator"))
    base = {"time_period": str(year), "time_identifier": "Reporting year", **geo, "indicator_id": ind["id"]}
    rows, note = [], None
    pop = None
    if mtype == "rate":
        vintage = (ind.get("period") or {}).get("population_vintage")
        mid = year if vintage == "mid_year_in_period" else year - 1
        pop = population(con, geo["new_la_code"], mid)
        if pop is None:
            note = f"no ONS mid-{mid} estimate for {geo['new_la_code']}: the rate is 'x'"
        breakdowns = [t for t in totals if t.breakdown_topic != "Total"]
        totals = totals[:1]
        if breakdowns:
            note = (note + "; " if note else "") + ("breakdowns of a rate not computed: the shipped ONS "
                                                    "estimates have no population by sex or age band")
    for t in totals:
        r = {**base, "breakdown_topic": t.breakdown_topic, "breakdown": t.breakdown,
             "numerator": _num(t.numerator) if has_num else "", "denominator": "", "value": ""}
        if mtype == "rate":
            if pop is None:
                r["denominator"], r["value"] = "x", "x"
            else:
                r["denominator"] = str(pop)
                r["value"] = _round(t.numerator / pop * multiplier, dp, ind.get("rounding"))
        elif mtype == "count":
            r["value"] = _round(t.numerator, dp, ind.get("rounding")) if dp else _num(round(t.numerator))
            if has_den and t.denominator is not None:
                r["denominator"] = _num(t.denominator)
        else:
            d = t.denominator or 0.0  # no unit in scope: 0 of 0
            if has_den:
                r["denominator"] = _num(d)
            if not d:
                r["value"] = "z"
            else:
                r["value"] = _round(t.numerator / d * multiplier, dp, ind.get("rounding"))
        rows.append(r)
    return rows, note


def _suppress(rows: list[dict[str, str]], catalogue: Any) -> int:
    """DfE's rule (see the module docstring): 1-5 becomes 'c', with the figures made from it."""
    def small(cell: str) -> bool:
        try:
            v = float(cell)
        except ValueError:
            return False
        return SUPPRESS_MIN <= v <= SUPPRESS_MAX

    hidden = 0

    def hide(r: dict[str, str]) -> None:
        nonlocal hidden
        ind = catalogue.indicators[r["indicator_id"]]
        population_den = ind["measure_type"] == "rate"
        for k in ("numerator", "value") + (() if population_den else ("denominator",)):
            if r[k] not in ("", "c", "z", "x"):
                r[k] = "c"
                hidden += 1

    for r in rows:
        ind = catalogue.indicators[r["indicator_id"]]
        counts = [r["numerator"]] if r["numerator"] else [r["value"]] if ind["measure_type"] == "count" else []
        if ind["measure_type"] in ("percentage", "proportion", "mean") and r["denominator"]:
            counts.append(r["denominator"])
        if any(small(c) for c in counts):
            hide(r)
    # secondary: a topic that adds up to its Total with exactly one hidden code
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in rows:
        if r["breakdown_topic"] != "Total":
            groups.setdefault((r["indicator_id"], r["breakdown_topic"]), []).append(r)
    for (ident, topic), members in groups.items():
        dis = next((d for d in catalogue.indicators[ident].get("disaggregations") or [] if d["topic"] == topic), {})
        if not dis.get("sums_to_total"):
            continue
        hidden_here = [m for m in members if m["value"] == "c"]
        if len(hidden_here) != 1:
            continue
        key = "numerator" if members[0]["numerator"] else "value"
        candidates = [m for m in members if m["value"] != "c" and _float(m[key]) not in (None, 0.0)]
        if candidates:
            hide(min(candidates, key=lambda m: _float(m[key])))
    return hidden


def _float(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _write_csv(output: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    try:
        with output.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from exc


def _lineage_sql(table: str, method: Any, row: dict[str, str], output_row: int) -> str:
    from csc_outcomes.records.methods import column_of

    where = "exclusion IS NULL"
    if row["breakdown_topic"] != "Total":
        code = row["breakdown"].replace("'", "''")
        where += f" AND \"{column_of(row['breakdown_topic'])}\" = '{code}'"
    return (f"SELECT {output_row} AS output_row, '{row['indicator_id']}' AS indicator_id, "
            f"'{row['breakdown_topic']}' AS breakdown_topic, '{row['breakdown'].replace(chr(39), chr(39) * 2)}' AS breakdown, "
            f"CAST(unit_id AS VARCHAR) AS unit_id, numerator, denominator FROM \"{table}\" WHERE {where}")


def _write_lineage(con: Any, path: Path, parts: list[str]) -> None:
    target = str(path).replace("'", "''")
    body = " UNION ALL ".join(parts) if parts else (
        "SELECT NULL::INTEGER AS output_row, NULL AS indicator_id, NULL AS breakdown_topic, NULL AS breakdown, "
        "NULL AS unit_id, NULL::DOUBLE AS numerator, NULL::DOUBLE AS denominator WHERE false")
    try:
        con.execute(f"COPY ({body} ORDER BY output_row, unit_id) TO '{target}' (HEADER, DELIMITER ',')")
    except Exception as exc:  # an unwritable path is the user's to fix
        raise InputError(f"cannot write the lineage to {path}: {exc}") from exc


def _record_task(con: Any, loaded: Loaded, geo: dict[str, str]) -> Task:
    """The records' own report: counts per table, and every problem by table, file, row and field."""
    stats = {"files": len(loaded.files),
             "tables": {t: {"read": loaded.read[t], "used": loaded.kept[t],
                            "superseded_by_a_later_return": loaded.superseded.get(t, 0),
                            "identical_rows": loaded.duplicates.get(t, 0),
                            "other_years_return": loaded.other_year.get(t, 0),
                            "not_needed": loaded.not_needed.get(t, 0)}
                        for t in loaded.read if loaded.read[t]}}
    task = Task(name="records", stats=stats)
    listed = con.execute(f"""
        SELECT table_name, file, row, field, kind, message FROM (
            SELECT *, row_number() OVER (PARTITION BY kind ORDER BY file, table_name, row, field) AS k FROM problems)
        WHERE k <= {MAX_LISTED} ORDER BY file, table_name, row, field""").fetchall()
    for table, file, row, fld, kind, message in listed:
        unit = "record" if str(file).lower().endswith(".xml") else "row"
        where = f"{table} {unit} {row}" + (f", field {fld}" if fld else "")
        task.add(Issue(RECORD_ERROR[kind], f"{where}: {message}", row=row, field=fld, file=file))
    for kind, n in con.execute("SELECT kind, count(*) FROM problems GROUP BY kind").fetchall():
        shown = sum(1 for i in task.issues if i.code == RECORD_ERROR[kind].code)
        if n > shown:
            task.more[RECORD_ERROR[kind].code] = n - shown
    for what, n in sorted(loaded.unread_elements.items()):
        task.add(Issue(UNREAD, f"{what}: {n:,} not read"))
    for t, n in loaded.other_year.items():
        if n:
            task.add(Issue(NOT_FOR_YEAR, f"{t}: {n:,} row(s) from other years' returns not used"))
    for path in loaded.skipped:
        task.add(Issue(FILE_SKIPPED, "not a record file (neither .csv nor .xml), not read", file=str(path)))
    leas = [r[0] for r in con.execute("SELECT DISTINCT LEA FROM cin_header WHERE LEA IS NOT NULL").fetchall()]
    for lea in leas:
        if lea != geo["old_la_code"]:
            task.add(Issue(LA_MISMATCH, f"a CIN census header gives LEA {lea}, not {geo['old_la_code']} "
                                        f"({geo['la_name']})"))
    return task
