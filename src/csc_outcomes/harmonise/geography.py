"""A source's places onto the canonical geography columns, by the period's reference date, in SQL.

A 3-digit DfE code or a name becomes the 9-character GSS code in force on the period's reference
date (DfE reuses 3-digit codes: 370 is E08000016 until 30 April 2025, E08000038 after), with the
name and region DfE publishes. A name that does not match exactly (ignoring case, spaces and
punctuation) is never matched to its nearest neighbour: the nearest is suggested in the report.
"""

from __future__ import annotations

from csc_outcomes.validators.frame import quote as _q

CANONICAL = ["geographic_level", "country_code", "country_name", "region_code", "region_name",
             "new_la_code", "old_la_code", "la_name"]


def _norm(expr: str) -> str:
    return f"regexp_replace(lower({expr}), '[^a-z0-9]+', '', 'g')"


def columns(source: str, column: str | None, alias: str, reference: str) -> tuple[dict[str, str], str, str]:
    """(SQL per canonical column, the JOIN clause, SQL for the problem) for one indicator mapping.

    `alias` is the source row's alias; `reference` the YYYYMMDD reference date expression.
    """
    if source == "canonical_columns":
        return ({c: f"{alias}.{_q(c)}" for c in CANONICAL}, "", "NULL::VARCHAR")
    col = f"trim({alias}.{_q(column or '')})"
    match = {
        "gss_code": f"g.code = {col}",
        "dfe_code": f"g.legacy = {col}",
        "la_name": f"{_norm('g.label')} = {_norm(col)}",
    }[source]
    join = (f"LEFT JOIN la g ON {match} AND ({reference}) BETWEEN g.from_int AND g.to_int "
            f"LEFT JOIN reg gr ON gr.code = g.parent")
    out = {
        "geographic_level": "'Local authority'",
        "country_code": "'E92000001'",
        "country_name": "'England'",
        "region_code": "g.parent",
        "region_name": "gr.label",
        "new_la_code": "g.code",
        "old_la_code": "g.legacy",
        "la_name": "g.label",
    }
    what = {"gss_code": "GSS code", "dfe_code": "DfE code", "la_name": "local authority name"}[source]
    nearest = ""
    if source == "la_name":
        nearest = (f" || coalesce('; did you mean ' || (SELECT arg_max(n.label, jaro_winkler_similarity("
                   f"{_norm('n.label')}, {_norm(col)})) FROM la n "
                   f"WHERE jaro_winkler_similarity({_norm('n.label')}, {_norm(col)}) > 0.8) || '?', '')")
    problem = (f"CASE WHEN {col} IS NULL OR {col} = '' THEN 'the {what} is blank' "
               f"WHEN g.code IS NULL THEN 'no local authority has {what} ' || clip({col}) || "
               f"' on ' || coalesce(try_strptime(({reference})::VARCHAR, '%Y%m%d')::DATE::VARCHAR, 'its date'){nearest} END")
    return out, join, problem

