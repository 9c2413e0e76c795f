"""`csc-outcomes compute` as a user runs it: exit codes, messages, lineage, suppression."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from tests.conftest import run_cli

SYN = Path(__file__).resolve().parent / "data" / "synthetic"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_compute_writes_a_return_and_reports_without_child_ids(tmp_path):
    out, lineage = tmp_path / "return.csv", tmp_path / "lineage.csv"
    r = run_cli("compute", str(SYN / "cs-demand-model"), "--la", "E08000016", "--year", "2019",
                "--indicators", "cla_count_31mar", "--indicators", "cla_3plus_placements_pct",
                "--output", str(out), "--lineage", str(lineage))
    assert r.returncode == 0, r.stderr
    assert "cla_count_31mar: 8 row(s); 288 unit(s) in scope, 272 excluded" in r.stdout
    assert "219 unit(s) excluded: not looked after on 31 March" in r.stdout
    assert "it validates against the framework" in r.stdout
    rows = _rows(out)
    assert {x["indicator_id"] for x in rows} == {"cla_count_31mar", "cla_3plus_placements_pct"}
    assert rows[0]["la_name"] == "Barnsley" and rows[0]["old_la_code"] == "370"
    # the lineage lists, per output row, the children counted; neither report nor return does
    lin = _rows(lineage)
    total_row = next(i for i, x in enumerate(rows, start=2) if x["indicator_id"] == "cla_count_31mar"
                     and x["breakdown"] == "Total")
    counted = {x["unit_id"] for x in lin if int(x["output_row"]) == total_row}
    assert len(counted) == 288
    for child in counted:
        assert child not in r.stdout and f",{child}," not in out.read_text(encoding="utf-8")


def test_json_report_counts_records_read_and_used_per_table(tmp_path):
    r = run_cli("compute", str(SYN / "cs-demand-model"), "--la", "370", "--year", "2020", "--indicators",
                "cla_starts_rate", "--output", str(tmp_path / "o.csv"), "--format", "json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    tables = report["tasks"][0]["stats"]["tables"]
    # five returns of episodes: 3,737 rows read, an open episode repeated in the next return counted once
    assert tables["ssda903_episodes"]["read"] == 3737
    assert tables["ssda903_episodes"]["read"] == tables["ssda903_episodes"]["used"] + \
        tables["ssda903_episodes"]["superseded_by_a_later_return"] + tables["ssda903_episodes"]["identical_rows"]
    starts = next(t for t in report["tasks"] if t["name"] == "cla_starts_rate")
    assert starts["stats"]["units_in_scope"] > 0


def test_malformed_records_are_named_and_exit_1(tmp_path):
    (tmp_path / "episodes.csv").write_text(EPISODES + "CHILD0001,01/04/2024,S,C2,N1,U1,PR1,,,,,,\n"
                                                      "CHILD0002,31/13/2024,S,C2,N1,U1,PR1,,,,,,\n", encoding="utf-8")
    r = run_cli("compute", str(tmp_path / "episodes.csv"), "--la", "370", "--year", "2025",
                "--indicators", "cla_count_31mar", "--output", str(tmp_path / "o.csv"))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "ssda903_episodes row 3, field DECOM: not a date written dd/mm/yyyy: 31/13/2024" in r.stdout
    assert "CHILD0002" not in r.stdout
    # the child with the unreadable date is left out, and says why
    assert "1 unit(s) excluded: invalid episode dates" in r.stdout


def test_suppression_hides_counts_from_1_to_5(tmp_path):
    out = tmp_path / "o.csv"
    r = run_cli("compute", str(SYN / "cs-demand-model"), "--la", "370", "--year", "2022", "--indicators",
                "cla_count_31mar", "--output", str(out), "--suppress")
    assert r.returncode == 0, r.stdout + r.stderr
    rows = {(x["breakdown_topic"], x["breakdown"]): x for x in _rows(out)}
    plain = tmp_path / "plain.csv"
    run_cli("compute", str(SYN / "cs-demand-model"), "--la", "370", "--year", "2022", "--indicators",
            "cla_count_31mar", "--output", str(plain))
    unsuppressed = {(x["breakdown_topic"], x["breakdown"]): x for x in _rows(plain)}
    small = [k for k, x in unsuppressed.items() if 1 <= int(x["value"]) <= 5]
    assert small, "the 2022 return has small cells to suppress"
    for key in small:
        assert rows[key]["value"] == "c" and rows[key]["numerator"] == "c"
    for key, x in unsuppressed.items():
        if rows[key]["value"] != "c":
            assert rows[key]["value"] == x["value"]
    # secondary suppression: no breakdown topic has exactly one hidden code
    for topic in {k[0] for k in rows if k[0] != "Total"}:
        assert sum(1 for k, x in rows.items() if k[0] == topic and x["value"] == "c") != 1


def test_an_output_that_would_overwrite_an_input_is_refused(tmp_path):
    data = tmp_path / "records"
    shutil.copytree(SYN / "cs-demand-model", data)
    target = data / "2017-episodes.csv"
    before = target.read_bytes()
    r = run_cli("compute", str(data), "--la", "370", "--year", "2018", "--output", str(target))
    assert r.returncode == 2 and "would be overwritten" in r.stderr
    assert target.read_bytes() == before
    r = run_cli("compute", str(data), "--la", "370", "--year", "2018", "--output", str(tmp_path / "o.csv"),
                "--lineage", str(data / "2017-header.csv"))
    assert r.returncode == 2 and "--lineage" in r.stderr


def test_bad_options_exit_2_with_a_message(tmp_path):
    out = str(tmp_path / "o.csv")
    r = run_cli("compute", str(SYN / "cs-demand-model"), "--la", "999", "--year", "2019", "--output", out)
    assert r.returncode == 2 and "no local authority has this code" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("compute", str(SYN / "cs-demand-model"), "--la", "370", "--year", "2019", "--output", out,
                "--indicators", "cla_count_31march")
    assert r.returncode == 2 and "cla_count_31march" in r.stderr
    r = run_cli("compute", str(tmp_path / "nowhere"), "--la", "370", "--year", "2019", "--output", out)
    assert r.returncode == 2 and "no such file or folder" in r.stderr
    r = run_cli("compute", str(SYN / "d2i-cin-fake"), "--la", "370", "--year", "2022", "--output", out,
                "--indicators", "cla_count_31mar")
    assert r.returncode == 2 and "needs SSDA903 episodes" in r.stderr
