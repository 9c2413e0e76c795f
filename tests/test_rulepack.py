"""The rule pack: every check of the default engine is data in the release, and the engine runs it."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

from csc_outcomes.catalogue.diff import _rule_pack_changes
from csc_outcomes.releases import HERE, load_release
from csc_outcomes.validators.rulepack import error_types
from csc_outcomes.validators.validate import validate_file
from conftest import ROOT

INVALID = ROOT / "examples" / "returns" / "invalid"


def test_every_shipped_release_has_a_pack_with_every_error_type():
    for version in ("1.0.0",):
        pack = load_release(version).rule_pack
        assert pack["framework_version"] == version
        assert set(pack["errors"]) == {t.code for t in error_types()}
        assert {"ind", "brk", "la_codes", "reg", "sets"} <= set(pack["tables"])
        checked = {c["type"] for c in pack["row_checks"] + pack["queries"] + pack["set_queries"]}
        assert {"type-error", "constraint-error", "primary-key", "blank-row", "value-mismatch",
                "breakdown-sum-mismatch", "la-code-not-valid-on-date", "indicator-draft",
                "set-row-missing"} <= checked


def _release_copy(tmp_path: Path, edit) -> object:
    root = tmp_path / "releases"
    shutil.copytree(HERE / "1.0.0", root / "1.0.0")
    pack_file = root / "1.0.0" / "rulepack.json"
    pack = json.loads(pack_file.read_text(encoding="utf-8"))
    edit(pack)
    pack_file.write_text(json.dumps(pack), encoding="utf-8")
    return load_release("1.0.0", root=root)


def test_validate_runs_the_release_pack_not_a_copy_of_the_rules(tmp_path: Path):
    def edit(pack):
        for check in pack["row_checks"]:
            if check["type"] == "missing-value":
                check["message"] = "'the pack says: value is blank'"
        pack["errors"]["missing-value"]["hint"] = "A hint from the pack."
        # a check dropped from the pack is no longer run
        pack["row_checks"] = [c for c in pack["row_checks"] if c["type"] != "negative-number"]

    release = _release_copy(tmp_path, edit)
    before = validate_file(INVALID / "indicator.csv")
    after = validate_file(INVALID / "indicator.csv", release=release)
    missing = [i for i in after.issues if i.code == "missing-value"]
    assert missing and missing[0].message == "the pack says: value is blank"
    assert missing[0].type.hint == "A hint from the pack."
    assert any(i.code == "negative-number" for i in before.issues)
    assert not any(i.code == "negative-number" for i in after.issues)


def _levels(old, new) -> dict[tuple[str, str], str]:
    return {(c.id, c.what): c.level for c in _rule_pack_changes(old, new)}


def test_diff_classifies_a_changed_check_by_what_it_does_to_validity():
    old = load_release("1.0.0").rule_pack
    assert _rule_pack_changes(old, old) == []
    new = copy.deepcopy(old)
    by_type = {c["type"]: c for c in new["row_checks"]}
    by_type["value-mismatch"]["where"] += " AND true"  # the condition changed: major
    by_type["missing-value"]["message"] = "'blank value'"  # wording: patch
    new["row_checks"].remove(by_type["unexpected-denominator"])  # a warning removed: minor
    new["errors"]["zero-value-of-nothing"]["severity"] = "error"  # raised: major
    new["errors"]["la-code-mismatch"]["severity"] = "warning"  # lowered: minor
    new["errors"]["blank-row"]["hint"] = "Remove it."  # wording: patch
    levels = _levels(old, new)
    assert levels[("value-mismatch on value", "changed")] == "major"
    assert levels[("missing-value on value", "changed")] == "patch"
    assert levels[("unexpected-denominator on denominator", "removed")] == "minor"
    assert levels[("zero-value-of-nothing", "changed")] == "major"
    assert levels[("la-code-mismatch", "changed")] == "minor"
    assert levels[("blank-row", "changed")] == "patch"
    # a new error check can fail a return that passed: major; the reverse diff removes it: minor
    assert _levels(new, old)[("unexpected-denominator on denominator", "added")] == "minor"  # it is a warning
    extra = copy.deepcopy(old)
    extra["row_checks"].append({**by_type["value-mismatch"], "field": "numerator"})
    assert _levels(old, extra)[("value-mismatch on numerator", "added")] == "major"


def test_diff_command_reports_a_changed_rule_and_the_bump_it_needs(tmp_path: Path):
    from conftest import run_cli

    folder = tmp_path / "1.0.0"
    shutil.copytree(HERE / "1.0.0", folder)
    pack = json.loads((folder / "rulepack.json").read_text(encoding="utf-8"))
    next(c for c in pack["row_checks"] if c["type"] == "value-mismatch")["where"] += " AND _val > 1"
    (folder / "rulepack.json").write_text(json.dumps(pack), encoding="utf-8")
    result = run_cli("diff", "1.0.0", str(folder))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "MAJOR" in result.stdout and "rule value-mismatch on value" in result.stdout
    assert "need at least a major release" in result.stdout
