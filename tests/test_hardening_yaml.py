"""YAML is read by one loader (safe_yaml), so its bounds hold everywhere: safe tags, one document,
size, nesting depth and alias expansion. A YAML read anywhere else in the package fails here."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from csc_outcomes import safe_yaml
from conftest import ROOT

PACKAGE = ROOT / "src" / "csc_outcomes"
OTHER_LOADERS = re.compile(r"(?<!\w)yaml\.(safe_load|load|full_load|unsafe_load|load_all|safe_load_all|compose)\(")


def test_the_package_reads_yaml_only_through_safe_yaml():
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in sorted(PACKAGE.rglob("*.py")) if p.name != "safe_yaml.py"
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if OTHER_LOADERS.search(line)]
    assert not offenders, ("read YAML with csc_outcomes.safe_yaml.load(path) (bounded size, depth and aliases), "
                           f"not yaml.*load: {offenders}")


BOMB = "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
               for p, c in zip([None, *"abcdefgh"], "abcdefghi"))


@pytest.mark.parametrize("text, says", [
    (BOMB, "aliases"),
    ("a: " + "[" * 2000 + "]" * 2000, "nested"),
    ("a: " + "[" * 100 + "]" * 100, "nested"),
    ("a: 1\n---\nb: 2\n", "more than one document"),
    ("a: !!python/object/apply:os.system [echo]\n", "constructor"),
    ("d: 2024-13-45\n", "cannot be read"),
    ("a: [1\n", "not valid YAML"),
])
def test_what_the_loader_refuses_fast(text: str, says: str):
    started = time.perf_counter()
    with pytest.raises(safe_yaml.YamlError, match=says):
        safe_yaml.loads(text)
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("path, says", [("/dev/zero", "regular file"), ("/dev/urandom", "regular file"),
                                        ("/", "folder"), ("/no/such/file.yaml", "does not exist")])
def test_what_the_loader_refuses_to_open(path: str, says: str):
    with pytest.raises(safe_yaml.YamlError, match=says):
        safe_yaml.load(Path(path))


def test_an_oversize_file_is_refused(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (safe_yaml.MAX_BYTES + 10))
    with pytest.raises(safe_yaml.YamlRefused, match="bytes"):
        safe_yaml.load(big)


def test_every_catalogue_file_and_spec_of_the_repository_loads():
    for path in sorted((ROOT / "indicators").rglob("*.yaml")) + sorted((ROOT / "mappings").rglob("*.yaml")):
        assert safe_yaml.load(path) is not None, path
    assert isinstance(safe_yaml.loads("a: &x [1, 2]\nb: *x\n")["b"], list)  # aliases used sparingly still work
