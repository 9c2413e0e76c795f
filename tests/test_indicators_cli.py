"""`indicators list` and `indicators show`, as an analyst uses them."""

from __future__ import annotations

import json

import yaml

from csc_outcomes.catalogue import load_catalogue
from conftest import ROOT

FIXED_DFE_IDS = {
    "cla_rate_31mar", "cla_starts_rate", "cla_ceased_rate", "cin_rereferral_12m_pct", "cpp_second_or_subsequent_pct",
    "cpp_2yrs_plus_at31mar_pct", "cla_3plus_placements_pct", "cla_long_term_stability_pct", "care_leavers_eet_19_21_pct",
    "sw_vacancy_rate_fte", "sw_turnover_rate_fte", "sw_agency_rate_fte", "sw_caseload_fte", "cla_offending_pct",
    "cla_substance_misuse_pct", "sdq_cause_for_concern_pct",
}


def test_catalogue_content_meets_the_brief():
    cat = load_catalogue(ROOT / "indicators")
    assert len(cat.indicators) >= 40
    assert sorted(cat.outcomes) == list(range(1, 25))
    assert FIXED_DFE_IDS <= set(cat.indicator_sets["dfe-national"]["members"])
    checklist = set(cat.indicator_sets["data-checklist"]["members"])
    covered = {n for i in checklist for n in cat.indicators[i].get("outcomes", [])}
    assert covered == set(range(1, 25))
    herts = cat.indicator_sets["hertfordshire-kpi"]["members"]
    for topic in ("police", "hospital", "school_attendance", "substance_misuse", "mental_health"):
        assert any(topic in m for m in herts), topic
    # where no national definition exists the indicator is a draft and says so
    for ind in cat.indicators.values():
        if ind["evidence"] == "unconfirmed":
            assert ind["status"] == "draft" and ind.get("caveats"), ind["id"]


def test_show_cla_rate_as_json(cli):
    out = cli("indicators", "show", "cla_rate_31mar", "--format", "json")
    assert out.returncode == 0, out.stderr
    ind = json.loads(out.stdout)
    assert "31 March" in ind["numerator"]["description"] and ind["numerator"]["source"] == "ssda903"
    assert ind["denominator"]["source"] == "ons-mye" and "0 to 17" in ind["denominator"]["description"]
    assert ind["multiplier"] == 10000
    assert ind["period"] == {"kind": "snapshot", "year_convention": "reporting_year", "reference_date": "--03-31",
                             "population_vintage": "mid_year_before_period_end"}


def test_show_yaml_and_text(cli):
    as_yaml = yaml.safe_load(cli("indicators", "show", "sw_vacancy_rate_fte", "--format", "yaml").stdout)
    assert as_yaml["period"]["reference_date"] == "--09-30"
    text = cli("indicators", "show", "sw_vacancy_rate_fte").stdout
    assert "Hoped-for direction: decrease." in text and "Multiplier: 100" in text


def test_unknown_indicator_suggests_near_matches(cli):
    out = cli("indicators", "show", "cla_rate")
    assert out.returncode == 2
    assert "Did you mean: cla_rate_31mar" in out.stderr and "Traceback" not in out.stderr


def test_list_filters_by_set_and_outcome(cli):
    herts = cli("indicators", "list", "--set", "hertfordshire-kpi")
    assert herts.returncode == 0 and "family_police_domestic_abuse_rate" in herts.stdout
    assert "12 indicator(s)" in herts.stdout
    o17 = cli("indicators", "list", "--outcome", "17").stdout.splitlines()
    assert any(line.startswith("sdq_cause_for_concern_pct") for line in o17)
    assert not any(line.startswith("cla_rate_31mar") for line in o17)
    bad = cli("indicators", "list", "--set", "nope")
    assert bad.returncode == 2 and "the sets are:" in bad.stderr


def test_help_does_not_import_linkml():
    import subprocess
    import sys

    probe = ("import sys\nfrom csc_outcomes.cli.app import app\n"
             "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
             "heavy = [m for m in ('linkml', 'linkml_runtime', 'frictionless', 'duckdb') if m in sys.modules]\n"
             "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr
