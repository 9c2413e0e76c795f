"""The wheel carries the standard: installed in a fresh environment without extras (the slim
runtime: no LinkML), validate and harmonise work from any folder, and the authoring commands
say how to get what they need."""

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

    # the slim runtime: LinkML is the authoring extra
    listed = subprocess.run([str(bin_dir / "python"), "-m", "pip", "list", "--format=json"],
                            capture_output=True, text=True, check=True)
    names = {p["name"].lower() for p in json.loads(listed.stdout)}
    assert not names & {"linkml", "linkml-runtime", "sphinx", "sqlalchemy"}, names
    for command in (["check"], ["release", "build", "--output", "out"]):
        done = subprocess.run([exe, *command], cwd=elsewhere, capture_output=True, text=True)
        assert done.returncode == 2, done.stdout + done.stderr
        assert done.stderr.strip().splitlines() == [
            "error: `check` and `release build` need the authoring tools (LinkML), which are not installed; "
            "install them with: pip install 'csc-outcomes[authoring]'"]

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
    again = subprocess.run([exe, "validate", "out.csv"], cwd=elsewhere, capture_output=True, text=True)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    # the Python API, in the slim runtime (no pandas): a path in, the report out
    api = subprocess.run([str(bin_dir / "python"), "-c", "import csc_outcomes as co; r = co.validate('return.csv'); "
                          "print(r.valid, len(r.errors), co.load_standard().indicators['cla_rate_31mar'].multiplier)"],
                         cwd=elsewhere, capture_output=True, text=True)
    assert api.stdout.split() == ["True", "0", "10000"], api.stdout + api.stderr[-2000:]
    # compute from records and compare with the published baseline, in the same slim runtime
    shutil.copytree(ROOT / "tests" / "data" / "synthetic" / "d2i-903-fake", elsewhere / "records")
    computed = subprocess.run([exe, "compute", "records", "--la", "919", "--year", "2018", "--indicators",
                               "cla_count_31mar", "--output", "computed.csv"], cwd=elsewhere, capture_output=True, text=True)
    assert computed.returncode in (0, 1) and (elsewhere / "computed.csv").is_file(), computed.stdout[-2000:] + computed.stderr[-2000:]
    compared = subprocess.run([exe, "compare", "--la", "919", "out.csv", "--format", "html", "--output", "herts.html",
                               "--charts", "charts"], cwd=elsewhere, capture_output=True, text=True)
    assert compared.returncode == 0, compared.stdout[-2000:] + compared.stderr[-2000:]
    assert "Hertfordshire compared with" in (elsewhere / "herts.html").read_text(encoding="utf-8")
    assert list((elsewhere / "charts").glob("*.png"))
