"""The national framework's DfE files, and the engine features they need: where a source places its
authorities, and rows the spec-wide filter leaves out told apart from rows no mapping selects."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
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
    spec = yaml.safe_load((SPECS / "absence.yaml").read_text(encoding="utf-8"))
    assert spec["geography"]["reference_date"] == "--03-31"
    placed_on_31_march = SPECS / "absence.yaml"
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

    spec = yaml.safe_load((SPECS / "absence.yaml").read_text(encoding="utf-8"))
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


C3 = "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv"


@pytest.mark.parametrize("name, file", [("assessment-factors-cse-gangs", C3), ("assessment-factors", C3),
                                        ("children-in-need", "b1_children_in_need_2013_to_2025.csv")])
def test_rates_are_the_published_counts_over_the_ons_population(name: str, file: str, tmp_path: Path):
    """DfE publishes counts of episodes with each factor; the dashboard divides them by the ONS 0-17
    estimate for the mid-year before the year ends. Every LA count, all years, every factor, is carried
    through, and every rate is that division at the indicator's rounding: one decimal place for the two
    rates of 1.0.0, a whole number (as the dashboard shows) for cin_assessment_factor_rate of 1.1.0.
    The rate of children in need (table B1, episodes open at 31 March; dashboard figure 1) is made
    the same way. The estimate is looked up here by DfE code: ONS backdates GSS codes (Gateshead's
    mid-2012 estimate is under the code it took in 2013)."""
    from csc_outcomes.releases import load_release

    source = DFE / file
    spec_path = SPECS / f"{name}.yaml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    release = _release_110() if spec["framework_version"] == "1.1.0" else load_release(spec["framework_version"])
    out, lineage = tmp_path / "out.csv", tmp_path / "lineage.csv"
    outcome = harmonise(source, spec_path, out, lineage, release=release)
    assert outcome.report.exit_code == 0, outcome.reasons
    published = _read(source)
    assert outcome.rows_in == len(published) == outcome.rows_used + outcome.rows_unused
    la_rows = [r for r in published if r["geographic_level"] == "Local authority"]
    if spec.get("reshape"):  # one rate per factor column, the Total from episodes with any factor
        per_row = len(spec["reshape"]["columns"])
        assert spec["reshape"]["columns"][1:] == [c["code"] for c in
                                                  release.catalogue.code_lists["assessment-factor"]["codes"]]
    else:
        per_row = len(spec["indicators"])
    column = {m["indicator"]: m["numerator"]["column"] for m in spec["indicators"]}
    rows, population = _read(out), _population()
    assert len(rows) == len(la_rows) * per_row  # every LA row gives every factor's rate
    catalogue = release.catalogue.indicators
    checked = 0
    for line in _read(lineage):
        if line["kind"] != "output":
            continue
        row = rows[int(line["output_row"]) - 2]
        anchor = published[int(line["source_rows"]) - 2]
        if spec.get("reshape"):
            factor = row["breakdown"] if row["breakdown_topic"] == "assessment-factor" else "Episodes_with_assessment_factor"
            assert row["breakdown_topic"] in ("assessment-factor", "Total")
        else:
            factor = column[row["indicator_id"]]
        count = anchor[factor].strip()
        pop = population[(anchor["old_la_code"], str(int(anchor["time_period"]) - 1))]
        assert (row["old_la_code"], row["time_period"]) == (anchor["old_la_code"], anchor["time_period"])
        assert row["numerator"] == count and row["denominator"] == pop
        dp = int(catalogue[row["indicator_id"]]["decimal_places"])
        if count.isdigit() and pop.isdigit():
            assert row["value"] == _half_up(int(count) / int(pop) * 10000, dp), row
            checked += 1
        else:  # a suppressed count (c) or no ONS estimate (x, Bournemouth, Poole and Dorset in 2018-19)
            assert row["value"] == (count if not count.isdigit() else pop)
    assert checked > 0.8 * len(rows)  # the rest are suppressed counts or years without an estimate

    from csc_outcomes.validators.validate import validate_file

    report = validate_file(out, release=release)
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


# ---- framework 1.1.0: the national framework's files -------------------------------------------

def _release_110():
    """The 1.1.0 release shipped with the package (built from indicators/ by `release build`)."""
    from csc_outcomes.releases import available_versions, load_release

    if "1.1.0" not in available_versions():
        pytest.skip("framework 1.1.0 is not built into this checkout yet (csc-outcomes release build)")
    return load_release("1.1.0")


def _holds(row: dict, conditions: list[dict]) -> bool:
    """A where condition read in plain Python (independent of the engine's SQL)."""
    for c in conditions or []:
        cell = (row.get(c["column"]) or "").strip()
        if "equals" in c and cell != str(c["equals"]):
            return False
        if "in" in c and cell not in [str(v) for v in c["in"]]:
            return False
        if "not_in" in c and cell and cell in [str(v) for v in c["not_in"]]:
            return False
    return True


def _expected(part: dict | None, anchor: dict, group: list[dict], keys: list[str], recode: dict, default: str | None):
    if part is None:
        return default
    if "constant" in part:
        return str(part["constant"])
    row = anchor
    if part.get("row"):
        named = {c["column"] for c in part["row"]}
        row = next(r for r in group if all(r[k] == anchor[k] for k in keys if k not in named) and _holds(r, part["row"]))
    cell = row[part["column"]].strip()
    return recode.get(part["column"], {}).get(cell, cell)


def _months(cell: str) -> str:
    years, months = cell.split(":") if ":" in cell else (None, None)
    return str(int(years) * 12 + int(months)) if years is not None else cell


FILES_110 = {  # spec -> source: values read from a column, checked against the publication row by row
    "absence": "absence_la.csv",
    "key-stage-2": "ks2_la.csv",
    "key-stage-4": "ks4_la.csv",
    "lait-cla-characteristics": "lait_cla_characteristics_extract.csv",
    "adoption-timeliness": "national_cla_adopted_average_time_between_adoption_process_stages.csv",
    "care-leavers-activity-by-age": "la_care_leavers_activity.csv",
    "care-leavers-accommodation-by-age": "la_care_leavers_accommodation_suitability.csv",
}


def _harmonise_110(name: str, tmp_path: Path):
    release = _release_110()
    spec_path, source = SPECS / f"{name}.yaml", DFE / FILES_110[name]
    out, lineage = tmp_path / "out.csv", tmp_path / "lineage.csv"
    outcome = harmonise(source, spec_path, out, lineage, release=release)
    return release, yaml.safe_load(spec_path.read_text(encoding="utf-8")), source, out, lineage, outcome



@pytest.mark.parametrize("name", sorted(FILES_110))
def test_national_framework_file_reproduces_every_published_value(name: str, tmp_path: Path):
    """Every published row a mapping selects becomes one output row carrying the published value (and
    numerator, denominator, breakdown, period and place), read back through the lineage; a selected row
    not placed holds no figures; every other row is named with its reason."""
    release, spec, source, out, lineage, outcome = _harmonise_110(name, tmp_path)
    assert outcome.report.exit_code == 0, outcome.reasons
    published = _read(source)
    assert outcome.rows_in == len(published) == outcome.rows_used + outcome.rows_unused
    keys = spec.get("keys") or []
    recode = {r["column"]: {m["from"]: m["to"] for m in r["map"]} for r in spec.get("recodes") or []}
    # a group: the rows agreeing on every key but the columns a lookup names
    named = {c["column"] for m in spec["indicators"] for part in ("numerator", "denominator", "value")
             for c in (m.get(part) or {}).get("row") or []}
    group_keys = [k for k in keys if k not in named]
    groups: dict[tuple, list[dict]] = {}
    for r in published if keys else []:
        groups.setdefault(tuple(r[k] for k in group_keys), []).append(r)
    rows, lines = _read(out), _read(lineage)
    code_column = spec["geography"].get("column")
    population = _population()
    produced = set()
    for line in lines:
        if line["kind"] != "output":
            continue
        row = rows[int(line["output_row"]) - 2]
        anchor_at = int(line["source_rows"].split(";")[0])
        anchor = published[anchor_at - 2]
        assert _holds(anchor, spec.get("where"))
        chosen = [m for m in spec["indicators"] if m["indicator"] == row["indicator_id"] and _holds(anchor, m.get("where"))]
        assert len(chosen) == 1, (row, anchor)
        m = chosen[0]
        produced.add((anchor_at, spec["indicators"].index(m)))
        group = groups.get(tuple(anchor[k] for k in group_keys), []) if keys else []
        if m["value"].get("compute"):  # a count over the ONS 0-17 estimate of the mid-year before
            count = _expected(m["numerator"], anchor, group, keys, recode, None)
            pop = population[(row["old_la_code"], str(int(row["time_period"]) - 1))]
            assert row["denominator"] == pop
            dp = int(release.catalogue.indicators[row["indicator_id"]]["decimal_places"])
            value = _half_up(int(count) / int(pop) * 10000, dp) if count.isdigit() and pop.isdigit() else (
                count if not count.isdigit() else pop)
        else:
            value = _expected(m["value"], anchor, group, keys, recode, None)
        if m.get("value_format") == "years_months":
            value = _months(value)
        assert row["value"] == value, (row, anchor)
        for part in ("numerator", "denominator"):
            if "population" not in (m.get(part) or {}):
                assert row[part] == _expected(m.get(part), anchor, group, keys, recode, ""), (part, row, anchor)
        assert row["breakdown_topic"] == m.get("breakdown_topic", "Total")
        assert row["breakdown"] == _expected(m.get("breakdown"), anchor, group, keys, recode, "Total")
        period = anchor[spec["period"]["column"]]
        assert row["time_period"] == period
        if code_column:
            assert row["old_la_code"] == anchor[code_column]
        else:
            assert row["geographic_level"] == anchor["geographic_level"]
    # every selected row is either an output row or reported as holding no figures
    unused = {int(r["source_rows"]): r["detail"] for r in lines if r["kind"] == "unused"}
    for at, r in enumerate(published, start=2):
        if not _holds(r, spec.get("where")):
            assert unused[at] == "excluded by the spec's where filter"
            continue
        for i, m in enumerate(spec["indicators"]):
            if _holds(r, m.get("where")) and (at, i) not in produced:
                assert unused[at].startswith("holds no figures;"), (at, unused.get(at))
    assert len(rows) == outcome.rows_out > 0


# DfE places school cohorts in the authority responsible on 31 March, not on the academic year's
# 31 August: the five school indicators say so (period.places_on), and validation judges their
# authority codes on that day, so authorities that changed between the two dates (Barnsley and
# Sheffield in 2024/25, Cumbria, North Yorkshire and Somerset in 2022/23, ...) are in force.
@pytest.mark.parametrize("name", sorted(FILES_110))
def test_national_framework_file_validates_clean(name: str, tmp_path: Path):
    from csc_outcomes.validators.validate import validate_file

    release, _, _, out, _, outcome = _harmonise_110(name, tmp_path)
    assert outcome.report.exit_code == 0
    report = validate_file(out, release=release)
    assert report.valid and not [i for i in report.issues if i.severity.name != "INFO"], \
        report.flatten(["row", "field", "type", "message"])[:5]


def test_a_school_figure_is_judged_on_the_day_it_places_children(tmp_path: Path):
    """Barnsley took a new code on 1 May 2025: its 2024/25 school figures, placed on 31 March 2025,
    carry the old code; the same row judged on 31 August would be out of date."""
    from csc_outcomes.validators.validate import validate_file

    release, _, _, out, _, _ = _harmonise_110("absence", tmp_path)
    rows = _read(out)
    assert any(r["new_la_code"] == "E08000016" and r["time_period"] == "202425" for r in rows)
    assert validate_file(out, release=release).valid
    catalogue = json.loads((release.folder / "catalogue.json").read_text(encoding="utf-8"))
    school = [i for i in catalogue["indicators"] if i["period"].get("places_on")]
    assert {i["id"] for i in school} == {"cin_school_absence_overall_pct", "cin_persistent_absence_pct",
                                          "cin_severe_absence_pct", "cin_ks2_rwm_expected_pct",
                                          "cin_ks4_attainment8_avg"}


def _sheet(name: str, sheet: str) -> list[list]:
    """The workbook's cells as the spreadsheet holds them (an independent reading, not the engine's)."""
    from python_calamine import load_workbook

    return load_workbook(str(DFE / name)).get_sheet_by_name(sheet).to_python()


def _cell(value) -> float | str:
    return "x" if value == "[x]" else float(value)


def test_spending_shares_and_per_child_are_recomputed_from_the_workbooks(tmp_path: Path):
    """MHCLG's ODS workbooks (sheet read at header row 7, the period named only in the title): every
    upper-tier authority's share of service spending on children's social care, spending per child
    and share not on children looked after is the arithmetic of the workbook's own cells."""
    from csc_outcomes.validators.validate import validate_file

    release = _release_110()
    population = _population()
    uppers = {"UA", "MD", "LB", "SC"}
    for spec_name, book, sheet in (("revenue-outturn-rsx", "RSX_LA_Data_2024-25_data_by_LA.ods", "RSX_LA_Data_202425"),
                                   ("revenue-outturn-ro3", "RO3_LA_Data_2024-25_data_by_LA.ods", "RO3_LA_Data_202425")):
        cells = _sheet(book, sheet)
        header = [str(h).strip() for h in cells[6]]
        col = {h: i for i, h in enumerate(header)}
        out, lineage = tmp_path / f"{spec_name}.csv", tmp_path / f"{spec_name}.lineage.csv"
        outcome = harmonise(DFE / book, SPECS / f"{spec_name}.yaml", out, lineage, release=release)
        assert outcome.report.exit_code == 0, outcome.reasons
        authorities = [r for r in cells[7:] if r[4] in uppers and len(str(r[1])) == 9]
        assert len(authorities) == 153  # every authority with children's social care, City and Scilly included
        rows = _read(out)
        seen: dict[str, set] = {}
        for line in _read(lineage):
            if line["kind"] != "output":
                continue
            row, source = rows[int(line["output_row"]) - 2], cells[int(line["source_rows"]) - 1]
            assert row["new_la_code"] == source[1] and row["time_period"] == "202425"
            seen.setdefault(row["indicator_id"], set()).add(source[1])
            if row["indicator_id"] == "cs_spend_share_pct":
                csc = _cell(source[col["Children Social Care - Net Current Expenditure (C7 = C3 - C6)"]])
                total = _cell(source[col["Total Service Expenditure - Net Current Expenditure (C7 = C3 - C6)"]])
                expected = "x" if "x" in (csc, total) else _half_up(csc / total * 100, 1)
            else:
                csc = _cell(source[col["TOTAL CHILDREN SOCIAL CARE - Net Current Expenditure (C7 = C3 - C6)"]])
                if row["indicator_id"] == "cs_spend_per_child":
                    pop = population[(row["old_la_code"], "2024")]  # mid-2024, within 2024-25
                    assert row["denominator"] == pop
                    expected = "x" if csc == "x" else _half_up(csc * 1000 / int(pop), 0)
                else:
                    cla = _cell(source[col["Children's social care - Children Looked After - Net Current "
                                           "Expenditure (C7 = C3 - C6)"]])
                    expected = "x" if "x" in (csc, cla) else _half_up((csc - cla) / csc * 100, 1)
            assert row["value"] == expected, (row, source[:3])
        # every other row (districts, police, class totals, England, the hidden row of cell references
        # whose Class is blank) is left out by the filter, and says so
        unused = {r["detail"] for r in _read(lineage) if r["kind"] == "unused"}
        assert unused == {"excluded by the spec's where filter"} and outcome.rows_unused == len(cells) - 7 - 153
        codes = {r[1] for r in authorities}
        if spec_name == "revenue-outturn-rsx":
            assert seen == {"cs_spend_share_pct": codes}
        else:  # Sandwell's negative spend on children looked after: left out of that share only, by name
            assert seen == {"cs_spend_per_child": codes, "cs_spend_not_cla_pct": codes - {"E08000028"}}
        report = validate_file(out, release=release)
        assert report.valid and not report.issues, report.flatten(["row", "field", "type", "message"])[:5]


def test_a_period_must_come_from_a_column_or_be_named_once(tmp_path: Path):
    from csc_outcomes.harmonise.spec import SpecError

    spec = yaml.safe_load((SPECS / "revenue-outturn-rsx.yaml").read_text(encoding="utf-8"))
    for period, message in (({"value": "2024-25", "column": "Class"}, "give exactly one of column"),
                            ({"format": "two_year_label"}, "give exactly one of column")):
        spec["period"] = period
        bad = tmp_path / "bad.yaml"
        bad.write_text(yaml.safe_dump(spec), encoding="utf-8")
        with pytest.raises(SpecError, match=message):
            harmonise(DFE / "RSX_LA_Data_2024-25_data_by_LA.ods", bad, tmp_path / "out.csv")


def test_authorities_are_counted_by_ofsted_leadership_grade(tmp_path: Path):
    """Dashboard figures 59 to 62: the authorities counted by the grade of the impact of leaders, for
    England, from Ofsted's workbook; every authority counted is named in the lineage of its count."""
    from collections import Counter

    from csc_outcomes.validators.validate import validate_file

    release = _release_110()
    book = "LA_Inspection_Outcomes_as_at_31_March_2025.ods"
    cells = _sheet(book, "Inspections_as_at_31_March")
    header = [str(h) for h in cells[2]]
    grade = header.index("The impact of leaders on social work practice with children and families")
    graded = {i: r for i, r in enumerate(cells, start=1) if i > 3 and r[grade]}
    expected = Counter(r[grade] for r in graded.values())
    out, lineage = tmp_path / "out.csv", tmp_path / "lineage.csv"
    outcome = harmonise(DFE / book, SPECS / "ofsted-leadership.yaml", out, lineage, release=release)
    assert outcome.report.exit_code == 0 and outcome.rows_in == len(graded) == outcome.rows_used == 153
    rows = _read(out)
    counts = {r["breakdown"]: int(r["value"]) for r in rows}
    assert counts == dict(expected, Total=len(graded)) and set(expected) == {
        "Outstanding", "Good", "Requires improvement to be good", "Inadequate"}
    assert {(r["geographic_level"], r["new_la_code"], r["time_period"]) for r in rows} == {("National", "", "2025")}
    for line in _read(lineage):
        row = rows[int(line["output_row"]) - 2]
        named = [int(n) for n in line["source_rows"].split(";")]
        assert len(named) == int(row["value"]) == int(row["numerator"])
        if row["breakdown"] != "Total":
            assert {graded[n][grade] for n in named} == {row["breakdown"]}
    report = validate_file(out, release=release)
    assert report.valid and not report.issues, report.flatten(["row", "field", "type", "message"])[:5]
