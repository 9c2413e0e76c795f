"""aggregate sums in-scope units per Total and per breakdown code and counts exclusions by reason;
a method that does not return the contract's columns is named, not run blind."""

from __future__ import annotations

import duckdb
import pytest

from csc_outcomes.records.methods import Method, Total, aggregate, method_of, units_table


def _con():
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('a', 1.0, 1.0, NULL, 'Male'), ('b', 0.0, 1.0, NULL, NULL),"
                " ('c', 1.0, 1.0, NULL, 'Female'), ('d', NULL, NULL, 'too young', 'Male'),"
                " ('e', NULL, NULL, 'too young', NULL)) AS v(unit_id, numerator, denominator, exclusion, sex)")
    return con


def test_totals_breakdowns_and_exclusions():
    method = Method("x", "SELECT * FROM t", ("sex",))
    assert aggregate(_con(), method) == [
        Total("Total", "Total", 2.0, 3.0, 3, {"too young": 2}),
        Total("sex", "Female", 1.0, 1.0, 1),
        Total("sex", "Male", 1.0, 1.0, 1),  # b has no sex: counted in the Total only
    ]


def test_units_table_is_reusable_and_names_a_method_without_the_columns():
    con = _con()
    name = units_table(con, Method("x", "SELECT * FROM t", ()))
    assert aggregate(con, Method("x", "SELECT * FROM t", ()), table=name)[0].units == 3
    with pytest.raises(ValueError, match="the method of y returns no column denominator, exclusion"):
        units_table(con, Method("y", "SELECT unit_id, numerator FROM t", ()))


def test_breakdowns_are_the_declared_topics_the_sql_gives():
    indicator = {"id": "x", "method": "SELECT unit_id, numerator, denominator, exclusion, sex FROM t",
                 "disaggregations": [{"topic": "sex"}, {"topic": "age-group"}]}
    assert method_of(indicator).breakdowns == ("sex",)
    assert method_of({"id": "y"}) is None
