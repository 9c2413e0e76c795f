"""The published figures on an indicator's page of the docs site: England's trend and the latest
distribution across authorities, drawn from the release's baseline with the compare charts."""

from __future__ import annotations

from typing import Any

from csc_outcomes.compare.charts import distribution_svg, trend_svg


def published_figures(release: Any) -> dict[str, str]:
    """indicator id -> a Markdown section (inline SVG) for every indicator the baseline holds."""
    import duckdb

    from csc_outcomes.catalogue.conventions import SYMBOLS_SQL

    baseline = release.folder / "baseline.parquet"
    if not baseline.is_file():
        return {}
    number = f"CASE WHEN list_contains({SYMBOLS_SQL}, trim(value)) THEN NULL ELSE TRY_CAST(value AS DOUBLE) END"
    con = duckdb.connect()
    try:
        rows = con.execute(f"""
            SELECT indicator_id, geographic_level, time_period, la_name, {number} AS v FROM read_parquet(?)
            WHERE breakdown_topic = 'Total' AND geographic_level IN ('National', 'Local authority')
            ORDER BY indicator_id, time_period, v""", [str(baseline)]).fetchall()
    finally:
        con.close()
    england: dict[str, dict[str, float]] = {}
    las: dict[str, dict[str, list[tuple[str, float]]]] = {}
    for ind, level, period, name, v in rows:
        if v is None:
            continue
        if level == "National":
            england.setdefault(ind, {})[period] = v
        else:
            las.setdefault(ind, {}).setdefault(period, []).append((name, v))
    out = {}
    for ind, series in las.items():
        definition = release.catalogue.indicators.get(ind)
        if definition is None:
            continue
        dp = definition.get("decimal_places") or 0
        unit = definition.get("unit") or ""
        latest = max(series)
        records = [{"time_period": p, "published": True, "england_value": v} for p, v in sorted(england.get(ind, {}).items())]
        parts = ["## Published figures", "",
                 "DfE's published figures, as the release's baseline holds them: England over time, and every "
                 f"local authority in {latest}. A figure alone is not a judgement of practice.", ""]
        if records:
            parts += [trend_svg(definition["name"], f"England, {unit}", records, dp), ""]
        points = [{"name": n, "value": v, "role": "other"} for n, v in series[latest]]
        parts += [distribution_svg(definition["name"], f"Every local authority, {latest} ({unit})", points, dp,
                                   england.get(ind, {}).get(latest)), ""]
        out[ind] = "\n".join(parts)
    return out
