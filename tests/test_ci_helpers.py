"""The CI helpers work as written: the workflow passes actionlint, pins the toolkit, and its
script validates the changed returns on a pull request and every return (CSV and XLSX, in any
sub-folder) on a push; the pre-commit example points at a revision that exists."""

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

WORKFLOW = ROOT / "docs" / "ci" / "validate-returns.yml"
PRE_COMMIT = ROOT / "docs" / "ci" / "pre-commit-config.yaml"
RETURNS = ROOT / "examples" / "returns"


def _tool(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed (it comes with the test extra)")
    return found


def test_workflow_passes_actionlint():
    done = subprocess.run([_tool("actionlint"), "-no-color", str(WORKFLOW)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflow_pins_the_version_and_watches_every_return():
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["paths"] == triggers["pull_request"]["paths"] == ["returns/**"]
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", flow["env"]["CSC_OUTCOMES_VERSION"])
    steps = flow["jobs"]["validate"]["steps"]
    install = next(s for s in steps if s.get("name") == "Install csc-outcomes")
    assert 'csc-outcomes==${CSC_OUTCOMES_VERSION}' in install["run"]
    # what the workflow pins is what this repository builds
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)[1]
    assert flow["env"]["CSC_OUTCOMES_VERSION"] == version


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


def _run_validate_step(repo: Path, event: str, base: str, bin_dir: Path) -> subprocess.CompletedProcess:
    steps = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["validate"]["steps"]
    script = next(s for s in steps if s.get("name") == "Validate")["run"]
    env = {**os.environ, "EVENT": event, "BASE": base, "RUNNER_TEMP": str(repo.parent),
           "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-c", script], cwd=repo, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_workflow_script_validates_changed_returns_on_pr_and_all_on_push(tmp_path: Path):
    from openpyxl import Workbook

    # the real command line, on PATH as pip would put it
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "csc-outcomes"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m csc_outcomes "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    repo = tmp_path / "repo"
    (repo / "returns" / "2025 Q1").mkdir(parents=True)
    _git(repo, "init", "-q")
    shutil.copy(RETURNS / "valid" / "dfe-la-2025.csv", repo / "returns" / "ok.csv")
    (repo / "returns" / "README.md").write_text("returns live here\n", encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    base = _git(repo, "rev-parse", "HEAD")
    # the pull request: a broken CSV in a folder with a space, and an XLSX return
    shutil.copy(RETURNS / "invalid" / "time.csv", repo / "returns" / "2025 Q1" / "bad.csv")
    book = Workbook()
    for line in (RETURNS / "invalid" / "header.csv").read_text(encoding="utf-8").splitlines():
        book.active.append(line.split(","))
    book.save(repo / "returns" / "2025 Q1" / "Return.XLSX")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "pr")

    pr = _run_validate_step(repo, "pull_request", base, bin_dir)
    assert pr.returncode == 1, pr.stdout + pr.stderr
    assert "validated 2 return(s)" in pr.stdout
    assert "::group::returns/2025 Q1/bad.csv" in pr.stdout and "::group::returns/2025 Q1/Return.XLSX" in pr.stdout
    assert "returns/ok.csv" not in pr.stdout  # unchanged: not validated on a pull request
    assert "title=time-identifier-mismatch" in pr.stdout and "title=missing-label" in pr.stdout

    push = _run_validate_step(repo, "push", "", bin_dir)
    assert push.returncode == 1 and "validated 3 return(s)" in push.stdout
    assert "::group::returns/ok.csv" in push.stdout

    # a pull request that only fixes things passes
    (repo / "returns" / "2025 Q1" / "bad.csv").unlink()
    (repo / "returns" / "2025 Q1" / "Return.XLSX").unlink()
    _git(repo, "commit", "-q", "-am", "fix")
    shutil.copy(RETURNS / "valid" / "dfe-la-2025.csv", repo / "returns" / "again.csv")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "valid again")
    fixed = _run_validate_step(repo, "pull_request", base, bin_dir)
    assert fixed.returncode == 0 and "validated 1 return(s)" in fixed.stdout


def test_pre_commit_example_uses_a_revision_that_exists_and_defines_the_hook():
    config = yaml.safe_load(PRE_COMMIT.read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    rev = repo["rev"]
    assert re.fullmatch(r"[0-9a-f]{40}", rev), "pin a full commit id: a tag can move or not exist"
    exists = subprocess.run(["git", "cat-file", "-e", f"{rev}^{{commit}}"], cwd=ROOT, capture_output=True)
    assert exists.returncode == 0, f"{rev} is not a commit of this repository"
    manifest = yaml.safe_load(subprocess.run(["git", "show", f"{rev}:.pre-commit-hooks.yaml"], cwd=ROOT,
                                             capture_output=True, text=True, check=True).stdout)
    assert {h["id"] for h in repo["hooks"]} <= {h["id"] for h in manifest}
    for command in (["validate-config", str(PRE_COMMIT)], ["validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")]):
        done = subprocess.run([_tool("pre-commit"), *command], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
