"""The Table Schema checks (types, required, enum, pattern, primary key, blank rows) as SQL.

Compiled into the rule pack at `release build` (rulepack.py), never run from here: the engine
runs the pack. The same constraints frictionless-py checks, over the whole table at once; the
conformance suite runs both engines on the same files and requires the same (row, field, type).
"""

from __future__ import annotations

from typing import Any

from csc_outcomes.validators import errors as E
from csc_outcomes.validators.findings import Query, RowCheck
from csc_outcomes.validators.frame import quote


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _short(values: list[str]) -> str:
    text = ", ".join(values) if len(values) <= 6 else f"one of {len(values)} listed codes"
    return text.replace("'", "''")


def _nearest(listed: str, col: str) -> str:
    """SQL for the closest permitted value, if one is close: suggested in the message, never applied."""
    return (f" || coalesce('; did you mean ' || list_reduce(list_transform({listed}, lambda v: "
            f"CASE WHEN jaro_winkler_similarity(v, {col}) > 0.85 THEN v END), "
            f"lambda a, b: CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a "
            f"WHEN jaro_winkler_similarity(b, {col}) > jaro_winkler_similarity(a, {col}) THEN b ELSE a END) "
            f"|| '?', '')")


def enum_tables(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Long code lists become tables, so membership is a hash join rather than a list scan."""
    return {f"enum_{f['name']}": {"columns": [["v", "VARCHAR"]], "rows": [[v] for v in f["constraints"]["enum"]]}
            for f in schema["fields"] if len(f.get("constraints", {}).get("enum", [])) > 6}


def row_checks(schema: dict[str, Any]) -> list[RowCheck]:
    """The one-row Table Schema checks of every field; each runs only when its column is in the file."""
    checks: list[RowCheck] = []
    for f in schema["fields"]:
        name = f["name"]
        col = quote(name)
        cons = f.get("constraints", {})
        needs = (name,)
        if f["type"] == "number":
            missing = _sql_list(f.get("missingValues", [""]))
            obsolete = (f"CASE WHEN trim({col}) IN (':', '~') THEN ' (' || trim({col}) || "
                        "' is an obsolete symbol: use x for not available, k for rounds to zero)' ELSE '' END")
            checks.append(RowCheck(
                E.TYPE_ERROR, name,
                # the cast first: on a valid file it is false for almost every row, and ends the test
                f"TRY_CAST({col} AS DOUBLE) IS NULL AND {col} IS NOT NULL AND NOT list_contains({missing}, {col})",
                f"'not a number or a GSS symbol' || {obsolete}", cell=col, requires=needs))
        if cons.get("required"):
            checks.append(RowCheck(E.CONSTRAINT_ERROR, name, f"{col} IS NULL", "'required cell is blank'",
                                   note='constraint "required"', requires=needs))
        if "enum" in cons:
            values = cons["enum"]
            listed = _sql_list(values)
            near = ""
            if len(values) > 6:
                near = _nearest(listed, col)
                outside = f"NOT _in_{name}"  # t joins the list once (rules.setup)
            else:
                outside = f"{col} NOT IN ({listed[1:-1]})"
            checks.append(RowCheck(
                E.CONSTRAINT_ERROR, name, f"{col} IS NOT NULL AND {outside}",
                f"'''' || clip({col}) || ''' is not a permitted value ({_short(values)})'{near}",
                cell=col, note='constraint "enum"', requires=needs))
        if "pattern" in cons:
            pattern = cons["pattern"].replace("'", "''")
            checks.append(RowCheck(
                E.CONSTRAINT_ERROR, name, f"{col} IS NOT NULL AND NOT regexp_full_match({col}, '{pattern}')",
                f"'''' || clip({col}) || ''' does not match {pattern}'", cell=col, note='constraint "pattern"',
                requires=needs))
    return checks


def queries(schema: dict[str, Any]) -> list[Query]:
    """The checks that look across rows: blank rows and the primary key. row_checks() does the rest."""
    found = [Query(E.BLANK_ROW, "SELECT _row, NULL AS field, NULL AS cell, 'the row is empty' AS message "
                                "FROM ret WHERE _blank")]
    key = list(schema.get("primaryKey", []))
    if key:
        cols = ", ".join(quote(k) for k in key)
        # hash first: only rows whose key hash repeats are sorted to find the first of each key
        found.append(Query(E.PRIMARY_KEY, f"""
            WITH keyed AS MATERIALIZED (SELECT _row, hash({cols}) AS h FROM ret WHERE NOT _blank),
                 repeated AS (SELECT h FROM keyed GROUP BY h HAVING count(*) > 1),
                 suspects AS (SELECT _row FROM keyed WHERE h IN (SELECT h FROM repeated))
            SELECT _row, NULL AS field, NULL AS cell, 'same key as row ' || first_row AS message
            FROM (SELECT _row, first_value(_row) OVER w AS first_row, row_number() OVER w AS n
                  FROM ret WHERE NOT _blank AND _row IN (SELECT _row FROM suspects)
                  WINDOW w AS (PARTITION BY {cols} ORDER BY _row))
            WHERE n > 1""", requires=tuple(key)))
    return found
