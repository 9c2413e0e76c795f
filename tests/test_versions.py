"""One version number, written once: the schema's version is the framework's."""

import yaml

from conftest import ROOT


def test_schema_and_framework_versions_agree():
    schema = yaml.safe_load((ROOT / "schema" / "csc_outcomes.yaml").read_text(encoding="utf-8"))
    framework = yaml.safe_load((ROOT / "indicators" / "framework.yaml").read_text(encoding="utf-8"))
    assert str(schema["version"]) == str(framework["version"])
