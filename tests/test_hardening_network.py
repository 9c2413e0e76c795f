"""No network at run time (issue 14): every command works inside a network namespace with no
interfaces but loopback down (`unshare -n`), so nothing it does can reach another machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

VALID = ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"
SOURCE = ROOT / "examples" / "harmonise" / "cla-counts-by-la.csv"
SPEC = ROOT / "mappings" / "examples" / "cla-counts-by-la.yaml"


def _unshare_works() -> str | None:
    if shutil.which("unshare") is None:
        return "the unshare command is not installed (util-linux)"
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"unshare -n is not permitted here ({probe.stderr.strip()[:80]}); it needs root or user namespaces"
    return None


SKIP = _unshare_works()
pytestmark = pytest.mark.skipif(SKIP is not None, reason=SKIP or "")


def offline(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("CSC_OUTCOMES_DEBUG", None)
    return subprocess.run(["unshare", "-n", sys.executable, "-m", "csc_outcomes", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, encoding="utf-8")


def test_the_namespace_has_no_network():
    code = "import socket; s = socket.socket(); s.settimeout(3); print(s.connect_ex(('192.0.2.1', 80)))"
    out = subprocess.run(["unshare", "-n", sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() not in ("0", "")  # unreachable: ENETUNREACH, not a connection


COMMANDS = {
    "validate": (["validate", str(VALID), "--format", "json"], 0),
    "validate-frictionless": (["validate", str(VALID), "--engine", "frictionless"], 0),
    "validate-html": (["validate", str(VALID), "--format", "html"], 0),
    "check-catalogue": (["check"], 0),
    "check-mappings": (["check", str(ROOT / "mappings")], 0),
    "diff": (["diff", "1.0.0", str(ROOT / "indicators")], None),
    "indicators-list": (["indicators", "list"], 0),
    "indicators-show": (["indicators", "show", "cla_rate_31mar"], 0),
    "export-sssom": (["mappings", "export-sssom", str(SPEC)], 0),
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_works_without_a_network(name: str):
    args, expected = COMMANDS[name]
    out = offline(*args)
    assert "Traceback" not in out.stderr
    assert out.returncode == expected if expected is not None else out.returncode in (0, 1), out.stderr[-500:]
    assert out.stdout.strip()


def test_harmonise_works_without_a_network(tmp_path: Path):
    out = offline("harmonise", str(SOURCE), "-m", str(SPEC), "-o", str(tmp_path / "o.csv"))
    assert out.returncode == 0, out.stderr[-500:]
    assert (tmp_path / "o.csv").read_text(encoding="utf-8").startswith("time_period,")


@pytest.mark.slow
def test_release_build_works_without_a_network(tmp_path: Path):
    out = offline("release", "build", "--output", str(tmp_path))
    assert out.returncode == 0, out.stderr[-500:]
    assert len(list(tmp_path.glob("*/catalogue.json"))) == 1  # the version indicators/ declares


def test_every_registered_command_answers_help_without_a_network():
    """Commands added later are covered at least this far; give them a real run above."""
    from csc_outcomes.cli.app import app
    import typer.main

    group = typer.main.get_command(app)
    paths = []
    for name, command in group.commands.items():
        subs = getattr(command, "commands", None)
        paths += [[name, sub] for sub in subs] if subs else [[name]]
    assert len(paths) >= 8
    for path in paths:
        out = offline(*path, "--help")
        assert out.returncode == 0 and "Usage" in out.stdout, (path, out.stderr[-300:])
