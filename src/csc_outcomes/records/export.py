"""Methods for the databases authorities run: SQL Server (T-SQL), PostgreSQL, Spark SQL.

The methods are written in DuckDB's dialect, kept to portable constructs; sqlglot transpiles
them. One construct needs help: date arithmetic with an interval (`period_end - INTERVAL '30'
MONTH`) is turned into sqlglot's date-add expression first, which each dialect writes its own
way (DATEADD in T-SQL, ADD_MONTHS/DATE_ADD in Spark, interval arithmetic in PostgreSQL).
The figures from an exported method are tested against DuckDB's on a real PostgreSQL server.
"""

from __future__ import annotations

from dataclasses import dataclass

DIALECTS = ("tsql", "postgres", "spark")


class ExportError(ValueError):
    """A method could not be transpiled (names the indicator and what sqlglot said)."""


def _dates_as_date_add(tree):
    """`x +/- INTERVAL 'n' UNIT` -> DateAdd(x, +/-n, UNIT), innermost first."""
    from sqlglot import exp

    def rewrite(node):
        if isinstance(node, (exp.Add, exp.Sub)) and isinstance(node.expression, exp.Interval):
            interval = node.expression
            amount = interval.this.name if isinstance(interval.this, exp.Literal) else interval.this.sql()
            unit = interval.unit.name if interval.unit is not None else "DAY"
            number = int(amount) * (-1 if isinstance(node, exp.Sub) else 1)
            return exp.DateAdd(this=node.this, expression=exp.Literal.number(number), unit=exp.var(unit.upper()))
        return node

    while True:  # transform does not descend into a node it has just replaced: repeat to the fixed point
        before = tree.sql()
        tree = tree.transform(rewrite)
        if tree.sql() == before:
            return tree


def transpile(sql: str, dialect: str, indicator_id: str = "method") -> str:
    """One method in another dialect, pretty-printed; comments are dropped (the DuckDB original,
    with its comments, is the reference and ships in the release)."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    if dialect not in DIALECTS:
        raise ExportError(f"unknown dialect {dialect!r}; use one of {', '.join(DIALECTS)}")
    try:
        tree = _dates_as_date_add(sqlglot.parse_one(sql, read="duckdb"))
        return tree.sql(dialect=dialect, pretty=True, comments=False)
    except (SqlglotError, ValueError) as exc:
        raise ExportError(f"{indicator_id}: cannot transpile to {dialect}: {str(exc).splitlines()[0]}") from exc


@dataclass(frozen=True)
class ExportedMethod:
    indicator_id: str
    dialect: str
    sql: str

    @property
    def file_name(self) -> str:
        return f"{self.indicator_id}.sql"

    def text(self, version: str) -> str:
        """The file's content: what it is and where it came from, then the statement."""
        return (f"-- {self.indicator_id}: the method of csc-outcomes framework version {version}, "
                f"transpiled from DuckDB to {self.dialect} by `csc-outcomes methods export`.\n"
                "-- Reads the SSDA903 / CIN census record tables and params(period_start, period_end, year);\n"
                "-- returns one row per unit: unit_id, numerator, denominator, exclusion, breakdown columns.\n"
                "-- Generated: edit the DuckDB original in the standard, not this file.\n"
                f"{self.sql};\n")


def export_methods(methods, dialect: str) -> list[ExportedMethod]:
    """Every method (a mapping of indicator id to Method) in `dialect`, sorted by indicator."""
    return [ExportedMethod(ident, dialect, transpile(m.sql, dialect, ident)) for ident, m in sorted(methods.items())]
