"""The national-framework set covers every headline figure of DfE's children's social care
dashboard (summary_page_metadata.csv, copied unchanged into tests/data/dashboard/), read from the
set's own links (each entry's dashboard_figures), not from a list kept in this test."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
import yaml

from csc_outcomes.catalogue import load_catalogue
from csc_outcomes.catalogue.check import check_catalogue

from conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "indicators"
METADATA = Path(__file__).resolve().parent / "data" / "dashboard" / "summary_page_metadata.csv"

# The dashboard's filter value for each social care group, age band and placement, as the
# catalogue's codes spell them (the codes are the DfE files' own labels).
_FILTER = re.compile(r"'?(\w+)'?\s*=\s*['\"]([^'\"]+)['\"]")


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE)


@pytest.fixture(scope="module")
def figures():
    with METADATA.open(encoding="utf-8", newline="") as f:
        return {int(row["sort_order"]): row for row in csv.DictReader(f)}


def _entries(catalogue):
    nf = catalogue.indicator_sets["national-framework"]
    return [(g["outcome"], e) for g in nf["groups"] for e in g.get("entries") or []]


def test_the_metadata_file_is_the_dashboards_68_figures(figures):
    assert sorted(figures) == list(range(1, 69))


def test_every_dashboard_figure_is_given_by_exactly_one_entry(catalogue, figures):
    given = [n for _, e in _entries(catalogue) for n in e.get("dashboard_figures") or []]
    assert sorted(given) == sorted(figures), (
        f"missing {sorted(set(figures) - set(given))}, extra {sorted(set(given) - set(figures))}")


def test_each_entry_is_an_indicator_or_a_declared_breakdown_of_one(catalogue):
    for _, e in _entries(catalogue):
        ind = catalogue.indicators[e["indicator"]]
        assert ind["status"] == "active", e
        if e.get("breakdown_topic"):
            topics = {d["topic"]: d["code_list"] for d in ind.get("disaggregations") or []}
            assert e["breakdown_topic"] in topics, e
            codes = {c["code"] for c in catalogue.code_lists[topics[e["breakdown_topic"]]]["codes"]}
            assert e["breakdown"] in codes, e


def test_entries_sit_under_the_outcome_or_enabler_the_dashboard_puts_them(catalogue, figures):
    """The dashboard's accordion names the outcome or enabler by its wording (and numbers two
    outcomes differently from the guidance), so compare the wording, not the number."""
    outcomes = catalogue.framework_outcomes
    for outcome, e in _entries(catalogue):
        ours = re.sub(r"\W+", " ", outcomes[outcome]["name"].lower())
        for n in e["dashboard_figures"]:
            theirs = figures[n]["accordion_text"].split(":", 1)[1]
            theirs = re.sub(r"\W+", " ", theirs.lower()).strip()
            assert ours.startswith(theirs) or theirs.startswith(ours), (n, theirs, ours)


def test_breakdown_codes_are_the_dashboards_filter_values(catalogue, figures):
    """Where the dashboard filters a figure by a social care group, age band or assessment
    factor, the entry's code is that value (spaces for the factor's underscores)."""
    for _, e in _entries(catalogue):
        if not e.get("breakdown_topic"):
            continue
        for n in e["dashboard_figures"]:
            row = figures[n]
            values = dict(_FILTER.findall(row["dimensional_filters"]))
            wanted = {
                "social-care-group": values.get("social_care_group"),
                "care-leaver-age": values.get("age"),
                "assessment-factor": (row["assessment_factor"] or "").replace(" ", "_") or None,
                "uasc-status": values.get("characteristic"),
            }.get(e["breakdown_topic"])
            if wanted is not None:
                assert e["breakdown"] == wanted, (n, e, wanted)


def test_the_multi_agency_enabler_declares_it_has_no_indicator(catalogue):
    item = catalogue.framework_outcomes["nf-multi-agency"]
    assert item["kind"] == "enabler" and "no national indicator" in item["no_indicator"].lower()
    nf = catalogue.indicator_sets["national-framework"]
    assert [g.get("entries") for g in nf["groups"] if g["outcome"] == "nf-multi-agency"] == [[]]


def test_the_ofsted_counts_are_contextual_and_serve_no_outcome(catalogue):
    ind = catalogue.indicators["ofsted_leadership_judgement_count"]
    assert not ind.get("framework_outcomes") and not ind.get("outcomes")
    contextual = [n for _, e in _entries(catalogue) if e.get("contextual") for n in e["dashboard_figures"]]
    assert sorted(contextual) == [59, 60, 61, 62]


def test_cli_lists_every_figure_grouped_by_outcome_and_enabler(figures):
    result = run_cli("indicators", "list", "--set", "national-framework", "--catalogue", str(CATALOGUE))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for n in figures:
        assert re.search(rf"figure {n}\b", out), n
    headings = [line for line in out.splitlines() if re.match(r"^(Outcome|Enabler) \d", line)]
    assert [h.split(":")[0] for h in headings] == ["Outcome 1", "Outcome 2", "Outcome 3", "Outcome 4",
                                                   "Enabler 1", "Enabler 2", "Enabler 3"]
    multi_agency = out.split("Enabler 1:")[1].split("Enabler 2:")[0]
    assert "(no indicator: No national indicator exists yet" in multi_agency
    assert "68 published figure(s)" in out


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "indicators"
    shutil.copytree(CATALOGUE, target)
    return target


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _codes(report) -> list[tuple[str, str]]:
    return [(i.type.code, i.field or "") for i in report.issues]


def test_check_accepts_the_catalogue():
    assert _codes(check_catalogue(CATALOGUE)) == []


def test_check_refuses_an_enabler_with_no_indicator_and_no_reason(tmp_path):
    root = _copy(tmp_path)
    _edit(root / "frameworks" / "national-framework.yaml", lambda d: d["enablers"][0].pop("no_indicator"))
    assert ("outcome-without-indicator", "enablers[0].id") in _codes(check_catalogue(root))


def test_check_refuses_no_indicator_when_an_indicator_measures_it(tmp_path):
    root = _copy(tmp_path)
    _edit(root / "frameworks" / "national-framework.yaml",
          lambda d: d["outcomes"][0].update(no_indicator="None yet."))
    assert ("no-indicator-contradicted", "outcomes[0].no_indicator") in _codes(check_catalogue(root))


def test_check_refuses_an_entry_whose_breakdown_the_indicator_does_not_declare(tmp_path):
    root = _copy(tmp_path)

    def change(d):
        d["groups"][0]["entries"][4]["breakdown"] = "Unaccompanied"  # cla_starts_rate uasc-status
    _edit(root / "sets" / "national-framework.yaml", change)
    found = _codes(check_catalogue(root))
    assert ("set-entry-mismatch", "groups[0].entries[4].breakdown") in found


def test_check_refuses_a_figure_given_twice_and_an_indicator_not_serving_its_group(tmp_path):
    root = _copy(tmp_path)

    def change(d):
        d["groups"][1]["entries"].append({"indicator": "cin_rate_31mar", "dashboard_figures": [1]})
    _edit(root / "sets" / "national-framework.yaml", change)
    found = _codes(check_catalogue(root))
    assert ("set-figure-twice", "groups[1].entries[2].dashboard_figures") in found
    assert ("set-entry-mismatch", "groups[1].entries[2].indicator") in found


def _levels(root: Path) -> dict[tuple[str, str], str]:
    from csc_outcomes.catalogue.diff import compare

    diff = compare(load_catalogue(CATALOGUE), load_catalogue(root))
    return {(c.scope, c.id, c.field): c.level for c in diff.changes}


def test_diff_versions_framework_changes_as_the_policy_says(tmp_path):
    root = _copy(tmp_path)

    def change(d):
        d["enablers"] = [e for e in d["enablers"] if e["id"] != "nf-multi-agency"]
        d["outcomes"][0]["definition"] = "Families get help early, from the right services."
    _edit(root / "frameworks" / "national-framework.yaml", change)
    _edit(root / "sets" / "national-framework.yaml",
          lambda d: d.update(groups=[g for g in d["groups"] if g["outcome"] != "nf-multi-agency"]))
    _edit(root / "definitions" / "cla_count_31mar.yaml", lambda d: d.update(framework_outcomes=["nf-stable-homes"]))
    levels = _levels(root)
    assert levels[("outcome_framework", "national-framework", "outcomes[nf-multi-agency]")] == "major"
    assert levels[("outcome_framework", "national-framework", "outcomes[nf-stay-together]")] == "patch"
    assert levels[("indicator_set", "national-framework", "groups")] == "minor"
    assert levels[("indicator", "cla_count_31mar", "framework_outcomes")] == "minor"


def test_cli_lists_the_indicators_of_a_framework_outcome_and_refuses_an_unknown_one():
    out = run_cli("indicators", "list", "--outcome", "nf-family-network", "--catalogue", str(CATALOGUE))
    assert out.returncode == 0, out.stderr
    assert [line.split()[0] for line in out.stdout.splitlines()[:-1]] == ["cla_ceased_cao_pct", "cla_ceased_sgo_pct"]
    bad = run_cli("indicators", "list", "--outcome", "nf-safety", "--catalogue", str(CATALOGUE))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "no outcome 'nf-safety'" in bad.stderr and "nf-safe" in bad.stderr


def test_show_names_the_framework_outcomes_and_every_superseded_indicator():
    out = run_cli("indicators", "show", "cin_assessment_factor_rate", "--catalogue", str(CATALOGUE))
    assert out.returncode == 0, out.stderr
    assert "Outcome of Children's social care: national framework: 3 Children and young people are safe" in out.stdout
    assert "Supersedes: cin_factor_gangs_rate, cin_factor_cse_rate" in out.stdout


def test_the_framework_page_lists_what_measures_each_outcome_and_says_when_nothing_does(catalogue):
    from csc_outcomes.catalogue.pages import pages

    page = pages(catalogue)["frameworks/national-framework.md"]
    safe = page.split("### 3. Children and young people are safe")[1].split("###")[0]
    assert "[`cin_assessment_factor_rate`](../indicators/cin_assessment_factor_rate.md)" in safe
    multi = page.split("### 1. Multi-agency working is prioritised and effective")[1].split("###")[0]
    assert "No indicator. No national indicator exists yet" in multi and "Measured by" not in multi
    assert "MEDIAN" in page and "MEAN" in page  # the two DfE tools' neighbour figures differ
