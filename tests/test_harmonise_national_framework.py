"""The national framework's DfE files, and the engine features they need: where a source places its
authorities, and rows the spec-wide filter leaves out told apart from rows no mapping selects."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import yaml

from csc_outcomes.harmonise.engine import harmonise
from conftest import ROOT

DFE = ROOT / "tests" / "data" / "dfe"
SPECS = ROOT / "mappings" / "dfe"


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _places(out: Path) -> dict[tuple[str, str], str]:
    return {(r["old_la_code"], r["time_period"]): r["new_la_code"] for r in _read(out)}


def test_school_figures_are_placed_in_the_authority_of_31_march(tmp_path: Path):
    """DfE's absence file gives 2024/25 to Barnsley's old code and 2018/19 to Dorset county: the
    authorities on 31 March, not on 31 August when the academic year ends. The spec says so."""
    shipped = yaml.safe_load((SPECS / "absence.yaml").read_text(encoding="utf-8"))
    assert shipped["geography"]["reference_date"] == "--03-31"
    # the same source and places, one indicator of framework 1.0.0 (every framework version reads the field)
    spec = dict(shipped, framework_version="1.0.0", indicators=[{
        "indicator": "cla_school_absence_overall_pct", "match": "exact", "justification": "DfE's rate",
        "where": [{"column": "social_care_group", "equals": "CLA 12 months at 31 March"},
                  {"column": "phase_type_grouping", "equals": "Total"}],
        "numerator": {"column": "t_sess_overall"}, "denominator": {"column": "t_sess_possible"},
        "value": {"column": "pt_overall"}}])
    placed_on_31_march = tmp_path / "absence.yaml"
    placed_on_31_march.write_text(yaml.safe_dump(spec), encoding="utf-8")
    out, lineage = tmp_path / "out.csv", tmp_path / "lineage.csv"
    outcome = harmonise(DFE / "absence_la.csv", placed_on_31_march, out, lineage)
    assert outcome.report.exit_code == 0
    placed = _places(out)
    published = {(r["old_la_code"], r["time_period"]): r["new_la_code"] for r in _read(DFE / "absence_la.csv")
                 if r["geographic_level"] == "Local authority"}
    assert placed[("370", "202425")] == "E08000016" == published[("370", "202425")]  # Barnsley
    assert placed[("835", "201819")] == "E10000009"  # Dorset county, before the 1 April 2019 unitary
    assert placed[("928", "202021")] == "E10000021"  # Northamptonshire county, until 31 March 2021
    detail = next(r["detail"] for r in _read(lineage) if r["kind"] == "output")
    assert "(authorities as on 31 March)" in detail

    # without the field, the same rows go to the authorities of 31 August
    del spec["geography"]["reference_date"]
    plain = tmp_path / "plain.yaml"
    plain.write_text(yaml.safe_dump(spec), encoding="utf-8")
    harmonise(DFE / "absence_la.csv", plain, tmp_path / "plain.csv")
    assert _places(tmp_path / "plain.csv")[("370", "202425")] == "E08000038"


def test_a_bad_place_date_is_refused_with_the_field_named(tmp_path: Path):
    from csc_outcomes.harmonise.spec import SpecError
    import pytest

    spec = yaml.safe_load((SPECS / "absence.yaml").read_text(encoding="utf-8"))
    spec["framework_version"] = "1.0.0"
    spec["geography"]["reference_date"] = "31 March"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(spec), encoding="utf-8")
    with pytest.raises(SpecError, match=r"geography\.reference_date: .31 March. does not match"):
        harmonise(DFE / "absence_la.csv", bad, tmp_path / "out.csv")


def test_filtered_rows_and_unselected_rows_have_distinct_reasons(tmp_path: Path, cli):
    """National and regional rows are left out by the spec-wide filter; LA rows of the two-year cohort
    are rows no indicator mapping selects: two codes, in the report, its JSON and the lineage."""
    source = DFE / "la_cla_school_moves.csv"
    rows = _read(source)
    out, lineage = tmp_path / "out.csv", tmp_path / "lineage.csv"
    run = cli("harmonise", str(source), "-m", str(SPECS / "cla-school-moves.yaml"), "-o", str(out),
              "--lineage", str(lineage), "--format", "json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    types = {}
    for task in report["tasks"]:
        for error in task["errors"]:
            types.setdefault(error["type"], set()).add(error["row"])
    other_levels = {i for i, r in enumerate(rows, start=2) if r["geographic_level"] != "Local authority"}
    two_year = {i for i, r in enumerate(rows, start=2) if r["geographic_level"] == "Local authority"
                and (r["cla_group"] != "CLA on 31 March" or r["move_measure"] != "Mid-year moves")}
    # the report lists up to 200 rows per reason; each listed row carries the right code
    assert types["row-filtered-out"] and types["row-filtered-out"] <= other_levels
    assert types["row-not-selected"] and types["row-not-selected"] <= two_year
    reasons = {r["source_rows"]: r["detail"] for r in _read(lineage) if r["kind"] == "unused"}
    assert {reasons[str(i)] for i in other_levels} == {"excluded by the spec's where filter"}
    assert {reasons[str(i)] for i in two_year} == {"no indicator mapping selects this row"}
    text = cli("harmonise", str(source), "-m", str(SPECS / "cla-school-moves.yaml"), "-o", str(out)).stdout
    assert f"unused x{len(other_levels):,}: excluded by the spec's where filter" in text
    # the rest: the two-year cohort and "any moves", and the total rows of DfE's placeholder authorities
    not_selected = sum(1 for d in reasons.values() if d == "no indicator mapping selects this row")
    assert not_selected >= len(two_year)
    assert f"unused x{not_selected:,}: no indicator mapping selects this row" in text


def _half_up(x: float, dp: int) -> str:
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(repr(x)).quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP))


def _population() -> dict[tuple[str, str], str]:
    """ONS 0-17 estimates by (DfE code, mid-year), as DfE publishes them (a symbol where ONS has none)."""
    rows = _read(ROOT / "src" / "csc_outcomes" / "harmonise" / "data" / "ons_mye_0_17.csv")
    return {(r["old_la_code"], r["time_period"]): r["population_estimate"] for r in rows
            if r["geographic_level"] == "Local authority"}


def test_assessment_factor_rates_are_the_counts_over_the_ons_population(tmp_path: Path):
    """DfE publishes counts of episodes with each factor; the dashboard divides them by the ONS 0-17
    estimate for the mid-year before the year ends. Every LA count, all years, is carried through, and
    every rate is that division at the indicator's rounding (one decimal place; the dashboard shows none)."""
    from csc_outcomes.releases import load_release

    source = DFE / "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv"
    spec_path = SPECS / "assessment-factors-cse-gangs.yaml"
    out, lineage = tmp_path / "out.csv", tmp_path / "lineage.csv"
    outcome = harmonise(source, spec_path, out, lineage)
    assert outcome.report.exit_code == 0, outcome.reasons
    published = _read(source)
    assert outcome.rows_in == len(published) == outcome.rows_used + outcome.rows_unused
    la_rows = [r for r in published if r["geographic_level"] == "Local authority"]
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    column = {m["indicator"]: m["numerator"]["column"] for m in spec["indicators"]}
    rows, population = _read(out), _population()
    assert len(rows) == len(la_rows) * len(column)  # every LA row gives every factor's rate
    catalogue = load_release(spec["framework_version"]).catalogue.indicators
    checked = 0
    for line in _read(lineage):
        if line["kind"] != "output":
            continue
        row = rows[int(line["output_row"]) - 2]
        anchor = published[int(line["source_rows"]) - 2]
        count = anchor[column[row["indicator_id"]]].strip()
        pop = population[(anchor["old_la_code"], str(int(anchor["time_period"]) - 1))]
        assert (row["old_la_code"], row["time_period"]) == (anchor["old_la_code"], anchor["time_period"])
        assert row["numerator"] == count and row["denominator"] == pop
        dp = int(catalogue[row["indicator_id"]]["decimal_places"])
        if count.isdigit() and pop.isdigit():
            assert row["value"] == _half_up(int(count) / int(pop) * 10000, dp), row
            checked += 1
        else:  # a suppressed count (c) or no ONS estimate (x, Bournemouth, Poole and Dorset in 2018-19)
            assert row["value"] == (count if not count.isdigit() else pop)
    assert checked > 0.9 * len(rows)

    from csc_outcomes.validators.validate import validate_file

    report = validate_file(out)
    assert report.valid and not report.issues, report.flatten(["row", "field", "type", "message"])[:5]


def test_hospital_admissions_reproduce_fingertips_for_every_authority_and_region(tmp_path: Path):
    """Every authority's and region's figure for persons, all years, is Fingertips' own count,
    population and (rounded) rate; the rows Fingertips labels with an authority that did not yet
    exist are named in the report, never errors, and nothing else is left unplaced."""
    from csc_outcomes.validators.validate import validate_file

    spec = SPECS / "hospital-admissions-injuries.yaml"
    for name in ("la_hospital_admissions_2324.csv", "region_hospital_admissions_2324.csv"):
        source = DFE / name
        out, lineage = tmp_path / f"{name}.out.csv", tmp_path / f"{name}.lineage.csv"
        outcome = harmonise(source, spec, out, lineage)
        assert outcome.report.exit_code == 0, outcome.reasons
        published = _read(source)
        assert outcome.rows_in == len(published) == outcome.rows_used + outcome.rows_unused
        wanted = {i for i, r in enumerate(published, start=2) if r["Sex"] == "Persons" and not r["Category Type"]
                  and r["Area Type"] in ("Counties & UAs (from Apr 2023)", "Regions (statistical)")}
        rows, lines = _read(out), _read(lineage)
        placed = set()
        for line in lines:
            if line["kind"] == "unused":
                row = int(line["source_rows"])
                if row in wanted:  # only an authority before it existed is not placed
                    assert line["detail"].startswith("before its authority existed: GSS code "), line
                    assert published[row - 2]["Area Code"] in line["detail"]
                continue
            row = rows[int(line["output_row"]) - 2]
            anchor = published[int(line["source_rows"]) - 2]
            placed.add(int(line["source_rows"]))
            code = row["new_la_code"] or row["region_code"]
            assert code == anchor["Area Code"] and row["time_period"] == anchor["Time period"].replace("/", "")
            assert row["numerator"] == (anchor["Count"] or "x") and row["denominator"] == (anchor["Denominator"] or "x")
            assert row["value"] == (_half_up(float(anchor["Value"]), 1) if anchor["Value"] else "x"), (row, anchor)
        assert placed <= wanted and len(placed) == outcome.rows_out == len(rows)
        before = [i for i in outcome.report.issues if i.code == "row-before-authority"]
        assert len(placed) + sum(outcome.reasons[r] for r in outcome.reasons
                                 if r.startswith("before its authority")) == len(wanted)
        assert before and all(i.severity.name == "INFO" for i in before)
        report = validate_file(out)
        assert report.valid and not report.issues, report.flatten(["row", "field", "type", "message"])[:5]
    levels = {r["geographic_level"] for r in _read(out)}
    assert levels == {"Local authority", "Regional"}


def test_a_code_never_known_is_still_an_error_with_backdated_codes(tmp_path: Path):
    source = tmp_path / "fingertips.csv"
    header = list(_read(DFE / "la_hospital_admissions_2324.csv")[0])
    rows = [r for r in _read(DFE / "la_hospital_admissions_2324.csv") if r["Area Code"] == "E06000058"
            and r["Sex"] == "Persons" and r["Time period"] in ("2015/16", "2023/24")]
    rows.append(dict(rows[-1], **{"Area Code": "E06999999"}))
    with open(source, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header)
        writer.writeheader()
        writer.writerows(rows)
    outcome = harmonise(source, SPECS / "hospital-admissions-injuries.yaml", tmp_path / "out.csv")
    assert outcome.report.exit_code == 1 and outcome.rows_out == 1  # BCP in 2023/24
    assert [(i.code, i.row) for i in outcome.report.issues] == [("row-before-authority", 2), ("row-not-harmonised", 4)]
    assert outcome.report.issues[1].message == "no local authority has GSS code E06999999 on 2024-03-31"
