"""Valid and invalid examples of each class of the model, tested both ways (LinkML convention)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from csc_outcomes.catalogue.schema_check import validate_instance

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
VALID = sorted((EXAMPLES / "valid").glob("*.yaml"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.yaml"))


def _class_of(path: Path) -> str:
    return path.stem.split("-", 1)[0]


def _load(path: Path):
    from csc_outcomes.catalogue.source import _plain

    return _plain(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_every_class_of_the_model_has_examples_both_ways():
    classes = {"Framework", "Outcome", "IndicatorSet", "Indicator", "Quantity", "PeriodSpec", "Disaggregation",
               "CodeList", "Code", "DataSource", "Interpretation", "KnownVariant", "ChangeNote",
               "OutcomeFramework", "FrameworkOutcome", "SetGroup", "SetEntry",
               "EvaluationPlan", "TheoryOfChange", "TheoryOfChangeStep", "PlannedOutcome", "PlannedFigure",
               "ResultSet", "ReportedResult", "ServiceAudit", "AuditCondition"}
    assert classes <= {_class_of(p) for p in VALID}
    assert classes - {"CodeList"} <= {_class_of(p) for p in INVALID}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_example_passes(path: Path):
    assert validate_instance(_load(path), _class_of(path)) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_example_fails_with_its_expected_error(path: Path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must say which error it expects on line 1"
    expected = first.removeprefix("# expect: ").strip()
    errors = validate_instance(_load(path), _class_of(path))
    assert errors, f"{path.name} should be invalid"
    assert expected in {etype.code for etype, _, _ in errors}, [(e.code, f, m) for e, f, m in errors]
