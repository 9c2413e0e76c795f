"""The documentation site builds strictly; the GitHub workflow and the pre-commit hook do their job."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

VALID = ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"
INVALID = ROOT / "examples" / "returns" / "invalid" / "indicator.csv"
BIN = Path(sys.executable).parent


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "NO_MKDOCS_2_WARNING": "1"}


@pytest.mark.slow
def test_docs_build_strict(tmp_path: Path):
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                         cwd=ROOT, capture_output=True, text=True, env=_env())
    assert out.returncode == 0, out.stderr[-3000:]
    page = (tmp_path / "site" / "catalogue" / "indicators" / "cla_rate_31mar" / "index.html").read_text(encoding="utf-8")
    assert "ONS mid-year estimate" in page and "10000" in page
    assert "First release." in (tmp_path / "site" / "changelog" / "index.html").read_text(encoding="utf-8")


def _returns_repo(tmp_path: Path, bad: bool) -> Path:
    repo = tmp_path / "repo"
    (repo / "returns").mkdir(parents=True)
    shutil.copy(VALID, repo / "returns" / "2025.csv")
    if bad:
        shutil.copy(INVALID, repo / "returns" / "bad.csv")
    return repo


@pytest.mark.parametrize("bad", [False, True])
def test_github_workflow_validates_returns_and_annotates(tmp_path: Path, bad: bool):
    workflow = yaml.safe_load((ROOT / "docs" / "ci" / "validate-returns.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["validate"]["steps"]
    script = next(s["run"] for s in steps if s.get("name") == "Validate")
    assert any("csc-outcomes==${CSC_OUTCOMES_VERSION}" in (s.get("run") or "") for s in steps)  # pinned
    repo = _returns_repo(tmp_path, bad)
    out = subprocess.run(["bash", "-c", script], cwd=repo, capture_output=True, text=True,
                         env={**_env(), "EVENT": "push", "RUNNER_TEMP": str(tmp_path)})
    assert out.returncode == (1 if bad else 0), out.stdout + out.stderr
    if bad:
        assert "::error file=returns/bad.csv,line=8,title=value-mismatch::" in out.stdout


def test_pre_commit_hook_blocks_an_invalid_return(tmp_path: Path):
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "csc-outcomes-validate" and hook["language"] == "python"
    files = re.compile(hook["files"])
    repo = _returns_repo(tmp_path, bad=True)
    staged = [p.relative_to(repo).as_posix() for p in sorted((repo / "returns").iterdir())]
    assert all(files.search(name) for name in staged) and not files.search("README.md")
    # what pre-commit runs: the entry, then the staged file names
    command = hook["entry"].split() + staged
    blocked = subprocess.run(command, cwd=repo, capture_output=True, text=True, env=_env())
    assert blocked.returncode == 1 and "returns/bad.csv: INVALID" in blocked.stdout
    (repo / "returns" / "bad.csv").unlink()
    passed = subprocess.run(hook["entry"].split() + ["returns/2025.csv"], cwd=repo, capture_output=True,
                            text=True, env=_env())
    assert passed.returncode == 0
