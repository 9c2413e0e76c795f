"""Execute a mapping spec: one SQL query per indicator mapping over the source table, in DuckDB.

Every source row is accounted for. It is used (it gave an output row, or a value one read from
another row of its group), or it is unused with a reason: excluded by the spec-wide filter (info),
not selected by any indicator mapping (info), or selected but not placeable (an unparseable period, an unknown place, an unmapped code, a missing
population estimate: errors). rows in = rows used + rows unused, and the lineage file says which
source rows made each output row, through which transforms.

Output rows come in the order they were made: by indicator mapping (the spec's order), then by
source row, the same bytes every run. What depends only on a row's place and period (its canonical
period, geography, population estimate, the output's place cells and the lineage's account) is
made once per distinct place and period, a few thousand for a million rows, and each row carries
it as a small integer; the files are written as text quoted here (csv_text), so a million-row
file costs DuckDB's read, one join and one sort per mapping, and the writing of the two files.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csc_outcomes.catalogue.conventions import SYMBOLS_SQL
from csc_outcomes.harmonise import csv_text, geography, periods
from csc_outcomes.harmonise.spec import SpecError, condition_terms, load_spec
from csc_outcomes.releases import Release
from csc_outcomes.report import Issue, Report, Severity, Task, error_type
from csc_outcomes.report.model import clip
from csc_outcomes.validators.frame import quote as q

OUTPUT = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
          "region_name", "new_la_code", "old_la_code", "la_name", "indicator_id", "breakdown_topic", "breakdown",
          "numerator", "denominator", "value", "match_type"]
POPULATION = Path(__file__).resolve().parent / "data" / "ons_mye_0_17.csv"
MEMORY_LIMIT = "1GB"

NOT_SELECTED = error_type("row-not-selected", "Row not selected by any indicator mapping", Severity.INFO,
                          "Expected for rows the standard has no indicator for; otherwise add a mapping.")
FILTERED_OUT = error_type("row-filtered-out", "Row excluded by the spec's filter", Severity.INFO,
                          "The spec's top-level where leaves these rows out on purpose (other geographic levels, "
                          "other cohorts); change the filter if the standard should read them.")
BEFORE_AUTHORITY = error_type("row-before-authority", "Row for an authority before it existed", Severity.INFO,
                              "The source labels earlier years with today's authorities (the spec says "
                              "backdated_codes); the canonical return has no place for them. Nothing else is lost.")
NO_FIGURES = error_type("row-without-figures", "Row holds no figures and could not be placed", Severity.INFO,
                        "Nothing is lost: the row has only symbols (as DfE's placeholder rows for authorities "
                        "that did not exist that year).")
NOT_PLACED = error_type("row-not-harmonised", "Row selected but could not be harmonised", Severity.ERROR,
                        "Correct the source or extend the mapping (periods, codes, names); the reason says which.")
SOURCE_ROW = error_type("source-row-unreadable", "Source row could not be read", Severity.ERROR,
                        "Fix the row in the source (its quoting or number of cells).")


@dataclass
class Outcome:
    report: Report
    rows_in: int
    rows_used: int
    rows_unused: int
    rows_out: int
    reasons: dict[str, int] = field(default_factory=dict)


def _literal(value: Any) -> str:
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


def _conditions(conditions: list[dict], alias: str) -> str:
    parts = []
    for c in conditions or []:
        column, op, values = condition_terms(c)
        col, listed = f"{alias}.{q(column)}", ", ".join(_literal(v) for v in values)
        parts.append({"=": f"{col} = {listed}", "in": f"{col} IN ({listed})",
                      "not in": f"({col} IS NULL OR {col} NOT IN ({listed}))"}[op])
    return " AND ".join(parts) or "true"


_NUMBER = "TRY_CAST({} AS DOUBLE)"
_POPULATION = "__population__"  # stands for the estimate until the resolved table supplies it


def _fixed(expr: str, dp: int) -> str:
    """printf('%.<dp>f', round(expr, dp)), the same text at a quarter of the cost on a million rows.

    round() gives the double nearest k / 10^dp for an integer k; below 10^(15 - dp) that double is
    within a tenth of the last decimal of k / 10^dp, so printf prints k / 10^dp, and so does a
    DECIMAL of scale dp (the cast rounds to nearest). printf is kept for what a DECIMAL writes
    otherwise: -0 (a negative value that rounds to zero), huge values, infinities and NaN.
    """
    rounded = f"round({expr}, {dp})"
    if dp > 15:
        return f"printf('%.{dp}f', {rounded})"
    exact = f"CAST({rounded} AS BIGINT)" if dp == 0 else f"CAST({rounded} AS DECIMAL(18, {dp}))"
    return (f"CASE WHEN abs({rounded}) < 1e{15 - dp} AND ({rounded} <> 0 OR NOT signbit({rounded})) "
            f"THEN CAST({exact} AS VARCHAR) ELSE printf('%.{dp}f', {rounded}) END")


def _number_text(expr: str) -> str:
    """A computed number as a person writes it: no float noise, no trailing zeros."""
    return (f"CASE WHEN {expr} IS NULL THEN NULL ELSE "
            f"rtrim(rtrim(printf('%.6f', round({expr}, 6)), '0'), '.') END")


class _Builder:
    """Builds the SELECT for one indicator mapping."""

    def __init__(self, index: int, keys: list[str], blank: str | None = None):
        self.i, self.keys, self.blank = index, keys, blank
        self.joins: list[str] = []
        self.lookup_rows: list[str] = []

    def _row_alias(self, conditions: list[dict]) -> str:
        """Join the group's row matching `conditions` (same keys except the columns they name)."""
        alias = f"r{len(self.joins)}"
        named = {c["column"] for c in conditions}
        on = [f"{alias}.{q(k)} IS NOT DISTINCT FROM a.{q(k)}" for k in self.keys if k not in named]
        on.append(_conditions(conditions, alias))
        self.joins.append(f"LEFT JOIN src {alias} ON {' AND '.join(on)}")
        self.lookup_rows.append(f"{alias}._row")
        return alias

    def text(self, source: dict | None, default: str | None, part: str) -> str:
        """SQL for a number-or-symbol cell as text."""
        if source is None:
            return _literal(default)
        if source.get("constant") is not None:
            return _literal(source["constant"])
        alias = self._row_alias(source["row"]) if source.get("row") else "a"

        def cell(column: str) -> str:
            # a figure left blank stands for the symbol the source's description names (never a breakdown)
            if self.blank and part != "breakdown":
                return f"coalesce(nullif(trim({alias}.{q(column)}), ''), {_literal(self.blank)})"
            return f"trim({alias}.{q(column)})"

        scale = source.get("scale")

        def scaled(expr: str) -> str:
            if scale in (None, 1):
                return expr
            return (f"CASE WHEN {_NUMBER.format(expr)} IS NULL THEN {expr} "
                    f"ELSE {_number_text(_NUMBER.format(expr) + f' * {float(scale)!r}')} END")

        if source.get("column"):
            return scaled(cell(source["column"]))
        for key, operator in (("sum_of", " + "), ("difference_of", " - ")):
            if source.get(key):
                cells = [cell(c) for c in source[key]]
                symbol = " ".join(f"WHEN NOT ({_NUMBER.format(c)} IS NOT NULL) THEN {c}" for c in cells)
                total = operator.join(_NUMBER.format(c) for c in cells)
                return scaled(f"CASE {symbol} ELSE {_number_text(total)} END")
        if source.get("population"):
            return _POPULATION
        raise SpecError(f"indicators[{self.i}].{part}: compute and count_places are only for the value")


def _day_month(on: str) -> str:
    """--03-31 as a person writes it: 31 March."""
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
    return f"{int(on[5:7])} {months[int(on[2:4]) - 1]}"


def _load_population(con: Any) -> None:
    path = str(POPULATION).replace("'", "''")
    con.execute(f"""
        CREATE TEMP TABLE population AS
        SELECT CAST(time_period AS INTEGER) AS mid_year,
               coalesce(nullif(new_la_code, ''), nullif(region_code, ''), country_code) AS code,
               nullif(old_la_code, '') AS legacy, geographic_level, trim(population_estimate) AS population
        FROM read_csv('{path}', all_varchar = true, header = true)
        -- a GSS symbol is kept: ONS publishes x for Bournemouth, Poole and Dorset county in mid-2017
        -- and mid-2018 (its estimates were rebased to the 2019 authorities), and the rate is then x too
        WHERE TRY_CAST(population_estimate AS BIGINT) IS NOT NULL
           OR list_contains({SYMBOLS_SQL}, trim(population_estimate))""")


def _vintage(rule: str | None, end_year: str, start_year: str) -> str:
    if rule == "mid_year_in_period":
        return start_year
    return f"({end_year}) - 1"  # mid_year_before_period_end, the DfE convention


def _select(spec: dict, mapping: dict, index: int, release: Release, keys: list[str],
            names: list[str]) -> tuple[str, bool, str, bool]:
    """(the SELECT of one indicator mapping's candidate rows, whether it uses the population, the
    SELECT of its resolved places and periods (table resolved_<index>), whether an output row
    reads other source rows (a row lookup or a count of places)).

    What depends only on a row's place and period (its canonical period, geography, population
    estimate and their problems) is resolved once per distinct place and period label, then joined
    back to the rows by equality: a national file has a few thousand of them for millions of rows.
    """
    ind = release.catalogue.indicators[mapping["indicator"]]
    period = ind["period"]
    month, day = int(period["reference_date"][2:4]), int(period["reference_date"][5:7])
    pm = spec["period"]
    b = _Builder(index, keys, spec["source"].get("blank_symbol"))
    geo = spec["geography"]
    canon = periods.canonical("a.p", period["year_convention"], month, day)
    placed_on = periods.place_date(canon["end_year"], month, day, geo.get("reference_date"))
    place, geo_join, geo_problem = geography.columns(geo["from"], geo.get("column"), "a", placed_on,
                                                     bool(geo.get("backdated_codes")), names)
    numerator = b.text(mapping.get("numerator"), None, "numerator")
    uses_population = any((mapping.get(k) or {}).get("population") for k in ("numerator", "denominator"))
    denominator = b.text(mapping.get("denominator"), None, "denominator")
    value_source = mapping["value"]
    multiplier = float(ind.get("multiplier") or 1)
    dp = int(ind["decimal_places"])
    if value_source.get("count_places"):  # the count replaces the rows' values (see _count_places)
        value, value_note, raw_value = "o.raw_value", "", "NULL"
    elif value_source.get("compute"):
        num, den = _NUMBER.format("o.numerator"), _NUMBER.format("o.denominator")
        symbol = (f"CASE WHEN list_contains({SYMBOLS_SQL}, o.numerator) THEN o.numerator "
                  f"WHEN list_contains({SYMBOLS_SQL}, o.denominator) THEN o.denominator END")
        value = (f"coalesce({symbol}, CASE WHEN {den} = 0 THEN 'z' ELSE "
                 f"{_fixed(f'{num} / {den} * {multiplier!r}', dp)} END)")
        value_note = f"value computed: numerator / denominator x {multiplier:g}, {dp} dp"
        raw_value = "NULL"
    else:
        raw_value = b.text(value_source, None, "value")
        if mapping.get("value_format") == "years_months":
            # DfE's "YY:MM" (01:02 is one year and two months) in months; anything else passes to validation
            raw_value = (f"CASE WHEN regexp_full_match({raw_value}, '[0-9]+:[0-9]{{2}}') THEN CAST("
                         f"CAST(split_part({raw_value}, ':', 1) AS INTEGER) * 12 + "
                         f"CAST(split_part({raw_value}, ':', 2) AS INTEGER) AS VARCHAR) ELSE {raw_value} END")
        scale = mapping.get("value_scale")
        value = (f"CASE WHEN {_NUMBER.format('o.raw_value')} IS NULL THEN o.raw_value "
                 f"ELSE {_number_text(_NUMBER.format('o.raw_value') + f' * {float(scale)!r}')} END"
                 if scale not in (None, 1) else "o.raw_value")
        value_note = f"value from {value_source.get('column') or 'a constant'}" + (
            " (years:months in months)" if mapping.get("value_format") == "years_months" else "") + (
            f" x {float(scale):g}" if scale not in (None, 1) else "")
    breakdown = b.text(mapping.get("breakdown"), "Total", "breakdown")
    recode_problems = [f"a._unmapped_{i}" for i, _ in enumerate(spec.get("recodes") or [])]
    population_join = ""
    population = "NULL::VARCHAR"
    population_problem = "NULL::VARCHAR"
    population_note = "''"
    if uses_population:
        mid_year = _vintage(period.get("population_vintage"), "a.p.e", "a.p.s")
        # by GSS code, else by DfE code: ONS files backdate today's codes (Gateshead's mid-2012
        # estimate is under E08000037, the code it took in April 2013; DfE's 390 names it either way)
        population_join = (f"LEFT JOIN population pop ON pop.code = ({place['new_la_code']}) "
                           f"AND pop.mid_year = {mid_year} "
                           f"LEFT JOIN population pop_dfe ON pop.code IS NULL AND pop_dfe.legacy = ({place['old_la_code']}) "
                           f"AND pop_dfe.mid_year = {mid_year}")
        population = "coalesce(pop.population, pop_dfe.population)"
        population_note = (f"'; denominator: ONS mid-' || coalesce(({mid_year})::VARCHAR, '?') || "
                           "' estimate of residents aged 0-17'")
        population_problem = (f"CASE WHEN pop.code IS NULL AND pop_dfe.code IS NULL THEN 'no ONS mid-year estimate for ' || "
                              f"coalesce({place['new_la_code']}, '?') || ' in mid-' || coalesce(({mid_year})::VARCHAR, '?') END")
    lookups = "[" + ", ".join(b.lookup_rows) + "]" if b.lookup_rows else "NULL::BIGINT[]"
    selected = _conditions((spec.get("where") or []) + (mapping.get("where") or []), "a")
    # the columns a row's place and period are read from: the key of the resolved table
    place_columns = ([geo["column"]] if geo["from"] != "canonical_columns" else
                     [c for c in geography.CANONICAL if c in names])
    key_columns = list(dict.fromkeys(place_columns + ([pm["column"]] if pm.get("column") else [])))
    period_from = _literal(pm["value"]) if pm.get("value") is not None else f"a.{q(pm['column'])}"
    geo_from = f"a.{q(geo['column'])}" if geo.get("column") else "NULL"
    # each distinct period label is parsed once per distinct place and period (a file has a few
    # thousand for millions of rows); the mapping then places it in its indicator's year convention
    parsed = periods.parse(period_from, pm.get("format", "auto"))
    distinct = f"SELECT DISTINCT {', '.join(f'a.{q(c)}' for c in key_columns)} FROM src a WHERE {selected}"
    resolved = f"""
        SELECT row_number() OVER () AS _rk, {period_from} AS _period_from, {geo_from} AS _place_from,
               {', '.join(f'a.{q(c)} AS _k{i}' for i, c in enumerate(key_columns))},
               {canon['time_period']} AS time_period, {canon['time_identifier']} AS time_identifier,
               {', '.join(f'{expr} AS {col}' for col, expr in place.items())},
               {canon['problem']} AS _period_problem, {geo_problem} AS _geo_problem,
               {population} AS _population, {population_problem} AS _population_problem,
               {population_note} AS _population_note
        FROM (SELECT a.*, {parsed} AS p FROM ({distinct}) a) a
        {geo_join} {population_join}"""
    on = " AND ".join(f"r._k{i} IS NOT DISTINCT FROM a.{q(c)}" for i, c in enumerate(key_columns))
    numerator, denominator = (x.replace(_POPULATION, "r._population") for x in (numerator, denominator))
    inner = f"""
        SELECT a._row AS _row, a._col AS _col, {lookups} AS _lookups, r._prefix, r._account,
               {breakdown} AS breakdown, {numerator} AS numerator, {denominator} AS denominator,
               {raw_value} AS raw_value,
               coalesce(r._period_problem, {', '.join(recode_problems + ['r._geo_problem', 'r._population_problem'])}) AS problem
        FROM src a
        JOIN resolved_{index} r ON {on or 'true'}
        {' '.join(b.joins)}
        WHERE {selected}"""
    # assemble the value after the inner columns exist. The output row's place and period cells,
    # and the lineage's account of the transforms, are made once per resolved place and period
    # (_prefix, _account) and carried by each row as a small integer (an ENUM); the row's own cells
    # are quoted for CSV here (see csv_text) where they can need it: a constant once, a source cell
    # per row; computed values, counts, symbols and ONS estimates never need quoting
    def cell(source: dict | None, default: str | None, column: str) -> str:
        if source is None or source.get("constant") is not None:
            return _literal(csv_text.quoted(default if source is None else str(source["constant"])))
        return f"o.{column}" if source.get("population") else csv_text.cell(f"o.{column}")

    computed = value_source.get("compute") or value_source.get("count_places")
    sql = f"""
        SELECT o._row, {index} AS _m, o._col, o._lookups, o._prefix, o._account,
               {cell(mapping.get('breakdown'), 'Total', 'breakdown')} AS breakdown,
               {cell(mapping.get('numerator'), None, 'numerator')} AS numerator,
               {cell(mapping.get('denominator'), None, 'denominator')} AS denominator,
               {value if computed else csv_text.cell(f'({value})')} AS value,
               {_literal(csv_text.quoted(mapping['match']))}::_match_text AS match_type,
               -- whether the row holds figures is asked only of a row with a problem
               CASE WHEN o.problem IS NOT NULL AND NOT (coalesce(TRY_CAST(o.numerator AS DOUBLE),
                    TRY_CAST(o.denominator AS DOUBLE), TRY_CAST(o.raw_value AS DOUBLE)) IS NOT NULL)
                    THEN 'holds no figures; ' || o.problem
                    ELSE o.problem END AS problem
        FROM ({inner}) o"""
    counted = bool(value_source.get("count_places"))
    if counted:
        sql, value_note = _count_places(sql), "value: the number of places selected, for England"
    # the account of the transforms, once per resolved place and period
    placed = (f" || ' (authorities as on {_day_month(geo['reference_date'])})'"
              if geo.get("reference_date") and geo["from"] != "canonical_columns" else "")
    place_part = "" if counted else f" || coalesce('; place ' || _place_from || ' -> ' || new_la_code, ''){placed}"
    detail = (f"_period_from || ' -> ' || coalesce(time_period, '?') || ' ' || "
              f"time_identifier{place_part} || _population_note || '; ' || {_literal(value_note)}")
    # a count of places is one England row: its place columns are England's, whatever the rows'
    places = (dict.fromkeys(geography.CANONICAL, "NULL") | NATIONAL) if counted else {c: c for c in place}
    prefix = csv_text.cells(["time_period", "time_identifier"] + [places[c] for c in geography.CANONICAL]
                            + [_literal(mapping["indicator"]), _literal(mapping.get("breakdown_topic", "Total"))])
    account = csv_text.cells([_literal(mapping["indicator"]), _literal(mapping["match"]), detail])
    resolved = f"SELECT *, {prefix} AS _prefix, {account} AS _account FROM ({resolved})"
    return sql, uses_population, resolved, bool(b.lookup_rows) or counted


NATIONAL = {"geographic_level": "'National'", "country_code": "'E92000001'", "country_name": "'England'"}


def _count_places(rows: str) -> str:
    """One England row per period and breakdown counting the places (rows) placed; the rows that
    could not be placed stay single, with their problem. The first counted row anchors the output
    row and the others are its lookups, so the lineage names every row counted. The rows' prefix
    is England's for every place (see _select), so grouping by it groups by period."""
    return f"""
        SELECT min(c._row) AS _row, any_value(c._m) AS _m, min(c._col) AS _col,
               list(c._row ORDER BY c._row) AS _lookups, c._prefix, arg_min(c._account, c._row) AS _account,
               c.breakdown, CAST(count(*) AS VARCHAR) AS numerator, NULL::VARCHAR AS denominator,
               CAST(count(*) AS VARCHAR) AS value, c.match_type, NULL::VARCHAR AS problem
        FROM ({rows}) c WHERE c.problem IS NULL
        GROUP BY c._prefix, c.breakdown, c.match_type
        UNION ALL
        SELECT * FROM ({rows}) c WHERE c.problem IS NOT NULL"""


def _prepare_source(con: Any, spec: dict, labels: list[str]) -> list[str]:
    """View `src`: the source after renames, reshaping and recodes. Returns its columns."""
    renames = {r["from"]: r["to"] for r in spec.get("rename") or []}
    missing = [r for r in renames if r not in labels]
    if missing:
        raise SpecError(f"the mapping renames column(s) {', '.join(repr(clip(m)) for m in missing)}, which the source "
                        f"does not have; its columns are: {', '.join(map(clip, labels))}")
    names = [renames.get(label, label) for label in labels]
    con.execute("CREATE TEMP VIEW src_renamed AS SELECT _row, " +
                ", ".join(f"{q(label)} AS {q(name)}" for label, name in zip(labels, names)) + " FROM ret WHERE NOT _blank")
    current = "src_renamed"
    reshape = spec.get("reshape")
    if reshape:
        absent = [c for c in reshape["columns"] if c not in names]
        if absent:
            raise SpecError(f"reshape names column(s) {', '.join(repr(clip(a)) for a in absent)} the source does not have; "
                            f"its columns are: {', '.join(map(clip, names))}")
        # one branch per measure column, each a row per source row (an empty cell is still a row, to
        # be used or reported), _col its place among the columns: a mapping whose filter names the
        # measure reads only its branch (DuckDB drops the others), not every cell of every row
        kept = [n for n in names if n not in reshape["columns"]]
        branches = [f"SELECT _row, {i} AS _col, {', '.join(q(n) for n in kept) + ', ' if kept else ''}"
                    f"{_literal(c)} AS {q(reshape['name_to'])}, {q(c)} AS {q(reshape['value_to'])} FROM src_renamed"
                    for i, c in enumerate(reshape["columns"])]
        con.execute("CREATE TEMP VIEW src_long AS " + " UNION ALL ".join(branches))
        names = kept + [reshape["name_to"], reshape["value_to"]]
        current = "src_long"
    else:
        con.execute("CREATE TEMP VIEW src_wide AS SELECT *, 0 AS _col FROM src_renamed")
        current = "src_wide"
    selects = [f"{q(n)}" for n in names]
    for i, recode in enumerate(spec.get("recodes") or []):
        col = recode["column"]
        if col not in names:
            raise SpecError(f"recodes[{i}] names column {clip(col)!r} the source does not have; its columns are: "
                            f"{', '.join(map(clip, names))}")
        cases = " ".join(f"WHEN {_literal(m['from'])} THEN {_literal(m['to'])}" for m in recode["map"])
        known = ", ".join(_literal(m["from"]) for m in recode["map"])
        keep = recode.get("unmapped", "report") == "keep"
        selects[names.index(col)] = f"CASE trim({q(col)}) {cases} ELSE {q(col) if keep else 'NULL'} END AS {q(col)}"
        flag = ("NULL::VARCHAR" if keep else
                f"CASE WHEN {q(col)} IS NOT NULL AND trim({q(col)}) NOT IN ({known}) THEN "
                f"'code ' || clip({q(col)}) || ' in column {clip(col).replace(chr(39), chr(39) * 2)} is not in the mapping''s recode list' END")
        selects.append(f"{flag} AS _unmapped_{i}")
    con.execute(f"CREATE TEMP VIEW src AS SELECT _row, _col, {', '.join(selects)} FROM {current}")
    return names


def _check_columns(spec: dict, names: list[str]) -> None:
    wanted: list[tuple[str, str]] = ([("period.column", spec["period"]["column"])]
                                     if spec["period"].get("column") else [])
    if spec["geography"].get("column"):
        wanted.append(("geography.column", spec["geography"]["column"]))
    if spec["geography"]["from"] == "canonical_columns":
        wanted += [("geography (canonical columns)", c) for c in geography.REQUIRED]
    wanted += [("keys", k) for k in spec.get("keys") or []]
    wanted += [("where", c["column"]) for c in spec.get("where") or []]
    for i, m in enumerate(spec["indicators"]):
        wanted += [(f"indicators[{i}].where", c["column"]) for c in m.get("where") or []]
        for part in ("numerator", "denominator", "value", "breakdown"):
            source = m.get(part) or {}
            wanted += [(f"indicators[{i}].{part}", c) for c in
                       ([source["column"]] if source.get("column") else []) + list(source.get("sum_of") or [])
                       + list(source.get("difference_of") or [])]
            wanted += [(f"indicators[{i}].{part}.row", c["column"]) for c in source.get("row") or []]
    absent = [(where, c) for where, c in wanted if c not in names]
    if absent:
        listed = "; ".join(f"{where}: {clip(c)!r}" for where, c in absent[:10])
        raise SpecError(f"the mapping points at column(s) the source does not have ({listed}). "
                        f"The source's columns (after renaming) are: {', '.join(map(clip, names))}")


def harmonise(source: Path, spec_path: Path, output: Path, lineage: Path | None = None,
              release: Release | None = None) -> Outcome:
    """Harmonise `source` with the spec at `spec_path`; write the canonical return to `output`."""
    import duckdb

    from csc_outcomes.validators import frame, rules
    from csc_outcomes.validators.reading import InputError, read_input

    started = time.perf_counter()
    if release is None:
        from csc_outcomes.harmonise.spec import declared_release

        release = declared_release(spec_path)
    spec = load_spec(spec_path, release)
    src_desc = spec["source"]
    with read_input(Path(source), sheet=src_desc.get("sheet"), header_row=src_desc.get("header_row", 1),
                    encoding=src_desc.get("encoding"), header_rows=src_desc.get("header_rows", 1)) as table:
        labels = [label.strip() for label in table.labels]
        duplicates = sorted({label for label in labels if labels.count(label) > 1 or not label})
        if duplicates:
            raise InputError(f"the source's header has blank or repeated column names ({', '.join(repr(clip(d)) for d in duplicates)}); "
                             "rename them in the source or the spec cannot tell them apart")
        con = duckdb.connect()
        spill = tempfile.TemporaryDirectory(prefix="csc-outcomes-spill-")
        try:
            # a national file's intermediate tables can outgrow memory: DuckDB spills to a private
            # temporary folder (never beside the user's files) rather than taking the machine's RAM
            con.execute(f"SET temp_directory = '{spill.name}'")
            con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            loaded = frame.load(con, table, labels, {label: i for i, label in enumerate(labels)})
            rules.load_reference(con, release.catalogue)
            names = _prepare_source(con, spec, labels)
            _check_columns(spec, names)
            selects, resolved = [], []
            needs_population = lookups = False
            for index, mapping in enumerate(spec["indicators"]):
                sql, uses, places, reads = _select(spec, mapping, index, release, spec.get("keys") or [], names)
                selects.append(sql)
                resolved.append(places)
                needs_population |= uses
                lookups |= reads
            matches = ", ".join(sorted({_literal(csv_text.quoted(m["match"])) for m in spec["indicators"]}))
            con.execute(f"CREATE TYPE _match_text AS ENUM ({matches})")
            if needs_population:
                _load_population(con)
            for index, places in enumerate(resolved):
                con.execute(f"CREATE TEMP TABLE resolving_{index} AS {places}")
            # the output row's place and period cells and the lineage's account, once per resolved
            # place and period, become ENUM values: a candidate row carries a small integer
            for column in ("_prefix", "_account"):
                every = " UNION ALL ".join(f"SELECT {column} FROM resolving_{i}" for i in range(len(resolved)))
                con.execute(f"CREATE TYPE {column}_text AS ENUM (SELECT DISTINCT {column} FROM ({every}))")
            for index in range(len(resolved)):
                con.execute(f"CREATE TEMP TABLE resolved_{index} AS SELECT * REPLACE (_prefix::_prefix_text AS _prefix, "
                            f"_account::_account_text AS _account) FROM resolving_{index}")
                con.execute(f"DROP TABLE resolving_{index}")
            # output rows in the order they were made in: by mapping, then source row (and measure
            # column), whatever order DuckDB's parallel joins produce them in (a sort per mapping)
            for index, sql in enumerate(selects):
                con.execute(f"{'INSERT INTO cand' if index else 'CREATE TEMP TABLE cand AS'} "
                            f"SELECT * EXCLUDE (_m, _col{'' if lookups else ', _lookups'}) FROM ({sql}) ORDER BY _row, _col")
            # usually every candidate is placed: then the candidates are the output, not copied again
            problems = con.execute("SELECT count(*) FROM cand WHERE problem IS NOT NULL").fetchone()[0]
            out = "cand"
            if problems:
                con.execute("CREATE TEMP TABLE out AS SELECT * FROM cand WHERE problem IS NULL")
                out = "out"
            rows_out = con.execute(f"SELECT count(*) FROM {out}").fetchone()[0]
            # one thread writes the files: the work is mostly the file system's, and DuckDB holds the
            # pieces other threads format ahead of the one it is writing in memory it cannot spill
            # (on three million rows that outgrew the memory limit)
            con.execute("SET threads = 1")
            _write_output(con, output, out)
            # every source row: used, or unused with its reason (found for the unused rows only)
            touched = f"SELECT _row AS r FROM {out}" + (
                f" UNION ALL SELECT unnest(_lookups) FROM {out} WHERE _lookups IS NOT NULL" if lookups else "")
            con.execute(f"""
                CREATE TEMP TABLE unused_rows AS
                SELECT s._row FROM ret s ANTI JOIN ({touched}) t ON t.r = s._row""")
            # a row no mapping selected may still say why: a code its recode list does not know
            flags = [f"_unmapped_{i}" for i, _ in enumerate(spec.get("recodes") or [])]
            these = "a._row IN (SELECT _row FROM unused_rows)"
            unmapped = (f"(SELECT a._row, min(coalesce({', '.join(flags)})) AS unmapped FROM src a WHERE {these} GROUP BY a._row)"
                        if flags else "(SELECT NULL::BIGINT AS _row, NULL::VARCHAR AS unmapped)")
            # a row the spec-wide filter leaves out is told apart from one no indicator mapping selects
            # (a reshaped source row is left out when the filter rejects every row made from it)
            kept = _conditions(spec.get("where") or [], "a")
            con.execute(f"""
                CREATE TEMP TABLE unused AS
                SELECT s._row, coalesce(p.problem, CASE WHEN NOT coalesce(f.kept, true) THEN {_literal(FILTERED)} END,
                                        u.unmapped, {_literal(NOT_SELECTED_REASON)}) AS reason
                FROM unused_rows s
                LEFT JOIN (SELECT _row, min(problem) AS problem FROM cand WHERE problem IS NOT NULL GROUP BY _row) p
                  USING (_row)
                LEFT JOIN (SELECT a._row, bool_or(coalesce({kept}, false)) AS kept FROM src a WHERE {these}
                           GROUP BY a._row) f USING (_row)
                LEFT JOIN {unmapped} u USING (_row)
                ORDER BY s._row""")
            rows_in = loaded.rows + loaded.rejected
            unused_count = con.execute("SELECT count(*) FROM unused").fetchone()[0]
            rows_used = loaded.rows - unused_count
            rows_unused = unused_count + loaded.rejected
            reasons = dict(con.execute("SELECT reason, count(*) FROM unused GROUP BY reason ORDER BY 2 DESC").fetchall())
            issues = [Issue(SOURCE_ROW, i.message, row=i.row) for i in loaded.issues if i.code == "source-error"]
            listed = con.execute("""
                SELECT _row, reason FROM (SELECT *, row_number() OVER (PARTITION BY reason ORDER BY _row) AS k
                                          FROM unused) WHERE k <= 200 ORDER BY _row""").fetchall()
            for row, reason in listed:
                issues.append(Issue(_kind(reason), reason, row=row))
            more: dict[str, int] = {}
            for reason, n in reasons.items():
                shown = sum(1 for _, r in listed if r == reason)
                if n > shown:
                    code = _kind(reason).code
                    more[code] = more.get(code, 0) + n - shown
            if lineage is not None:
                _write_lineage(con, lineage, out, lookups)
        finally:
            con.close()
            spill.cleanup()
    non_exact = sorted({f"{m['indicator']} ({m['match']})" for m in spec["indicators"] if m["match"] != "exact"})
    task = Task(name=str(source), issues=issues, more=more,
                stats={"rows": rows_in, "rows_used": rows_used, "rows_unused": rows_unused, "rows_out": rows_out})
    meta = {"title": "csc-outcomes harmonise", "input": str(source), "mapping": spec["id"],
            "framework_version": release.version, "output": str(output)}
    if non_exact:
        meta["non_exact_mappings"] = ", ".join(non_exact)
    report = Report([task], meta=meta, seconds=time.perf_counter() - started)
    return Outcome(report, rows_in, rows_used, rows_unused, rows_out, reasons)


FILTERED = "excluded by the spec's where filter"
NOT_SELECTED_REASON = "no indicator mapping selects this row"


def _kind(reason: str):
    if reason == NOT_SELECTED_REASON:
        return NOT_SELECTED
    if reason == FILTERED:
        return FILTERED_OUT
    if reason.startswith(geography.BACKDATED) or reason.startswith("holds no figures; " + geography.BACKDATED):
        return BEFORE_AUTHORITY
    return NO_FIGURES if reason.startswith("holds no figures") else NOT_PLACED


def _write_output(con: Any, path: Path, out: str) -> None:
    """The canonical return: each row's place and period cells as made once (_prefix), then its own."""
    import duckdb

    from csc_outcomes.validators.reading import InputError

    target = str(path).replace("'", "''")
    own = OUTPUT[OUTPUT.index("breakdown"):]  # the row's own cells, quoted as they were made
    head = ",".join(OUTPUT[:OUTPUT.index("breakdown")])
    try:
        con.execute(f"""COPY (SELECT _prefix AS "{head}", {', '.join(own)} FROM {out}) TO '{target}' ({csv_text.RAW})""")
    except duckdb.IOException as exc:
        raise InputError(f"cannot write {path}: {exc}") from exc


def _write_lineage(con: Any, path: Path, out: str, lookups: bool) -> None:
    target = str(path).replace("'", "''")
    # the row that gave the output first, then the rows it read values from; when no output row
    # read another row, the row number is written as it is (the same text, without making it)
    if lookups and con.execute(f"SELECT count(*) FROM {out} WHERE _lookups IS NOT NULL").fetchone()[0]:
        source_rows = ("CASE WHEN _lookups IS NULL OR len(_lookups) = 0 THEN CAST(_row AS VARCHAR) ELSE "
                       "array_to_string(list_prepend(_row, list_sort(list_filter(list_distinct(_lookups), "
                       "lambda x: x IS NOT NULL AND x != _row))), ';') END")
        unused_row = "CAST(_row AS VARCHAR)"
    else:
        source_rows = unused_row = "_row"
    # the unused rows follow the output rows; with none, the accounts are written as they are held
    # (a union with the unused rows' text would copy each)
    unused = (f"UNION ALL SELECT 'unused', NULL, {unused_row}, ',,' || coalesce({csv_text.cell('reason')}, '') FROM unused"
              if con.execute("SELECT count(*) FROM unused").fetchone()[0] else "")
    try:
        con.execute(f"""
            COPY (
                SELECT 'output' AS kind, rowid + 2 AS output_row, {source_rows} AS source_rows,
                       _account AS "indicator_id,match_type,detail"
                FROM {out}
                {unused}
            ) TO '{target}' ({csv_text.RAW})""")
    except Exception as exc:  # an unwritable path is the user's to fix
        from csc_outcomes.validators.reading import InputError

        raise InputError(f"cannot write the lineage to {path}: {exc}") from exc
