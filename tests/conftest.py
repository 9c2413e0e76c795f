from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The published DfE/ONS files this project is tested against; copied into tests/data with
# their provenance note (shared/ is read-only and not part of the repository).
DATA = ROOT / "tests" / "data"


def run_cli(*args: str, cwd: Path | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """Run the real command line, as a user would, and capture what it prints."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("CSC_OUTCOMES_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "csc_outcomes", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, input=input, encoding="utf-8")


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped catalogue, for tests that break it."""
    target = tmp_path / "indicators"
    shutil.copytree(ROOT / "indicators", target)
    return target
