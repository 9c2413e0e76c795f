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


def national_generator():
    """bench/national.py, the realistic national return generator the benches use, as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("national", ROOT / "bench" / "national.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_main(*args: str) -> subprocess.CompletedProcess:
    """Run the command line in this process (the real `main`, its error handling included):
    ten times faster than a subprocess, for tests that run it many times (hardening, fuzz)."""
    import contextlib
    import io

    from csc_outcomes.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["csc-outcomes", *args]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        sys.argv = argv
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())
