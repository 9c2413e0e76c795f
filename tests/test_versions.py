"""One version number, written once: the schema's version is the framework's."""

import yaml

from conftest import ROOT


def test_schema_and_framework_versions_agree():
    schema = yaml.safe_load((ROOT / "schema" / "csc_outcomes.yaml").read_text(encoding="utf-8"))
    framework = yaml.safe_load((ROOT / "indicators" / "framework.yaml").read_text(encoding="utf-8"))
    assert str(schema["version"]) == str(framework["version"])


def test_schema_passes_linkml_lint_recommended_rules():
    import subprocess
    import sys
    from pathlib import Path

    lint = Path(sys.executable).with_name("linkml-lint")
    out = subprocess.run([str(lint), "--config", str(ROOT / ".linkmllint.yaml"), str(ROOT / "schema" / "csc_outcomes.yaml")],
                         capture_output=True, text=True)
    assert out.returncode == 0 and "No problems found" in out.stdout, out.stdout[-2000:]
