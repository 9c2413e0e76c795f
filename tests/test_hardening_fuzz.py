"""Hardening (issue 14): the promises the fuzzer (tests/test_fuzz.py) found broken, each kept by a
test of the promise on the smallest input that broke it. The case that found it is named in each
docstring (FUZZ_SEED=20261127 unless said; replay with FUZZ_FIRST=N FUZZ_CASES=1 make fuzz)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_main

VALID = ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"
LONG = "SAWLjyDRWhmjhtVdPKciFUtgJeRbbWGbELRzxqoRDUeoZQwpTYFHoZoJcNHXRNwFqEeuLBDouqRCMp"


def _quotes_more_than_40(text: str, cell: str) -> bool:
    return any(cell[i:i + 41] in text for i in range(len(cell) - 40))


def _no_crash(out) -> None:
    assert out.returncode in (0, 1, 2), (out.returncode, out.stderr)
    assert "Traceback" not in out.stderr and "bug in csc-outcomes" not in out.stderr


@pytest.mark.parametrize("fmt", ["html", "json", "text", "github", "junit"])
def test_no_report_quotes_more_than_40_characters_of_an_authority_code(tmp_path: Path, fmt: str):
    """Case 1000: a long new_la_code was repeated whole as the row's authority code (the HTML
    'Problems by authority' table, the filters, every format's context)."""
    lines = VALID.read_text(encoding="utf-8").splitlines()[:30]
    cells = lines[7].split(",")
    cells[7] = "E06" + LONG
    lines[7] = ",".join(cells)
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run_main("validate", str(path), "--format", fmt)
    assert out.returncode == 1, out.stderr
    assert "E06" + LONG[:20] in out.stdout  # the code is located, shortened
    assert not _quotes_more_than_40(out.stdout + out.stderr, "E06" + LONG)


@pytest.mark.parametrize("command", ["check", "diff"])
def test_an_indicator_id_that_is_a_mapping_is_a_message_not_a_bug(catalogue_copy: Path, command: str):
    """Case 532: an indicator whose `id` is a mapping (an indicator with a method file) ended
    `diff` in "unhashable type: 'dict'" (exit 3)."""
    victim = catalogue_copy / "definitions" / "cla_3plus_social_workers_pct.yaml"
    assert (catalogue_copy / "methods" / "cla_3plus_social_workers_pct.sql").is_file()
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text.replace("id: cla_3plus_social_workers_pct", f"id: {{a: {LONG}}}", 1), encoding="utf-8")
    args = ["check", str(catalogue_copy)] if command == "check" else ["diff", "1.0.0", str(catalogue_copy)]
    out = run_main(*args)
    _no_crash(out)
    assert out.returncode == (1 if command == "check" else 2)
    assert "cla_3plus_social_workers_pct" in out.stdout + out.stderr  # the file is named
    assert not _quotes_more_than_40(out.stdout + out.stderr, LONG)


def test_running_diff_again_and_again_in_one_process_does_not_grow_its_memory():
    """The fuzzer's process grew to 4.8 GB over 10,000 cases: each `diff` made a new LinkML
    SchemaView, which linkml-runtime's method caches keep for the life of the process (about 6 MB
    each). A notebook that compares versions in a loop would grow the same way."""
    import gc
    import tracemalloc

    args = ("diff", "1.0.0", str(ROOT / "indicators"), "--format", "json")
    for _ in range(3):  # the first runs fill the caches that are meant to last
        assert run_main(*args).returncode in (0, 1)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(5):
            assert run_main(*args).returncode in (0, 1)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 10_000_000, f"5 more runs of diff kept {grown / 1e6:.1f} MB"
