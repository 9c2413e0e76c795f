"""Every method passes its conformance scenarios: hand-written record sets, each probing one rule
at its boundary, with the figures worked out by hand in the scenario's comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from csc_outcomes.catalogue.model import load_catalogue
from csc_outcomes.records.conformance import load_scenarios, mismatches, record_tables, run
from csc_outcomes.records.methods import method_of, methods_of

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "indicators" / "conformance"
SCENARIOS = load_scenarios(PACK)
CATALOGUE = load_catalogue(ROOT / "indicators")
TABLES = record_tables(PACK)

# Issue 8: the indicators that must have a method.
REQUIRED = """cla_count_31mar cla_rate_31mar cla_starts_rate cla_ceased_rate cla_3plus_placements_pct
cla_long_term_stability_pct cla_ceased_return_home_pct cla_missing_pct cla_3plus_social_workers_pct
cla_offending_pct cla_substance_misuse_pct cla_health_assessment_pct sdq_cause_for_concern_pct
sdq_mean_total_difficulties care_leavers_eet_19_21_pct care_leavers_suitable_accom_19_21_pct cin_rate_31mar
cin_rereferral_12m_pct cpp_rate_31mar cpp_second_or_subsequent_pct cpp_2yrs_plus_at31mar_pct""".split()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_method_gives_the_hand_worked_figures(scenario):
    method = method_of(CATALOGUE.indicators[scenario.indicator])
    assert method is not None, f"{scenario.indicator} has no method"
    assert mismatches(scenario, run(scenario, method, TABLES)) == []


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_scenario_is_named_after_its_indicator_and_valid(scenario):
    from csc_outcomes.catalogue.schema_check import validate_instance
    from csc_outcomes.catalogue.source import _plain

    assert scenario.path.parent.name == scenario.indicator
    assert scenario.id == f"{scenario.indicator}-{scenario.path.stem}"
    assert scenario.path.read_text(encoding="utf-8").startswith("#"), "the hand count goes in a leading comment"
    assert validate_instance(_plain(scenario.data), "ConformanceScenario") == []


def test_every_required_indicator_has_a_method_and_every_method_scenarios():
    methods = methods_of(CATALOGUE)
    assert sorted(set(REQUIRED) - set(methods)) == []
    covered = {s.indicator for s in SCENARIOS}
    assert sorted(set(methods) - covered) == []


def test_breakdowns_the_indicator_declares_are_given_where_records_hold_them():
    methods = methods_of(CATALOGUE)
    assert methods["cla_count_31mar"].breakdowns == ("sex", "age-group", "uasc-status")
    assert methods["cla_rate_31mar"].breakdowns == ("sex", "age-group")


def test_a_wrong_expectation_is_caught(tmp_path):
    """The comparison can fail: the same records with a numerator one too high are reported."""
    scenario = next(s for s in SCENARIOS if s.id == "cla_count_31mar-episode-ends-on-31-march")
    scenario.data["expected"][0]["numerator"] += 1
    try:
        method = method_of(CATALOGUE.indicators[scenario.indicator])
        found = mismatches(scenario, run(scenario, method, TABLES))
    finally:
        scenario.data["expected"][0]["numerator"] -= 1
    assert found == ["('Total', 'Total'): numerator expected 3, computed 2.0"]


# Fields the prose names that the method has no need to read, and why.
NAMED_NOT_READ = {
    ("cin_rereferral_12m_pct", "CINdetails.ReferralNFA"): "named to say referrals with no further action count; the method counts every referral",
    ("cla_3plus_placements_pct", "Episodes.REASON_PLACE_CHANGE"): "the reason for a move does not decide whether it is one (RNE does)",
    ("sdq_cause_for_concern_pct", "OC2.SDQ_REASON"): "a score not received is a blank SDQ_SCORE; the reason is not needed to leave it out",
}


def _read_by(sql: str):
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    return {c.name.upper() for c in tree.find_all(exp.Column)}, {t.name for t in tree.find_all(exp.Table)}


@pytest.mark.parametrize("ident", sorted(methods_of(CATALOGUE)))
def test_prose_and_method_name_the_same_records(ident):
    """The fields the numerator and denominator prose name are read by the method, and the method
    reads only the record tables of the data source the prose names."""
    ind = CATALOGUE.indicators[ident]
    columns, tables = _read_by(ind["method"])
    for part in ("numerator", "denominator"):
        quantity = ind.get(part) or {}
        for named in quantity.get("fields") or []:
            if (ident, named) not in NAMED_NOT_READ:
                assert named.split(".")[-1].upper() in columns, f"{ident}: the {part} names {named}; the method never reads it"
    record_tables_read = {t for t in tables if t.startswith(("ssda903_", "cin_"))}
    prefix = {"ssda903": "ssda903_", "cin-census": "cin_"}[ind["numerator"]["source"]]
    assert record_tables_read and all(t.startswith(prefix) for t in record_tables_read), (ident, record_tables_read)
