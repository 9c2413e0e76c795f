"""The context an analyst acts on, added to each listed problem once, for every renderer.

A problem located as "row 812, field value" sends an analyst hunting; "row 812, column P,
Hertfordshire, cla_rate_31mar (Children looked after at 31 March...)" does not. The column
letter comes from the header; the authority and the indicator of each listed row come from one
DuckDB query over the table the engine loaded (the rows of listed problems only, never a loop
over the file; the reference engine, which does not load the return into DuckDB, has it read). Names are those the catalogue gives, or the return's own (quoted at most 40 characters).
"""

from __future__ import annotations

from typing import Any

from csc_outcomes.report.model import Issue, clip


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the letter a spreadsheet shows above a column."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def add_columns(issues: list[Issue], labels: list[str], column_of: dict[str, int]) -> None:
    """The column letter beside each field (a missing column has none)."""
    position = {label.strip(): i for i, label in reversed(list(enumerate(labels)))}
    for issue in issues:
        if issue.field is None or issue.column is not None:
            continue
        index = column_of.get(issue.field, position.get(issue.field))
        if index is not None and issue.code != "missing-label":
            issue.column = column_letter(index)


_ROWS = """
SELECT _row,
       nullif(trim(geographic_level), '') AS level,
       nullif(trim(new_la_code), '') AS la_code, clip(nullif(trim(la_name), '')) AS la_name,
       nullif(trim(region_code), '') AS region_code, clip(nullif(trim(region_name), '')) AS region_name,
       nullif(trim(country_code), '') AS country_code, clip(nullif(trim(country_name), '')) AS country_name,
       clip(nullif(trim(indicator_id), '')) AS indicator_id
FROM ret WHERE _row IN (SELECT unnest(?::INTEGER[]))"""


def add_rows(con: Any, issues: list[Issue], catalogue: Any, first_row: int = 2) -> None:
    """The authority and the indicator of each listed problem's row, from table `ret` in `con`
    (the DuckDB engine's own connection: the return is not read again)."""
    rows = sorted({i.row for i in issues if i.row is not None and i.row >= first_row})
    if not rows:
        return
    found = {r[0]: r[1:] for r in con.execute(_ROWS, [rows]).fetchall()}
    places = {c["code"]: c.get("label") for cl in ("local-authorities", "regions", "countries")
              for c in (catalogue.code_lists.get(cl) or {}).get("codes", [])}
    indicators = catalogue.indicators
    for issue in issues:
        row = found.get(issue.row)
        if row is None:
            continue
        level, la_code, la_name, region_code, region_name, country_code, country_name, indicator = row
        if la_code or la_name or level == "Local authority":
            code, name = la_code, la_name or places.get(la_code or "")
        elif region_code or region_name or level == "Regional":
            code, name = region_code, region_name or places.get(region_code or "")
        else:
            code, name = country_code, country_name or places.get(country_code or "")
        issue.authority_code, issue.authority = clip(code), clip(name)
        if indicator:
            issue.indicator_id = indicator
            issue.indicator_name = (indicators.get(indicator) or {}).get("name")


def _read_and_add_rows(issues: list[Issue], table: Any, fields: list[str], column_of: dict[str, int],
                       catalogue: Any) -> None:
    """For an engine that did not load the return into DuckDB (the reference engine)."""
    if not any(i.row is not None and i.row >= table.first_row for i in issues):
        return
    import duckdb

    from csc_outcomes.validators import frame

    con = duckdb.connect()
    try:
        frame.load(con, table, fields, column_of)
        add_rows(con, issues, catalogue, table.first_row)
    finally:
        con.close()


def add_context(issues: list[Issue], table: Any, fields: list[str], column_of: dict[str, int], catalogue: Any,
                rows_added: bool = False) -> None:
    """Column letters, and (unless the engine added them from its own connection) row context."""
    add_columns(issues, table.labels, column_of)
    if not rows_added:
        _read_and_add_rows(issues, table, fields, column_of, catalogue)
