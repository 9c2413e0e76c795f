"""The comparison itself, as SQL over the published baseline and the authority's own returns.

For each indicator, breakdown and period of an authority: its value; its statistical neighbours'
mean (as DfE's Local Authority Interactive Tool computes it) and median (as DfE's children's
social care dashboard does), each over the neighbours with a published number; its region and
England as DfE published them; its rank among authorities and its quartile band, by the
indicator's hoped-for direction, as LAIT computes them (ties share the best rank; quartiles
interpolated linearly, R's default, over every authority with a number; band A is the quarter
nearest the hoped-for end); the change since the previous consecutive year. Suppressed and other
symbol values are never numbers: they are shown, not ranked, and left out of means and medians.
docs/compare-format.md is the written method.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csc_outcomes.catalogue import Catalogue

CAVEAT = ("A figure alone is not a judgement of practice: read each comparison with the indicator's caveats, "
          "local context and the other indicators.")
RECORD_FIELDS = ("indicator_id", "breakdown_topic", "breakdown", "time_period", "la_value", "la_symbol",
                 "sn_mean", "sn_median", "sn_count", "region_value", "england_value", "rank", "n_ranked",
                 "quartile_band", "change", "direction", "reading", "published", "match_type")


class CompareError(Exception):
    """The comparison cannot be made as asked: an unknown authority, indicator or set (exit 2)."""


@dataclass
class Authority:
    dfe_code: str
    gss_code: str
    name: str
    region_code: str | None
    region_name: str | None
    neighbours: list[tuple[str, str]]  # (DfE code, name)


@dataclass
class Comparison:
    authority: Authority
    model: str
    framework_version: str
    records: list[dict[str, Any]]
    indicators: dict[str, dict[str, Any]]  # id -> name, unit, decimal_places, hoped_for, caveat
    distribution: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)
    returns: list[str] = field(default_factory=list)
    caveat: str = CAVEAT

    def to_dict(self) -> dict[str, Any]:
        a = self.authority
        return {
            "authority": {"dfe_code": a.dfe_code, "gss_code": a.gss_code, "name": a.name, "region_code": a.region_code,
                          "region_name": a.region_name,
                          "neighbours": [{"dfe_code": c, "name": n} for c, n in a.neighbours]},
            "neighbour_model": self.model, "framework_version": self.framework_version,
            "returns": self.returns, "caveat": self.caveat,
            "indicators": self.indicators, "records": self.records,
        }


def authorities(catalogue: Catalogue) -> list[dict[str, Any]]:
    return list(catalogue.code_lists["local-authorities"]["codes"])


def resolve_authority(code: str, catalogue: Catalogue, model: str) -> Authority:
    """An authority from its 3-digit DfE code or 9-character GSS code (the newest code it has had)."""
    from csc_outcomes.compare.neighbours import neighbours

    codes = authorities(catalogue)
    text = code.strip()
    matches = [c for c in codes if text in (str(c["code"]), str(c.get("legacy_code") or ""))]
    if not matches:
        import difflib

        names = {str(c["label"]).lower(): c for c in codes}
        close = difflib.get_close_matches(text.lower(), list(names), n=1)
        hint = f"; did you mean {names[close[0]]['label']} ({names[close[0]].get('legacy_code')})?" if close else ""
        raise CompareError(f"no local authority has the code {text!r} (give a 3-digit DfE code such as 919, "
                           f"or a 9-character GSS code such as E10000015){hint}")
    current = max(matches, key=lambda c: str(c.get("valid_from") or ""))
    dfe = str(current.get("legacy_code") or "")
    by_dfe = {}
    for c in codes:
        if c.get("legacy_code"):
            prior = by_dfe.get(str(c["legacy_code"]))
            if prior is None or str(c.get("valid_from") or "") > str(prior.get("valid_from") or ""):
                by_dfe[str(c["legacy_code"])] = c
    regions = {str(r["code"]): r["label"] for r in catalogue.code_lists["regions"]["codes"]}
    near = [(n, str(by_dfe[n]["label"]) if n in by_dfe else n) for n in neighbours(model).get(dfe, [])]
    return Authority(dfe, str(current["code"]), str(current["label"]), current.get("parent"),
                     regions.get(str(current.get("parent"))), near)


def _indicator_meta(catalogue: Catalogue, ids: list[str]) -> dict[str, dict[str, Any]]:
    out = {}
    for ident in ids:
        ind = catalogue.indicators[ident]
        interp = ind.get("interpretation") or {}
        out[ident] = {"name": ind["name"], "unit": ind.get("unit"), "decimal_places": ind.get("decimal_places"),
                      "hoped_for_direction": interp.get("hoped_for_direction"), "caveat": interp.get("caveat"),
                      "measure_type": ind.get("measure_type")}
    return out


_SQL = """
WITH
la_pub AS (SELECT * FROM obs WHERE geographic_level = 'Local authority' AND published),
stats AS (
    SELECT indicator_id, breakdown_topic, breakdown, time_period,
           quantile_cont(v, 0.25) AS q1, quantile_cont(v, 0.5) AS q2, quantile_cont(v, 0.75) AS q3
    FROM la_pub WHERE v IS NOT NULL GROUP BY ALL),
snv AS (
    SELECT s.la, p.indicator_id, p.breakdown_topic, p.breakdown, p.time_period,
           avg(p.v) AS sn_mean, median(p.v) AS sn_median, count(p.v) AS sn_count
    FROM sn s JOIN la_pub p ON p.old_la_code = s.neighbour GROUP BY ALL),
focus AS (
    SELECT o.*, d.hoped
    FROM obs o JOIN dir d USING (indicator_id)
    WHERE o.geographic_level = 'Local authority' AND o.old_la_code IN (SELECT la FROM chosen)),
ranked AS (
    SELECT f.old_la_code, f.indicator_id, f.breakdown_topic, f.breakdown, f.time_period, f.published,
           CASE WHEN f.v IS NOT NULL AND f.hoped IN ('increase', 'decrease')
                THEN 1 + count(p.v) FILTER (WHERE CASE f.hoped WHEN 'increase' THEN p.v > f.v ELSE p.v < f.v END) END
               AS rank,
           CASE WHEN f.v IS NOT NULL AND f.hoped IN ('increase', 'decrease') THEN 1 + count(p.v) END AS n_ranked
    FROM focus f LEFT JOIN la_pub p
      ON p.indicator_id = f.indicator_id AND p.breakdown_topic = f.breakdown_topic AND p.breakdown = f.breakdown
     AND p.time_period = f.time_period AND p.old_la_code != f.old_la_code AND p.v IS NOT NULL
    GROUP BY f.old_la_code, f.indicator_id, f.breakdown_topic, f.breakdown, f.time_period, f.published, f.v, f.hoped)
SELECT f.old_la_code, f.indicator_id, f.breakdown_topic, f.breakdown, f.time_period,
       f.v AS la_value, CASE WHEN f.v IS NULL THEN f.value_text END AS la_symbol,
       snv.sn_mean, snv.sn_median, coalesce(snv.sn_count, 0) AS sn_count,
       reg.v AS region_value, eng.v AS england_value, r.rank, r.n_ranked,
       CASE WHEN f.v IS NULL OR st.q1 IS NULL OR f.hoped NOT IN ('increase', 'decrease') THEN NULL
            WHEN f.hoped = 'decrease' THEN CASE WHEN f.v <= st.q1 THEN 'A' WHEN f.v <= st.q2 THEN 'B'
                                               WHEN f.v <= st.q3 THEN 'C' ELSE 'D' END
            ELSE CASE WHEN f.v <= st.q1 THEN 'D' WHEN f.v <= st.q2 THEN 'C'
                      WHEN f.v <= st.q3 THEN 'B' ELSE 'A' END END AS quartile_band,
       f.v - coalesce(prev_own.v, prev.v) AS change, f.hoped,
       f.published, f.match_type, f.region_code, f.region_name
FROM focus f
JOIN ranked r USING (old_la_code, indicator_id, breakdown_topic, breakdown, time_period, published)
LEFT JOIN stats st USING (indicator_id, breakdown_topic, breakdown, time_period)
LEFT JOIN snv ON snv.la = f.old_la_code AND snv.indicator_id = f.indicator_id
     AND snv.breakdown_topic = f.breakdown_topic AND snv.breakdown = f.breakdown AND snv.time_period = f.time_period
LEFT JOIN obs reg ON reg.geographic_level = 'Regional' AND reg.published AND reg.region_code = f.region_code
     AND reg.indicator_id = f.indicator_id AND reg.breakdown_topic = f.breakdown_topic
     AND reg.breakdown = f.breakdown AND reg.time_period = f.time_period
LEFT JOIN obs eng ON eng.geographic_level = 'National' AND eng.published AND eng.indicator_id = f.indicator_id
     AND eng.breakdown_topic = f.breakdown_topic AND eng.breakdown = f.breakdown AND eng.time_period = f.time_period
LEFT JOIN obs prev ON prev.geographic_level = 'Local authority' AND prev.published
     AND prev.old_la_code = f.old_la_code AND prev.indicator_id = f.indicator_id
     AND prev.breakdown_topic = f.breakdown_topic AND prev.breakdown = f.breakdown
     AND prev.time_period = prev_period(f.time_period)
LEFT JOIN obs prev_own ON NOT f.published AND NOT prev_own.published AND prev_own.geographic_level = 'Local authority'
     AND prev_own.old_la_code = f.old_la_code AND prev_own.indicator_id = f.indicator_id
     AND prev_own.breakdown_topic = f.breakdown_topic AND prev_own.breakdown = f.breakdown
     AND prev_own.time_period = prev_period(f.time_period)
ORDER BY f.old_la_code, f.indicator_id, f.breakdown_topic != 'Total', f.breakdown_topic, f.breakdown,
         f.time_period, f.published DESC
"""


def _reading(change: float | None, hoped: str | None) -> tuple[str | None, str | None]:
    if change is None:
        return None, None
    direction = "increase" if change > 0 else "decrease" if change < 0 else "no change"
    if hoped in ("increase", "decrease"):
        if direction == "no change":
            return direction, "no change"
        return direction, ("in the hoped-for direction" if direction == hoped else "against the hoped-for direction")
    if hoped == "stable":
        return direction, "stability is hoped for" if direction == "no change" else "a change where stability is hoped for"
    return direction, "no direction is hoped for"


class Engine:
    """One DuckDB connection holding the baseline and the returns; compares any authority in it."""

    def __init__(self, release: Any, indicator_ids: list[str], returns: list[Path], model: str):
        import duckdb

        self.release = release
        self.catalogue = release.catalogue
        self.model = model
        self.ids = indicator_ids
        self.returns = [str(p) for p in returns]
        self.con = duckdb.connect()
        self._load(returns)

    def _load(self, returns: list[Path]) -> None:
        from csc_outcomes.catalogue.conventions import SYMBOLS_SQL
        from csc_outcomes.compare.neighbours import neighbours

        con = self.con
        baseline = self.release.folder / "baseline.parquet"
        if not baseline.is_file():
            raise CompareError(f"framework version {self.release.version} ships no published baseline; "
                               "compare against a newer version (--framework-version)")
        number = f"CASE WHEN list_contains({SYMBOLS_SQL}, trim(value)) THEN NULL ELSE TRY_CAST(value AS DOUBLE) END"
        con.execute("CREATE TEMP TABLE ids AS SELECT unnest(?::VARCHAR[]) AS indicator_id", [self.ids])
        con.execute(f"""
            CREATE TEMP TABLE obs AS
            SELECT indicator_id, breakdown_topic, breakdown, time_period, geographic_level, region_code, region_name,
                   old_la_code, new_la_code, la_name, value AS value_text, {number} AS v, true AS published,
                   'exact' AS match_type
            FROM read_parquet(?) WHERE indicator_id IN (SELECT indicator_id FROM ids)""",
                    [str(baseline)])
        for path in returns:
            self._load_return(Path(path), number)
        rows = [(la, n, k) for la, near in neighbours(self.model).items() for k, n in enumerate(near, start=1)]
        con.execute("CREATE TEMP TABLE sn (la VARCHAR, neighbour VARCHAR, k INTEGER)")
        if rows:
            con.execute("INSERT INTO sn SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
                        "unnest(?::INTEGER[]))", [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]])
        meta = _indicator_meta(self.catalogue, self.ids)
        con.execute("CREATE TEMP TABLE dir AS SELECT unnest(?::VARCHAR[]) AS indicator_id, "
                    "unnest(?::VARCHAR[]) AS hoped",
                    [list(meta), [m["hoped_for_direction"] or "no_direction" for m in meta.values()]])
        con.execute("""CREATE OR REPLACE TEMP MACRO prev_period(p) AS CASE WHEN length(p) = 6
                       THEN CAST(CAST(p[1:4] AS INTEGER) - 1 AS VARCHAR) || lpad(CAST((CAST(p[5:6] AS INTEGER) + 99) % 100 AS VARCHAR), 2, '0')
                       ELSE CAST(CAST(p AS INTEGER) - 1 AS VARCHAR) END""")
        self.meta = meta

    def _load_return(self, path: Path, number: str) -> None:
        """A return the authority supplies: validated first; its rows join the comparison, unpublished."""
        from csc_outcomes.validators.frame import positional_csv_sql
        from csc_outcomes.validators.reading import read_input
        from csc_outcomes.validators.validate import validate_file

        report = validate_file(path, release=self.release)
        if not report.valid:
            from csc_outcomes.report import Severity

            raise CompareError(f"{path} breaks the standard ({report.count(Severity.ERROR)} error(s)): "
                               f"run `csc-outcomes validate {path}` and correct it before comparing")
        with read_input(path) as table:
            labels = [str(x) for x in table.labels]
            col = {name: f"c{labels.index(name)}" for name in labels}
            match = col.get("match_type")
            self.con.execute(f"""
                INSERT INTO obs
                SELECT {col['indicator_id']}, {col['breakdown_topic']}, {col['breakdown']}, {col['time_period']},
                       {col['geographic_level']}, {col['region_code']}, {col['region_name']}, {col['old_la_code']},
                       {col['new_la_code']}, {col['la_name']}, value_text, {number.replace('value', 'value_text')},
                       false, {f"coalesce({match}, 'exact')" if match else "'exact'"}
                FROM (SELECT *, {col['value']} AS value_text FROM {positional_csv_sql(str(table.path), len(labels))})
                WHERE {col['indicator_id']} IN (SELECT indicator_id FROM ids)""")

    def compare(self, authority: Authority, year: str | None = None) -> Comparison:
        return self.compare_many([authority], year)[0]

    def compare_many(self, chosen: list[Authority], year: str | None = None) -> list[Comparison]:
        """Every chosen authority in one pass of the SQL: the statistics over all authorities are
        computed once, whatever the number compared."""
        con = self.con
        con.execute("CREATE OR REPLACE TEMP TABLE chosen AS SELECT unnest(?::VARCHAR[]) AS la",
                    [[a.dfe_code for a in chosen]])
        rows = con.execute(_SQL).fetchall()
        names = [d[0] for d in con.description]
        by_la: dict[str, list[dict[str, Any]]] = {a.dfe_code: [] for a in chosen}
        for row in rows:
            r = dict(zip(names, row))
            if year is not None and r["time_period"][:4] > str(year)[:4]:
                continue
            dp = self.meta[r["indicator_id"]]["decimal_places"] or 0
            direction, reading = _reading(r["change"], r["hoped"])
            by_la[r["old_la_code"]].append({
                "indicator_id": r["indicator_id"], "breakdown_topic": r["breakdown_topic"], "breakdown": r["breakdown"],
                "time_period": r["time_period"], "la_value": r["la_value"], "la_symbol": r["la_symbol"],
                "sn_mean": r["sn_mean"], "sn_median": r["sn_median"],
                "sn_count": r["sn_count"], "region_value": r["region_value"],
                "england_value": r["england_value"], "rank": r["rank"], "n_ranked": r["n_ranked"],
                "quartile_band": r["quartile_band"],
                "change": None if r["change"] is None else round(r["change"], dp),
                "direction": direction, "reading": reading, "published": r["published"],
                "match_type": r["match_type"],
            })
        everyone = self._all_values()
        return [Comparison(a, self.model, self.release.version, by_la[a.dfe_code], self.meta,
                           _distribution(a, by_la[a.dfe_code], everyone), self.returns) for a in chosen]

    def _all_values(self) -> dict[tuple[str, str, str, str], list[tuple[str, str, float]]]:
        """Every authority's published number, by indicator, breakdown and period (for the
        distribution charts), read once."""
        out: dict[tuple[str, str, str, str], list[tuple[str, str, float]]] = {}
        for ind, topic, brk, period, code, name, v in self.con.execute("""
                SELECT indicator_id, breakdown_topic, breakdown, time_period, old_la_code, la_name, v FROM obs
                WHERE geographic_level = 'Local authority' AND published AND v IS NOT NULL
                ORDER BY v, la_name""").fetchall():
            out.setdefault((ind, topic, brk, period), []).append((code, name, v))
        return out

    def close(self) -> None:
        self.con.close()


def _distribution(authority: Authority, records: list[dict[str, Any]],
                  everyone: dict[tuple[str, str, str, str], list[tuple[str, str, float]]]
                  ) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """For each indicator and breakdown, every authority's published value in the latest period the
    authority has, flagged as the authority or a neighbour: what the distribution chart draws."""
    latest: dict[tuple[str, str, str], str] = {}
    for r in records:
        key = (r["indicator_id"], r["breakdown_topic"], r["breakdown"])
        if r["published"] and r["la_value"] is not None and r["time_period"] > latest.get(key, ""):
            latest[key] = r["time_period"]
    near = {c for c, _ in authority.neighbours}
    return {key: [{"dfe_code": code, "name": name, "value": v,
                   "role": "authority" if code == authority.dfe_code else "neighbour" if code in near else "other"}
                  for code, name, v in everyone.get((*key, period), [])]
            for key, period in latest.items()}


def indicator_ids(catalogue: Catalogue, indicators: list[str] | None, indicator_set: str | None) -> list[str]:
    if indicators:
        unknown = [i for i in indicators if i not in catalogue.indicators]
        if unknown:
            raise CompareError(f"framework version {catalogue.version} has no indicator {', '.join(unknown)}")
        return list(indicators)
    if indicator_set:
        if indicator_set not in catalogue.indicator_sets:
            raise CompareError(f"framework version {catalogue.version} has no indicator set {indicator_set!r}; its "
                               f"sets are: {', '.join(sorted(catalogue.indicator_sets))}")
        return list(catalogue.indicator_sets[indicator_set]["members"])
    return sorted(catalogue.indicators)


def compare(la: str, returns: list[Path] | None = None, *, indicators: list[str] | None = None,
            indicator_set: str | None = None, year: str | None = None, neighbours: str = "2025",
            framework_version: str | None = None, release: Any = None) -> Comparison:
    """The comparison for one authority: what a notebook calls; the CLI is a shell over it."""
    from csc_outcomes.releases import load_release

    release = release or load_release(framework_version)
    ids = indicator_ids(release.catalogue, indicators, indicator_set)
    authority = resolve_authority(la, release.catalogue, neighbours)
    engine = Engine(release, ids, list(returns or []), neighbours)
    try:
        return engine.compare(authority, year)
    finally:
        engine.close()
