"""The record-level model (schema/records.yaml): imported by the main schema, compiled into the
release, read by the readers without linkml, and exemplified both ways."""

from __future__ import annotations

import json
from pathlib import Path

from csc_outcomes.records import model
from csc_outcomes.releases import load_release

ROOT = Path(__file__).resolve().parents[1]


def test_the_main_schema_imports_the_record_model_and_the_release_carries_it():
    text = (ROOT / "schema" / "csc_outcomes.yaml").read_text(encoding="utf-8")
    assert "\n  - records\n" in text
    defs = json.loads((load_release().folder / "schema.json").read_text(encoding="utf-8"))["$defs"]
    assert {"Ssda903Episodes", "CinCinDetails", "CinChildProtectionPlans"} <= set(defs)
    assert "DECOM" in defs["Ssda903Episodes"]["properties"]  # columns by the name the return gives them


def test_the_tables_the_issue_asks_for_are_in_the_model():
    names = set(model.tables())
    assert {"ssda903_header", "ssda903_episodes", "ssda903_uasc", "ssda903_oc2", "ssda903_oc3", "ssda903_missing",
            "ssda903_reviews", "ssda903_swepisodes", "ssda903_placedadoption", "ssda903_prevperm"} <= names
    assert {"cin_childidentifiers", "cin_cindetails", "cin_assessments", "cin_assessmentfactorslist",
            "cin_section47", "cin_childprotectionplans"} <= names
    episodes = model.tables()["ssda903_episodes"]
    assert episodes.column("DECOM").kind == "date" and episodes.column("DECOM").required
    assert {"V3", "V4", "C2"} <= episodes.column("LS").codes
    assert model.tables()["ssda903_oc2"].column("SDQ_SCORE").maximum == 40


def test_every_record_class_has_examples_both_ways():
    classes = {t.cls for t in model.tables().values()}
    valid = {p.stem.split("-", 1)[0] for p in (ROOT / "examples" / "valid").glob("*.yaml")}
    invalid = {p.stem.split("-", 1)[0] for p in (ROOT / "examples" / "invalid").glob("*.yaml")}
    assert classes <= valid and classes <= invalid
