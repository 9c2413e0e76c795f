"""Period labels as local systems write them, onto DfE time_period and time_identifier, in SQL.

`parse(col)` recognises a label once per row: a year (2025), a two-year label (2024-25,
2024/25, FY2024-25, 2024-2025), its DfE form (202425) or a date the period ends on (31/03/2025,
2025-03-31). `canonical(...)` then places it in the target indicator's year convention: a
reporting year to 31 March 2025 is time_period 2025; the academic year 2024/25 is 202425. What
cannot be placed gets a reason, never a guess: a single year for an academic-year measure, a
date that is not the indicator's reference date, years that are not consecutive.
"""

from __future__ import annotations

from csc_outcomes.catalogue.conventions import TIME_IDENTIFIER

FORMATS = ("auto", "year", "two_year_label", "yyyyzz", "date")

_LABEL = r"(?i)(fy)?\s*[0-9]{4}\s*[-/]\s*([0-9]{2}|[0-9]{4})"


def _span(c: str, tail: str) -> str:
    """A struct for a two-year label with start year in its first four digits and `tail` the end."""
    start = f"CAST(substr(regexp_replace({c}, '[^0-9]', '', 'g'), 1, 4) AS INTEGER)"
    end = (f"CASE WHEN length({tail}) = 2 THEN {start} // 100 * 100 + CAST({tail} AS INTEGER) "
           f"+ CASE WHEN CAST({tail} AS INTEGER) < {start} % 100 THEN 100 ELSE 0 END "
           f"ELSE CAST({tail} AS INTEGER) END")
    return (f"struct_pack(kind := 'span', s := {start}, e := {end}, d := NULL::DATE, "
            f"problem := CASE WHEN {end} != {start} + 1 THEN 'period ' || clip({c}) || "
            f"' does not span two consecutive years' END)")


def parse(column: str, fmt: str = "auto") -> str:
    """SQL giving struct(kind, s, e, d, problem) for the period label in `column`."""
    c = f"trim({column})"
    forms = {
        "year": (f"regexp_full_match({c}, '[0-9]{{4}}')",
                 f"struct_pack(kind := 'year', s := NULL::INTEGER, e := CAST({c} AS INTEGER), d := NULL::DATE, "
                 f"problem := NULL::VARCHAR)"),
        "two_year_label": (f"regexp_full_match({c}, '{_LABEL}')",
                           _span(c, f"regexp_extract({c}, '([0-9]{{2,4}})$', 1)")),
        "yyyyzz": (f"regexp_full_match({c}, '[0-9]{{6}}')", _span(c, f"right({c}, 2)")),
        "date": (f"TRY_STRPTIME({c}, ['%d/%m/%Y', '%Y-%m-%d']) IS NOT NULL",
                 f"struct_pack(kind := 'date', s := NULL::INTEGER, e := NULL::INTEGER, "
                 f"d := TRY_STRPTIME({c}, ['%d/%m/%Y', '%Y-%m-%d'])::DATE, problem := NULL::VARCHAR)"),
    }
    if fmt not in FORMATS:
        raise ValueError(f"unknown period format {fmt!r}")
    chosen = forms if fmt == "auto" else {fmt: forms[fmt]}
    expected = "a year, a two-year label (2024-25), YYYYZZ or a date" if fmt == "auto" else fmt.replace("_", " ")
    whens = " ".join(f"WHEN {test} THEN {value}" for test, value in chosen.values())
    blank = ("struct_pack(kind := NULL::VARCHAR, s := NULL::INTEGER, e := NULL::INTEGER, d := NULL::DATE, "
             "problem := {})")
    return (f"CASE WHEN {column} IS NULL OR {c} = '' THEN {blank.format(repr('the period is blank'))} "
            f"{whens} ELSE {blank.format(chr(39) + 'period ' + chr(39) + ' || clip(' + c + ') || ' + repr(' is not ' + expected))} END")


def canonical(parsed: str, convention: str, month: int, day: int) -> dict[str, str]:
    """SQL for the year the period ends in, time_period, time_identifier, the reference date as
    YYYYMMDD, and any problem, for one indicator's year convention and reference date (--MM-DD)."""
    identifier, digits = TIME_IDENTIFIER[convention]
    p = parsed
    on_reference = f"(month({p}.d) = {month} AND day({p}.d) = {day})"
    wrong_date = (f"'date ' || strftime({p}.d, '%d/%m/%Y') || ' is not the indicator''s reference date "
                  f"({day:02d}/{month:02d})'")
    if digits == 4:
        year = (f"CASE {p}.kind WHEN 'year' THEN {p}.e WHEN 'span' THEN {p}.e "
                f"WHEN 'date' THEN CASE WHEN {on_reference} THEN year({p}.d) END END")
        period = f"CAST({year} AS VARCHAR)"
        problem = (f"coalesce({p}.problem, CASE WHEN {p}.kind = 'date' AND NOT {on_reference} THEN {wrong_date} "
                   + (f"WHEN {p}.kind = 'span' THEN 'a calendar-year measure needs a single year' " if
                      convention == "calendar_year" else "") + "END)")
        end_year = year
    else:
        end_year = (f"CASE {p}.kind WHEN 'span' THEN {p}.e "
                    f"WHEN 'date' THEN CASE WHEN {on_reference} THEN year({p}.d) END END")
        period = f"CAST({end_year} - 1 AS VARCHAR) || lpad(CAST(({end_year}) % 100 AS VARCHAR), 2, '0')"
        what = convention.replace("_", " ")
        problem = (f"coalesce({p}.problem, CASE WHEN {p}.kind = 'year' THEN 'a single year does not say which "
                   f"{what}: write it as 2024/25' WHEN {p}.kind = 'date' AND NOT {on_reference} THEN {wrong_date} END)")
    return {
        "end_year": f"({end_year})",
        "time_period": period,
        "time_identifier": f"'{identifier}'",
        "reference": f"({end_year}) * 10000 + {month * 100 + day}",
        "problem": problem,
    }


def place_date(end_year: str, month: int, day: int, on: str | None) -> str:
    """SQL for the date (YYYYMMDD) on which a source's places are read.

    By default the indicator's reference date. A spec's `geography.reference_date` (--MM-DD) names
    another: the last such date on or before the reference date, so 31 March within an academic
    year that ends on 31 August (DfE's school files), or within a reporting year ending that day.
    """
    if not on:
        return f"{end_year} * 10000 + {month * 100 + day}"
    on_month, on_day = int(on[2:4]), int(on[5:7])
    earlier_year = 1 if (on_month, on_day) > (month, day) else 0
    return f"({end_year} - {earlier_year}) * 10000 + {on_month * 100 + on_day}"
