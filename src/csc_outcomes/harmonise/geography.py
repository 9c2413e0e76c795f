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


# a national (or regional) file need not carry the columns of lower levels: absent, they are blank
REQUIRED = ["geographic_level", "country_code"]
BACKDATED = "before its authority existed"


def columns(source: str, column: str | None, alias: str, reference: str,
            backdated: bool = False, present: list[str] | None = None) -> tuple[dict[str, str], str, str]:
    """(SQL per canonical column, the JOIN clause, SQL for the problem) for one indicator mapping.

    `alias` is the source row's alias; `reference` the YYYYMMDD date the places are read on. A GSS
    code may also be a region's (a Regional row) or England's (a National row). With `backdated`
    (a source that labels earlier years with today's authorities, as OHID Fingertips and LAIT
    do), a code known on another date gives a reason starting with BACKDATED instead of an error.
    """
    if source == "canonical_columns":
        return ({c: f"{alias}.{_q(c)}" if present is None or c in present else "NULL::VARCHAR" for c in CANONICAL},
                "", "NULL::VARCHAR")
    col = f"trim({alias}.{_q(column or '')})"
    match = {
        "gss_code": "{t}.code = " + col,
        "dfe_code": "{t}.legacy = " + col,
        "la_name": f"{_norm('{t}.label')} = {_norm(col)}",
    }[source]
    join = (f"LEFT JOIN la g ON {match.format(t='g')} AND ({reference}) BETWEEN g.from_int AND g.to_int "
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
    other_levels = ""
    if source == "gss_code":
        join += f" LEFT JOIN reg rr ON rr.code = {col} AND {col} != 'E92000001'"
        out["geographic_level"] = (f"CASE WHEN g.code IS NOT NULL THEN 'Local authority' WHEN rr.code IS NOT NULL "
                                   f"THEN 'Regional' WHEN {col} = 'E92000001' THEN 'National' END")
        out["region_code"], out["region_name"] = "coalesce(g.parent, rr.code)", "coalesce(gr.label, rr.label)"
        other_levels = f" AND rr.code IS NULL AND {col} != 'E92000001'"
    what = {"gss_code": "GSS code", "dfe_code": "DfE code", "la_name": "local authority name"}[source]
    on = f"coalesce(try_strptime(({reference})::VARCHAR, '%Y%m%d')::DATE::VARCHAR, 'its date')"
    nearest = ""
    if source == "la_name":
        nearest = (f" || coalesce('; did you mean ' || (SELECT arg_max(n.label, jaro_winkler_similarity("
                   f"{_norm('n.label')}, {_norm(col)})) FROM la n "
                   f"WHERE jaro_winkler_similarity({_norm('n.label')}, {_norm(col)}) > 0.8) || '?', '')")
    earlier = ""
    if backdated:
        known = (f"(SELECT string_agg(k.label || ' from ' || coalesce(k.valid_from::VARCHAR, '?'), '; ') FROM la k "
                 f"WHERE {match.format(t='k')})")
        earlier = (f"WHEN g.code IS NULL{other_levels} AND {known} IS NOT NULL THEN '{BACKDATED}: {what} ' || "
                   f"clip({col}) || ' is ' || {known} || ', not in force on ' || {on} ")
    problem = (f"CASE WHEN {col} IS NULL OR {col} = '' THEN 'the {what} is blank' {earlier}"
               f"WHEN g.code IS NULL{other_levels} THEN 'no local authority has {what} ' || clip({col}) || "
               f"' on ' || {on}{nearest} END")
    return out, join, problem
