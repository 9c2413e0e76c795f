"""The real DfE files harmonise and validate clean, and every harmonised LA figure is the published one."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from csc_outcomes.harmonise.engine import harmonise
from csc_outcomes.validators.validate import validate_file
from conftest import ROOT

DFE = ROOT / "tests" / "data" / "dfe"
SPECS = {
    "cla-number-and-rate": "cla_number_and_rate_per_10k_children.csv",
    "cin-referrals": "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
    "cpp-subsequent": "d3_cpps_subsequent_plan_2013_to_2025.csv",
    "cpp-duration": "d5_cpps_at31march_by_duration_2013_to_2025.csv",
    "workforce": "csww_indicators_2017_to_2025.csv",
    "placement-stability": "la_cla_placement_stability.csv",
    "care-leavers-activity": "la_care_leavers_activity.csv",
    "care-leavers-accommodation": "la_care_leavers_accommodation_suitability.csv",
    "cla-outcomes": "la_conviction_health_outcome_cla.csv",
    "cla-school-moves": "la_cla_school_moves.csv",
    "cla-social-worker-count": "la_cla_swcount.csv",
}


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("spec", sorted(SPECS))
def test_dfe_file_harmonises_validates_and_reproduces_publication(spec: str, tmp_path: Path):
    import yaml

    source = DFE / SPECS[spec]
    out, lineage = tmp_path / "out.csv", tmp_path / "lineage.csv"
    outcome = harmonise(source, ROOT / "mappings" / "dfe" / f"{spec}.yaml", out, lineage)
    assert outcome.report.exit_code == 0, outcome.reasons
    published = _read(source)
    # row conservation: every input row is used or reported unused, with a reason
    assert outcome.rows_in == len(published) == outcome.rows_used + outcome.rows_unused
    lines = _read(lineage)
    assert len([r for r in lines if r["kind"] == "unused"]) == outcome.rows_unused
    # every LA row with a figure was harmonised; only DfE's placeholder rows (symbols only) were not
    not_placed = [r["detail"] for r in lines if r["kind"] == "unused"
                  and r["detail"] not in ("no indicator mapping selects this row", "excluded by the spec's where filter")]
    assert all(d.startswith("holds no figures;") for d in not_placed), not_placed[:3]

    # validation against the version the spec targets: zero errors (City of London's 0-of-0 SDQ rows
    # are the only warnings anywhere)
    mapping = yaml.safe_load((ROOT / "mappings" / "dfe" / f"{spec}.yaml").read_text(encoding="utf-8"))
    report = validate_file(out, framework_version=mapping["framework_version"])
    assert report.valid, report.flatten(["row", "field", "type", "message"])[:10]
    assert {i.code for i in report.issues} <= {"zero-value-of-nothing"}

    # every harmonised value is the published one, read back through the lineage
    value_column = {m["indicator"]: m["value"]["column"] for m in mapping["indicators"]}
    denominator_row = {m["indicator"]: m["denominator"]["column"] for m in mapping["indicators"]
                       if (m.get("denominator") or {}).get("row")}
    rows = _read(out)
    for line in lines:
        if line["kind"] != "output":
            continue
        row = rows[int(line["output_row"]) - 2]
        anchor = published[int(line["source_rows"].split(";")[0]) - 2]
        assert row["value"] == anchor[value_column[row["indicator_id"]]].strip()
        assert row["old_la_code"] == anchor["old_la_code"] and row["time_period"] == anchor["time_period"]
        assert anchor["geographic_level"] == "Local authority"
        if row["indicator_id"] in denominator_row:  # read from the group's total row, also in the lineage
            total = published[int(line["source_rows"].split(";")[1]) - 2]
            assert row["denominator"] == total[denominator_row[row["indicator_id"]]].strip()
            assert total["old_la_code"] == anchor["old_la_code"] and total["time_period"] == anchor["time_period"]
    assert len(rows) == outcome.rows_out > 0


def test_backdated_codes_are_mapped_to_the_code_in_force(tmp_path: Path):
    """DfE's file gives North Yorkshire its 2023 unitary code for 2021; harmonised, it is the county's."""
    out = tmp_path / "out.csv"
    harmonise(DFE / SPECS["cla-number-and-rate"], ROOT / "mappings" / "dfe" / "cla-number-and-rate.yaml", out)
    codes = {(r["time_period"], r["new_la_code"]) for r in _read(out) if r["old_la_code"] == "815"}
    assert ("2021", "E10000023") in codes and ("2024", "E06000065") in codes
    assert ("2021", "E06000065") not in codes


def test_barnsley_changes_code_between_march_and_september_2025(tmp_path: Path):
    out = tmp_path / "out.csv"
    harmonise(DFE / SPECS["workforce"], ROOT / "mappings" / "dfe" / "workforce.yaml", out)
    barnsley = {r["time_period"]: r["new_la_code"] for r in _read(out) if r["old_la_code"] == "370"}
    assert barnsley["2025"] == "E08000038" and barnsley["2024"] == "E08000016"
