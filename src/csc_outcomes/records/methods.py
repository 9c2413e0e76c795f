"""An indicator's method: its numerator and denominator as SQL over the record tables.

The SQL is part of the standard (indicators/methods/<id>.sql, compiled into the release's
catalogue.json); this module only runs it. A method returns one row per unit considered
(unit_id, numerator, denominator, exclusion, one column per breakdown topic it can give);
`aggregate` sums the in-scope units per Total and per breakdown code, and counts the excluded
units by reason, so that compute can report what was left out and why.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

TOTAL = "Total"
_BASE_COLUMNS = ("unit_id", "numerator", "denominator", "exclusion")
_counter = itertools.count()


@dataclass(frozen=True)
class Method:
    """One indicator's executable definition."""

    indicator_id: str
    sql: str  # one SELECT (DuckDB dialect) over the record tables and `params`
    breakdowns: tuple[str, ...]  # topics (as the indicator names them) the SQL yields columns for


@dataclass(frozen=True)
class Total:
    """The sums over the in-scope units of one breakdown code (or of all: Total/Total)."""

    breakdown_topic: str
    breakdown: str
    numerator: float
    denominator: float | None  # None where the indicator's denominator is a population
    units: int  # units in scope counted here
    excluded: dict[str, int] = field(default_factory=dict)  # reason -> units, on Total/Total only


def column_of(topic: str) -> str:
    """The SQL column a breakdown topic is given in: 'age-group' -> 'age_group'."""
    return topic.replace("-", "_")


def _select_columns(sql: str) -> list[str]:
    """The output column names of a SELECT, read with sqlglot (no database needed)."""
    import sqlglot

    tree = sqlglot.parse_one(sql, read="duckdb")
    return [e.alias_or_name for e in tree.selects]


def method_of(indicator: dict[str, Any]) -> Method | None:
    """The indicator's method, or None where it has none; breakdowns are those of its declared
    topics that the SQL gives a column for."""
    sql = indicator.get("method")
    if not sql:
        return None
    columns = set(_select_columns(sql))
    topics = tuple(d["topic"] for d in indicator.get("disaggregations") or [] if column_of(d["topic"]) in columns)
    return Method(indicator["id"], sql, topics)


def methods_of(catalogue) -> dict[str, Method]:
    """Every method of a catalogue (a Catalogue, or its document), by indicator id."""
    indicators = catalogue.indicators if hasattr(catalogue, "indicators") else {
        i["id"]: i for i in catalogue.get("indicators", [])}
    out = {}
    for ident, ind in sorted(indicators.items()):
        method = method_of(ind)
        if method is not None:
            out[ident] = method
    return out


def units_table(con, method: Method) -> str:
    """Materialise the method's per-unit rows once, as a temporary table, and return its name:
    aggregate and the lineage both read it, so the method runs once."""
    name = f"units_{method.indicator_id}_{next(_counter)}"
    body = method.sql.strip().rstrip(";")
    con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {body}')
    columns = [r[0] for r in con.execute(f'DESCRIBE "{name}"').fetchall()]
    missing = [c for c in _BASE_COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"the method of {method.indicator_id} returns no column {', '.join(missing)} "
                         f"(it must return {', '.join(_BASE_COLUMNS)})")
    return name


def aggregate(con, method: Method, indicator: dict[str, Any] | None = None, table: str | None = None) -> list[Total]:
    """Sum numerator and denominator over in-scope units (exclusion IS NULL): Total first, then
    each breakdown topic in the method's order, its codes sorted. A unit whose breakdown code is
    NULL (e.g. no Header record) is in the Total only.

    `indicator` is accepted for the contract's signature and not needed here; `table` reuses a
    units table made by `units_table` (the caller drops it)."""
    name = table or units_table(con, method)
    rows: list[Total] = []
    n, d, units = con.execute(
        f'SELECT SUM(numerator), SUM(denominator), COUNT(*) FROM "{name}" WHERE exclusion IS NULL').fetchone()
    excluded = dict(con.execute(
        f'SELECT exclusion, COUNT(*) FROM "{name}" WHERE exclusion IS NOT NULL GROUP BY exclusion ORDER BY exclusion'
    ).fetchall())
    rows.append(Total(TOTAL, TOTAL, float(n or 0), None if d is None else float(d), int(units), excluded))
    for topic in method.breakdowns:
        col = column_of(topic)
        for code, n, d, units in con.execute(
                f'SELECT "{col}", SUM(numerator), SUM(denominator), COUNT(*) FROM "{name}" '
                f'WHERE exclusion IS NULL AND "{col}" IS NOT NULL GROUP BY "{col}" ORDER BY "{col}"').fetchall():
            rows.append(Total(topic, str(code), float(n or 0), None if d is None else float(d), int(units)))
    if table is None:
        con.execute(f'DROP TABLE IF EXISTS "{name}"')
    return rows
