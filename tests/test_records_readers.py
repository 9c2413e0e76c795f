"""The record readers: SSDA903 CSV (by header), SSDA903 XML, CIN census XML, several years at once.

Every test goes through the real loader into DuckDB, on real files written as authorities
export them, and looks at what a method or a user would see.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from csc_outcomes.records.load import load
from csc_outcomes.validators.reading import InputError

SYNTHETIC = Path(__file__).resolve().parent / "data" / "synthetic"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _problems(con):
    return con.execute("SELECT table_name, row, field, kind, message FROM problems ORDER BY table_name, row, field").fetchall()


def test_csv_tables_are_recognised_by_header_whatever_their_file_names(tmp_path):
    _write(tmp_path / "a.csv", EPISODES + "C1,01/04/2024,S,C2,N1,U1,PR1,,,,,,\n")
    # the same table with its columns in another order, and a byte-order mark, as Excel writes it
    (tmp_path / "b.csv").write_text("\ufeffSEX,CHILD,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,C1,05/06/2010,WBRI,A123456789012,,\n",
                                    encoding="utf-8")
    con, loaded = load([tmp_path], 2025)
    assert con.execute("SELECT CHILD, DECOM, LS FROM ssda903_episodes").fetchall() == [("C1", dt.date(2024, 4, 1), "C2")]
    assert con.execute("SELECT CHILD, SEX, DOB FROM ssda903_header").fetchall() == [("C1", "1", dt.date(2010, 6, 5))]
    assert {f.table for f in loaded.files} == {"ssda903_episodes", "ssda903_header"}
    assert con.execute("SELECT * FROM params").fetchall() == [(dt.date(2024, 4, 1), dt.date(2025, 3, 31), 2025)]


def test_an_unrecognised_csv_header_names_the_nearest_table_and_what_differs(tmp_path):
    _write(tmp_path / "episodes.csv", EPISODES.replace("DECOM,", "DATE_START,") + "C1,01/04/2024,S,C2,N1,U1,PR1,,,,,,\n")
    with pytest.raises(InputError) as err:
        load([tmp_path / "episodes.csv"], 2025)
    assert "Ssda903Episodes" in str(err.value) and "missing: DECOM" in str(err.value) and "extra: DATE_START" in str(err.value)


def test_malformed_values_are_named_by_table_row_and_field_never_by_child(tmp_path):
    _write(tmp_path / "episodes.csv", EPISODES +
           "SECRETCHILD1,31/02/2024,S,C2,N1,U1,PR1,,,,,,\n"      # row 2: no 31 February
           "SECRETCHILD2,01/04/2024,S,Q9,N1,U1,PR1,,,,,,\n"      # row 3: unknown legal status
           "SECRETCHILD3,01/04/2024,S,C2,N1,,PR1,,,,,,\n"        # row 4: PLACE is required
           "SECRETCHILD4,2024-04-01,S,c2,n1,u1,pr1,,,,,,\n")     # row 5: ISO date; codes in lower case
    con, loaded = load([tmp_path], 2025)
    assert _problems(con) == [
        ("ssda903_episodes", 2, "DECOM", "bad-date", "not a date written dd/mm/yyyy: 31/02/2024"),
        ("ssda903_episodes", 3, "LS", "unknown-code", "not one of the 13 codes of LS: Q9"),
        ("ssda903_episodes", 4, "PLACE", "missing", "required field is blank"),
        ("ssda903_episodes", 5, "DECOM", "bad-date", "not a date written dd/mm/yyyy: 2024-04-01"),
    ]
    # nothing is dropped: every row is in the table, the unreadable date as NULL, codes upper-cased
    rows = con.execute("SELECT CHILD, DECOM, LS, CIN FROM ssda903_episodes ORDER BY CHILD").fetchall()
    assert rows == [("SECRETCHILD1", None, "C2", "N1"), ("SECRETCHILD2", dt.date(2024, 4, 1), "Q9", "N1"),
                    ("SECRETCHILD3", dt.date(2024, 4, 1), "C2", "N1"), ("SECRETCHILD4", None, "C2", "N1")]
    assert not any("SECRETCHILD" in str(p) for p in _problems(con))


def test_a_row_that_does_not_split_into_the_header_cells_is_reported(tmp_path):
    _write(tmp_path / "header.csv", HEADER + "C1,1,05/06/2010,WBRI,A123456789012,,\n"
                                            "C2,1,05/06/2010,WBRI,A123456789012,,,,,extra\n")
    con, loaded = load([tmp_path], 2025)
    problems = _problems(con)
    assert [(p[0], p[1], p[3]) for p in problems] == [("ssda903_header", 3, "row-unreadable")]
    assert loaded.read["ssda903_header"] == 1


def test_an_episode_in_two_years_files_counts_once_from_the_later_return(tmp_path):
    # open at 31 March 2024 in the 2024 return; closed in the 2025 return
    _write(tmp_path / "2023-24" / "2023-episodes.csv", EPISODES + "C1,10/01/2024,S,C2,N1,U1,PR1,,,,,,\n"
                                                                  "C2,01/02/2024,S,C2,N1,U1,PR1,,,,,,\n")
    _write(tmp_path / "2024-25" / "2024-episodes.csv", EPISODES + "C1,10/01/2024,S,C2,N1,U1,PR1,01/06/2024,E4A,,,,\n"
                                                                  "C3,01/05/2024,S,C2,N1,U1,PR1,,,,,,\n")
    con, loaded = load([tmp_path / "2023-24", tmp_path / "2024-25" / "2024-episodes.csv"], 2025)
    rows = con.execute("SELECT CHILD, DEC, REC, _year FROM ssda903_episodes ORDER BY CHILD").fetchall()
    assert rows == [("C1", dt.date(2024, 6, 1), "E4A", 2025), ("C2", None, None, 2024), ("C3", None, None, 2025)]
    assert loaded.read["ssda903_episodes"] == 4 and loaded.superseded["ssda903_episodes"] == 1


def test_identical_rows_are_kept_once_and_counted(tmp_path):
    line = "C1,05/06/2010,12/05/2024,PN1\n"
    _write(tmp_path / "reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\n" + line + line)
    con, loaded = load([tmp_path], 2025)
    assert con.execute("SELECT count(*) FROM ssda903_reviews").fetchone()[0] == 1
    assert loaded.duplicates["ssda903_reviews"] == 1


def test_oc2_holds_only_the_return_of_the_year_computed(tmp_path):
    oc2 = ("CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,"
           "SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n")
    # two returns in one folder, told apart by the year in their names
    for year, score in ((2023, 10), (2024, 20)):
        _write(tmp_path / f"episodes_{year}.csv", EPISODES + f"C1,01/05/{year},S,C2,N1,U1,PR1,,,,,,\n")
        _write(tmp_path / f"oc2_{year}.csv", oc2 + f"C1,05/06/2010,{score},,0,1,1,1,1,0,0,0\n")
    con, loaded = load([tmp_path], 2024)
    assert con.execute("SELECT SDQ_SCORE, YEAR FROM ssda903_oc2").fetchall() == [(10, 2024)]
    assert loaded.other_year["ssda903_oc2"] == 1


def test_ssda903_xml_gives_the_same_tables(tmp_path):
    con, loaded = load([SYNTHETIC / "d2i-903-fake" / "fake_903.xml"], 2018)
    counts = {t: n for t, n in loaded.kept.items() if n}
    # 253 CHILD elements, 459 EPISODE, 1,206 AREVIEW, 12 with a UASC date, 3 adoptions (counted in the file)
    assert counts["ssda903_header"] == 253 and counts["ssda903_episodes"] == 459
    assert loaded.read["ssda903_reviews"] == 1206 and counts["ssda903_uasc"] == 12
    assert counts["ssda903_ad1"] == 3 and counts["ssda903_placedadoption"] == 3
    first = con.execute("SELECT CHILD, DECOM, PLACE, DEC FROM ssda903_episodes WHERE _row = 1").fetchone()
    assert first == ("907440", dt.date(2017, 1, 6), "R5", dt.date(2017, 10, 6))  # <PL> is PLACE


def test_cin_census_xml_gives_its_modules_joined_by_ids(tmp_path):
    con, loaded = load([SYNTHETIC / "d2i-cin-fake" / "CIN_Census_2024.xml"], 2024)
    assert con.execute("SELECT LEA, ReferenceDate FROM cin_header").fetchall() == [("201", dt.date(2024, 3, 31))]
    assert con.execute("SELECT count(*) FROM cin_childidentifiers").fetchone()[0] == 2
    factors = con.execute("""
        SELECT f.AssessmentFactor FROM cin_assessmentfactorslist f JOIN cin_assessments a USING (AssessmentID)
        JOIN cin_cindetails d ON d.CINdetailsID = a.CINdetailsID WHERE d.LAchildID = 'DfEX0000001'
        ORDER BY 1""").fetchall()
    assert factors == [("1C",), ("6B",), ("RB",)]
    assert con.execute("SELECT ReferralNFA FROM cin_cindetails ORDER BY LAchildID").fetchall() == [("0",), ("0",)]
    assert con.execute("SELECT NumberOfPreviousCPP FROM cin_childprotectionplans").fetchall() == [(10,)]
    # RB is not an assessment factor: named, without the child
    assert ("cin_assessmentfactorslist", "AssessmentFactor", "unknown-code") in {(p[0], p[2], p[3]) for p in _problems(con)}


def test_xml_with_a_dtd_is_refused(tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            "<Message><Header/><Children><Child><ChildIdentifiers><LAchildID>&lol2;</LAchildID>"
            "</ChildIdentifiers></Child></Children></Message>")
    _write(tmp_path / "cin.xml", bomb)
    with pytest.raises(InputError, match="DTD"):
        load([tmp_path / "cin.xml"], 2024)


def test_a_broken_xml_file_is_named_with_its_line(tmp_path):
    _write(tmp_path / "cin.xml", "<Message>\n<Header>\n</Message>\n")
    with pytest.raises(InputError, match=r"cin\.xml: not well-formed XML at line 3"):
        load([tmp_path / "cin.xml"], 2024)


def test_elements_outside_the_model_are_counted_not_dropped_silently():
    con, loaded = load([SYNTHETIC / "d2i-cin-fake" / "CIN_Census_2026.xml"], 2026)
    assert loaded.unread_elements == {"CIN element <PreProceedingsandFGDM> in CINdetails": 1}


def test_every_synthetic_file_is_read():
    con, loaded = load([SYNTHETIC], 2020)
    assert len(loaded.files) == sum(1 for p in SYNTHETIC.rglob("*") if p.suffix in (".csv", ".xml"))
    assert loaded.kept["ssda903_episodes"] > 0 and loaded.kept["cin_cindetails"] > 0
