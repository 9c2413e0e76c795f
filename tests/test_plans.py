"""Evaluation plans: `plan check`, `plan coverage` and `plan new`, on the worked examples and on
broken copies of them, through the real command line."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "examples" / "plans"
FAMILY = PLANS / "family-safeguarding.yaml"
EDGE = PLANS / "edge-of-care.yaml"
RESULTS = PLANS / "results"


def _broken(tmp_path: Path, change, source: Path = FAMILY) -> Path:
    plan = yaml.safe_load(source.read_text(encoding="utf-8"))
    change(plan)
    target = tmp_path / source.name
    target.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    return target


def _check(cli, path: Path) -> tuple[int, list[tuple[str, str, str]]]:
    done = cli("plan", "check", str(path), "--format", "json")
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    return done.returncode, [(e["type"], e["severity"], e.get("field", "")) for t in report["tasks"] for e in t["errors"]]


def test_the_worked_plans_pass_plan_check(cli):
    code, found = _check(cli, EDGE)
    assert (code, found) == (0, [])
    code, found = _check(cli, FAMILY)
    assert code == 0
    # two of the Hertfordshire family measures are drafts: said, not failed
    assert found == [("plan-indicator-not-active", "warning", "planned_outcomes[2].indicator"),
                     ("plan-indicator-not-active", "warning", "planned_outcomes[3].indicator")]


@pytest.mark.parametrize("change, expected", [
    (lambda p: p["planned_outcomes"][0].update(indicator="cla_rate_31march"),
     ("plan-unknown-indicator", "error", "planned_outcomes[0].indicator")),
    (lambda p: p["planned_outcomes"][1].pop("indicator"),
     ("plan-outcome-without-measure", "error", "planned_outcomes[1]")),
    (lambda p: p["planned_outcomes"][0].update(outcome="25"),
     ("plan-unknown-outcome", "error", "planned_outcomes[0].outcome")),
    (lambda p: p["planned_outcomes"][1].update(key="fewer-children-in-care"),
     ("plan-duplicate-key", "error", "planned_outcomes[1].key")),
    (lambda p: p.update(framework_version="0.9.0"),
     ("plan-framework-version", "error", "framework_version")),
    (lambda p: p["planned_outcomes"][0].update(indicator_version="2.0.0"),
     ("plan-framework-version", "error", "planned_outcomes[0].indicator_version")),
    (lambda p: p.update(registered_on="2023-06-01"),
     ("plan-registered-late", "warning", "registered_on")),
    (lambda p: p["planned_outcomes"][0].update(role="primary-ish"),
     ("plan-schema", "error", "planned_outcomes[0].role")),
], ids=["unknown-indicator", "no-measure", "unknown-outcome", "duplicate-key", "unshipped-version",
        "unshipped-indicator-version", "late-registration", "bad-role"])
def test_a_broken_plan_is_reported_where_it_breaks(cli, tmp_path, change, expected):
    code, found = _check(cli, _broken(tmp_path, change))
    assert expected in found
    assert code == (1 if expected[1] == "error" else 0)


def test_an_unknown_indicator_gets_a_suggestion(cli, tmp_path):
    path = _broken(tmp_path, lambda p: p["planned_outcomes"][0].update(indicator="cla_rate_31march"))
    done = cli("plan", "check", str(path))
    assert "did you mean cla_rate_31mar?" in done.stdout


def test_a_local_measure_that_duplicates_an_indicator_is_pointed_at_it(cli, tmp_path):
    def local_copy(plan):
        local = yaml.safe_load((PLANS / "edge-of-care.yaml").read_text())["planned_outcomes"][3]["local_measure"]
        local.update(id="our_cla_rate", name="Children looked after at 31 March, rate per 10,000 children")
        plan["planned_outcomes"][3] = {**plan["planned_outcomes"][3], "local_measure": local}
        plan["planned_outcomes"][3].pop("indicator")

    path = _broken(tmp_path, local_copy)
    code, found = _check(cli, path)
    assert code == 0
    assert ("plan-local-measure-duplicates-indicator", "warning", "planned_outcomes[3].local_measure") in found
    assert "looks like cla_rate_31mar" in cli("plan", "check", str(path)).stdout


def test_an_incomplete_self_audit_is_named(cli, tmp_path):
    path = _broken(tmp_path, lambda p: p.update(audit={
        "organisation": "X", "completed_on": "2023-02-01",
        "conditions": [{"condition": "data_known", "what_happens_now": "We know."}]}))
    code, found = _check(cli, path)
    assert code == 0
    assert ("plan-audit-incomplete", "warning", "audit.conditions") in found
    assert "no entry for evidence_base, data_sharing" in cli("plan", "check", str(path)).stdout


@pytest.mark.parametrize("content, says", [
    (b"id: [unclosed\n", "not valid YAML at line"),
    (b"\xff\xfe not utf-8", "not UTF-8"),
    (b"- a list\n- not a plan\n", "should hold one evaluation plan"),
])
def test_an_unreadable_plan_is_exit_2_with_a_message(cli, tmp_path, content, says):
    path = tmp_path / "plan.yaml"
    path.write_bytes(content)
    done = cli("plan", "check", str(path))
    assert done.returncode == 2
    assert says in done.stderr and "Traceback" not in done.stderr


def test_check_checks_plans_and_result_sets_in_a_folder(cli, tmp_path):
    done = cli("check", str(PLANS), "--format", "json")
    assert done.returncode == 0, done.stdout
    broken = tmp_path / "plans"
    shutil.copytree(PLANS, broken)
    _broken(broken, lambda p: p["planned_outcomes"][1].pop("indicator"))
    (broken / "results" / "family-safeguarding-2023-results.yaml").write_text(
        "plan: family-safeguarding-2023\nreported_on: 2025-11-30\nresults:\n  - {period: '2025'}\n")
    done = cli("check", str(broken), "--format", "json")
    assert done.returncode == 1
    found = {(e["type"], Path(e["file"]).name) for t in json.loads(done.stdout)["tasks"] for e in t["errors"]}
    assert ("plan-outcome-without-measure", "family-safeguarding.yaml") in found
    assert ("plan-schema", "family-safeguarding-2023-results.yaml") in found


# ------------------------------------------------------------------------------------------
def _coverage(cli, *args: str) -> tuple[int, dict]:
    done = cli("plan", "coverage", *args, "--format", "json")
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def _statuses(plan: dict) -> dict[str, str]:
    return {o["key"]: o["status"] for o in plan["outcomes"]}


def test_coverage_finds_the_switch_the_dropped_outcome_and_the_unplanned_one(cli):
    code, cov = _coverage(cli, str(FAMILY), str(RESULTS / "family-safeguarding-2023-results.yaml"))
    assert code == 1
    (plan,) = cov["plans"]
    assert _statuses(plan) == {"fewer-children-in-care": "switched", "fewer-repeat-plans": "reported",
                               "less-police-involvement": "reported", "parental-mental-health": "not_reported",
                               "lower-caseloads": "reported"}
    switch = plan["outcomes"][0]
    assert (switch["reported"]["indicator"], switch["match_type"]) == ("cla_count_31mar", "close")
    assert "the same children counted over the same period" in switch["differences"]
    assert [(u["measure"]["indicator"], u["periods"]) for u in plan["unplanned"]] == [("cin_rereferral_12m_pct", ["2025"])]
    assert plan["reported_all"] is False
    assert "not a judgement" in cov["caveat"] or "never a judgement" in cov["caveat"]


def test_coverage_reads_a_canonical_return_beside_a_result_set(cli):
    code, cov = _coverage(cli, str(EDGE), str(RESULTS / "edge-of-care-2023-return.csv"),
                          str(RESULTS / "edge-of-care-2023-results.yaml"))
    assert code == 1
    (plan,) = cov["plans"]
    assert _statuses(plan) == {"fewer-entering-care": "reported", "return-home-safely": "switched",
                               "fewer-missing": "not_reported", "family-relationships": "reported"}
    entering = plan["outcomes"][0]
    assert entering["periods_reported"] == ["2024", "2025"]
    assert plan["outcomes"][1]["match_type"] == "related"
    assert [u["measure"]["indicator"] for u in plan["unplanned"]] == ["cin_rereferral_12m_pct"]


def test_a_planned_period_missing_makes_an_outcome_partly_reported(cli, tmp_path):
    path = _broken(tmp_path, lambda p: p["planned_outcomes"][0].update(measured_at=["2023", "2024", "2025"]),
                   source=EDGE)
    _, cov = _coverage(cli, str(path), str(RESULTS / "edge-of-care-2023-return.csv"))
    entering = cov["plans"][0]["outcomes"][0]
    assert (entering["status"], entering["note"]) == ("partly_reported", "not reported for 2023")


def test_coverage_across_plans_gives_the_share_and_what_compares(cli):
    code, cov = _coverage(cli, str(PLANS), str(RESULTS))
    assert code == 1
    summary = cov["summary"]
    assert (summary["plans"], summary["reported_everything_planned"], summary["switched"],
            summary["not_reported"], summary["unplanned"]) == (2, 0, 2, 2, 2)
    (outcome_1,) = [g for g in cov["comparability"] if (g["framework"], g["outcome"]) == ("data-checklist", "1")]
    assert outcome_1["comparable"] is False
    assert sorted((g["measure"], [p["plan"] for p in g["projects"]]) for g in outcome_1["groups"]) == [
        ("cla_count_31mar (1.0.0)", ["family-safeguarding-2023"]), ("cla_starts_rate (1.0.0)", ["edge-of-care-2023"])]


def test_everything_reported_as_planned_exits_0(cli, tmp_path):
    results = yaml.safe_load((RESULTS / "family-safeguarding-2023-results.yaml").read_text())
    for r in results["results"]:
        if r.get("planned_outcome") == "fewer-children-in-care":
            r["indicator"] = "cla_rate_31mar"
    results["results"] = [r for r in results["results"] if r.get("planned_outcome")]
    results["results"].append({"planned_outcome": "parental-mental-health", "indicator": "family_mental_health_service_pct",
                               "period": "2025", "value": 40})
    path = tmp_path / "results.yaml"
    path.write_text(yaml.safe_dump(results), encoding="utf-8")
    code, cov = _coverage(cli, str(FAMILY), str(path))
    assert code == 0 and cov["ok"] is True
    assert set(_statuses(cov["plans"][0]).values()) == {"reported"}


def test_results_for_another_plan_are_refused(cli, tmp_path):
    done = cli("plan", "coverage", str(EDGE), str(RESULTS / "family-safeguarding-2023-results.yaml"))
    assert done.returncode == 2
    assert "reports against plan 'family-safeguarding-2023'" in done.stderr


def test_the_coverage_page_is_self_contained(cli, tmp_path):
    out = tmp_path / "coverage.html"
    done = cli("plan", "coverage", str(PLANS), str(RESULTS), "--format", "html", "--output", str(out))
    assert done.returncode == 1
    page = out.read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page and "<script" not in page
    for text in ("SWITCHED", "NOT REPORTED", "not planned", "not comparable", "never a judgement of practice"):
        assert text in page


# ------------------------------------------------------------------------------------------
def test_a_plan_workbook_filled_in_is_read_back_by_plan_check(cli, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "plan.xlsx"
    done = cli("plan", "new", "--output", str(path), "--set", "hertfordshire-kpi")
    assert done.returncode == 0, done.stderr
    book = load_workbook(path)
    lists = book["Lists"]
    outcome = next(c.value for c in lists["A"] if str(c.value).startswith("data-checklist 1:"))
    indicators = [c.value for c in lists["C"][1:] if c.value]
    assert "cla_rate_31mar: Children looked after at 31 March, rate per 10,000 children aged under 18" in indicators
    assert len(indicators) == 12  # the hertfordshire-kpi set
    fields = {"id": "filled-in", "project": "P", "organisation": "O", "intervention": "I",
              "start_date": datetime.date(2026, 4, 1), "registered_on": datetime.date(2026, 3, 1), "plan_version": "1.0.0"}
    for row in book["Plan"].iter_rows(min_row=2):
        if row[0].value in fields:
            row[1].value = fields[row[0].value]
    for r in range(2, 7):
        book["Theory of change"].cell(r, 2).value = f"step {r}"
    sheet = book["Outcomes"]
    sheet.append(["fewer-in-care", outcome, "primary", indicators[indicators.index(
        "cla_rate_31mar: Children looked after at 31 March, rate per 10,000 children aged under 18")], None,
        "children looked after", "own_history; national", "2025", 36, "2027", 33, "2026; 2027"])
    sheet.append(["no-measure", outcome, "secondary", None, None, "children", None, None, None, None, None, "2027"])
    book.save(path)
    code, found = _check(cli, path)
    assert (code, found) == (1, [("plan-outcome-without-measure", "error", "planned_outcomes[1]")])


def test_plan_new_writes_yaml_listing_the_set_and_never_overwrites(cli, tmp_path):
    path = tmp_path / "plan.yaml"
    assert cli("plan", "new", "--output", str(path), "--set", "hertfordshire-kpi").returncode == 0
    text = path.read_text(encoding="utf-8")
    assert "#   family_police_domestic_abuse_rate:" in text and "#   data-checklist 24:" in text
    assert "condition: practitioners_role" in text
    template = yaml.safe_load(text)
    assert template["framework_version"] and template["planned_outcomes"][0]["key"] == "first-outcome"
    before = path.read_bytes()
    done = cli("plan", "new", "--output", str(path))
    assert done.returncode == 2 and "already exists" in done.stderr
    assert path.read_bytes() == before


def test_the_docs_show_the_coverage_the_command_prints(cli):
    """docs/planning-an-evaluation.md includes this output: it must be what the command says today."""
    done = cli("plan", "coverage", "examples/plans/family-safeguarding.yaml",
               "examples/plans/results/family-safeguarding-2023-results.yaml")
    assert done.stdout == (ROOT / "docs" / "snippets" / "coverage-family.txt").read_text(encoding="utf-8")


def test_a_plan_can_point_at_the_national_framework(cli, tmp_path):
    """Outcomes of the statutory national framework are named by their ids (nf-safe), and an
    indicator the standard links to another outcome is a warning."""
    def national(plan):
        plan["framework_version"] = "1.1.0"
        plan["planned_outcomes"] = [
            {"key": "safe", "framework": "national-framework", "outcome": "nf-safe", "role": "primary",
             "indicator": "cpp_second_or_subsequent_pct", "population": "children", "measured_at": ["2026"]},
            {"key": "elsewhere", "framework": "national-framework", "outcome": "nf-safe", "role": "secondary",
             "indicator": "cla_rate_31mar", "population": "children", "measured_at": ["2026"]},
            {"key": "nowhere", "framework": "national-framework", "outcome": "nf-unknown", "role": "secondary",
             "indicator": "cla_rate_31mar", "population": "children", "measured_at": ["2026"]}]

    code, found = _check(cli, _broken(tmp_path, national))
    assert code == 1
    assert ("plan-indicator-outcome", "warning", "planned_outcomes[1].indicator") in found
    assert ("plan-unknown-outcome", "error", "planned_outcomes[2].outcome") in found
    assert not [f for f in found if f[2].startswith("planned_outcomes[0]")]
