"""The wheel carries the standard: installed in a fresh environment, it works from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_wheel_installs_and_runs_from_another_folder(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = dist.glob("csc_outcomes-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    install = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    exe = str(bin_dir / "csc-outcomes")

    check = subprocess.run([exe, "check", "--format", "json"], cwd=elsewhere, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
    assert json.loads(check.stdout)["tasks"][0]["stats"]["indicators"] >= 40

    show = subprocess.run([exe, "indicators", "show", "cla_rate_31mar", "--format", "json"], cwd=elsewhere,
                          capture_output=True, text=True)
    assert show.returncode == 0 and json.loads(show.stdout)["multiplier"] == 10000

    # the compiled release and the shipped population estimates travel in the wheel
    import shutil

    shutil.copy(ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv", elsewhere / "return.csv")
    valid = subprocess.run([exe, "validate", "return.csv", "--framework-version", "1.0.0"], cwd=elsewhere,
                           capture_output=True, text=True)
    assert valid.returncode == 0, valid.stdout[-2000:] + valid.stderr[-2000:]
    shutil.copy(ROOT / "examples" / "harmonise" / "cla-counts-by-la.csv", elsewhere / "local.csv")
    shutil.copy(ROOT / "mappings" / "examples" / "cla-counts-by-la.yaml", elsewhere / "spec.yaml")
    mapped = subprocess.run([exe, "harmonise", "local.csv", "--mapping", "spec.yaml", "--output", "out.csv"],
                            cwd=elsewhere, capture_output=True, text=True)
    assert mapped.returncode == 0, mapped.stdout[-2000:] + mapped.stderr[-2000:]
