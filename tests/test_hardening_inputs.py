"""Hardening (issue 14): nothing a user gives is overwritten, read as something else, or hangs the tool.

Each test is named for the promise it protects, and runs the real command line in process.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, run_cli, run_main

VALID = ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"
INVALID = ROOT / "examples" / "returns" / "invalid" / "indicator.csv"
SOURCE = ROOT / "examples" / "harmonise" / "cla-counts-by-la.csv"
SPEC = ROOT / "mappings" / "examples" / "cla-counts-by-la.yaml"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def work(tmp_path: Path, monkeypatch) -> Path:
    """A folder holding a return, a source and its spec; commands run from inside it."""
    shutil.copy(VALID, tmp_path / "r.csv")
    shutil.copy(SOURCE, tmp_path / "src.csv")
    shutil.copy(SPEC, tmp_path / "spec.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- Data loss ------------------------------------------------------------------------------------

SPELLINGS = ["same", "dot-slash", "via-parent", "symlink", "hard-link"]


def _spelling(work: Path, name: str, how: str) -> str:
    if how == "same":
        return name
    if how == "dot-slash":
        return f"./{name}"
    if how == "via-parent":
        return f"../{work.name}/{name}"
    alias = work / f"alias-{how}-{name}"
    (os.symlink if how == "symlink" else os.link)(work / name, alias)
    return alias.name


@pytest.mark.parametrize("how", SPELLINGS)
@pytest.mark.parametrize("command", ["validate", "harmonise-output", "harmonise-source-as-lineage",
                                     "harmonise-spec-as-lineage", "export-sssom", "check"])
def test_output_that_would_overwrite_an_input_is_refused(work: Path, command: str, how: str):
    victim = {"validate": "r.csv", "harmonise-output": "src.csv", "harmonise-source-as-lineage": "src.csv",
              "harmonise-spec-as-lineage": "spec.yaml", "export-sssom": "spec.yaml", "check": "spec.yaml"}[command]
    before = {p.name: digest(p) for p in work.iterdir()}
    target = _spelling(work, victim, how)
    args = {
        "validate": ["validate", "r.csv", "--output", target],
        "harmonise-output": ["harmonise", "src.csv", "-m", "spec.yaml", "-o", target],
        "harmonise-source-as-lineage": ["harmonise", "src.csv", "-m", "spec.yaml", "-o", "out.csv", "--lineage", target],
        "harmonise-spec-as-lineage": ["harmonise", "src.csv", "-m", "spec.yaml", "-o", "out.csv", "--lineage", target],
        "export-sssom": ["mappings", "export-sssom", "spec.yaml", "--output", target],
        "check": ["check", "spec.yaml", "--output", target],
    }[command]
    out = run_main(*args)
    assert out.returncode == 2, out.stderr
    assert "would overwrite the input" in out.stderr and "nothing was written" in out.stderr
    assert {p.name: digest(p) for p in work.iterdir() if p.name in before} == before
    assert not (work / "out.csv").exists()  # refused before anything was written


def test_two_outputs_naming_one_file_are_refused(work: Path):
    out = run_main("harmonise", "src.csv", "-m", "spec.yaml", "-o", "out.csv", "--lineage", "./out.csv")
    assert out.returncode == 2 and "both name" in out.stderr and not (work / "out.csv").exists()


def test_output_into_a_catalogue_folder_cannot_replace_one_of_its_files(catalogue_copy: Path):
    victim = catalogue_copy / "framework.yaml"
    before = digest(victim)
    out = run_main("check", str(catalogue_copy), "--output", str(victim))
    assert out.returncode == 2 and "would overwrite" in out.stderr and digest(victim) == before


# -- The wrong file is read ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["return[1].csv", "r*.csv", "r?.csv", "~r.csv", "r.csv.gz", "r.csv.zst",
                                  "it's.csv", "{a,b}.csv"])
def test_file_names_are_read_literally(work: Path, name: str):
    """The named file is read, whatever its name: never a glob, the home folder or a compressed file."""
    shutil.copy(INVALID, work / name)  # the named file is invalid...
    shutil.copy(VALID, work / "return1.csv")  # ...while a file its name would match as a glob is valid
    shutil.copy(VALID, work / "r1.csv")
    out = run_main("validate", name, "--format", "json")
    assert out.returncode == 1, out.stderr  # the invalid file was read, and only it
    import json

    assert json.loads(out.stdout)["tasks"][0]["stats"]["rows"] == 12


def test_a_glob_that_names_no_file_is_not_expanded(work: Path):
    shutil.copy(VALID, work / "r1.csv")
    out = run_main("validate", "r[0-9].csv")
    assert out.returncode == 2 and "does not exist" in out.stderr


@pytest.mark.parametrize("name", ["o.json", "o.xlsx", "o.parquet", "o.csv.gz", "o.csv.zst", "o"])
def test_harmonise_output_in_another_format_is_refused_before_writing(work: Path, name: str):
    out = run_main("harmonise", "src.csv", "-m", "spec.yaml", "-o", name)
    assert out.returncode == 2 and "writes CSV" in out.stderr and not (work / name).exists()


@pytest.mark.parametrize("name", ["~out.csv", "o[1].csv", "o*.csv", "it's?.csv"])
def test_harmonise_outputs_are_written_where_named(work: Path, name: str):
    out = run_main("harmonise", "src.csv", "-m", "spec.yaml", "-o", name, "--lineage", "l" + name)
    assert out.returncode == 0, out.stderr
    assert (work / name).read_text(encoding="utf-8").startswith("time_period,")
    assert (work / ("l" + name)).read_text(encoding="utf-8").startswith("kind,")


# -- Hangs and unbounded memory --------------------------------------------------------------------

def _fifo(work: Path) -> str:
    os.mkfifo(work / "pipe.csv")
    return "pipe.csv"


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "fifo", "folder"])
@pytest.mark.parametrize("command", ["validate", "harmonise-source", "harmonise-mapping", "export-sssom"])
def test_special_files_are_refused_not_read_for_ever(work: Path, special: str, command: str):
    path = {"fifo": None, "folder": str(work)}.get(special, special)
    path = path or _fifo(work)
    args = {"validate": ["validate", path], "harmonise-source": ["harmonise", path, "-m", "spec.yaml", "-o", "o.csv"],
            "harmonise-mapping": ["harmonise", "src.csv", "-m", path, "-o", "o.csv"],
            "export-sssom": ["mappings", "export-sssom", path]}[command]
    started = time.perf_counter()
    out = run_main(*args)
    assert out.returncode == 2, out.stderr
    assert time.perf_counter() - started < 20
    assert "regular file" in out.stderr or "folder" in out.stderr


def test_a_file_name_over_255_bytes_is_a_message(work: Path):
    out = run_main("validate", "a" * 300 + ".csv")
    assert out.returncode == 2 and "too long" in out.stderr.lower()


def _workbook(path: Path, far_cell: str | None = None, sheets: bool = True) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(VALID.read_text(encoding="utf-8").splitlines()[0].split(","))
    if far_cell:
        sheet[far_cell] = "x"
    book.save(path)
    if not sheets:  # a workbook whose sheet list is empty, as a broken export writes
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        import re

        parts["xl/workbook.xml"] = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", parts["xl/workbook.xml"])
        with zipfile.ZipFile(path, "w") as z:
            for n, data in parts.items():
                z.writestr(n, data)


def test_a_stray_cell_far_from_the_data_is_refused_before_memory_runs_out(tmp_path: Path):
    book = tmp_path / "stray.xlsx"
    _workbook(book, "XFD1048576")
    assert book.stat().st_size < 10_000
    started = time.perf_counter()
    out = run_cli("validate", str(book))  # a subprocess: the failure was an abort of the whole process
    assert out.returncode == 2, out.stderr[-500:]
    assert "XFD" in out.stderr or "16,384" in out.stderr
    assert "Ctrl+End" in out.stderr and time.perf_counter() - started < 30


def test_a_workbook_without_sheets_is_a_message(tmp_path: Path):
    book = tmp_path / "empty.xlsx"
    _workbook(book, sheets=False)
    out = run_main("validate", str(book))
    assert out.returncode == 2 and "Traceback" not in out.stderr and "bug" not in out.stderr


# -- A traceback or exit 3 -------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["hex", "base64", "rot13", "undefined", "no-such-codec"])
def test_an_encoding_that_is_not_a_text_encoding_is_a_message(work: Path, encoding: str):
    out = run_main("validate", "r.csv", "--encoding", encoding)
    assert out.returncode == 2 and "encoding" in out.stderr and "bug" not in out.stderr


@pytest.mark.parametrize("content", [b"time_period,x\n\n\r", b"time_period,x\r\n\r\n1,2,3\r\n", b"a,b\r1,2\r3,4\r"],
                         ids=["blank-line-then-lone-cr", "crlf-blank-line-then-extra-cell", "old-mac-line-ends"])
def test_odd_line_ends_are_read_not_a_crash(work: Path, content: bytes):
    (work / "odd.csv").write_bytes(content)
    out = run_main("validate", "odd.csv", "--format", "json")
    assert out.returncode == 1, out.stderr
    import json

    stats = json.loads(out.stdout)["tasks"][0]["stats"]
    assert stats["rows"] == content.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") - 1


def test_stdout_on_a_full_disk_is_a_message():
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("CSC_OUTCOMES_DEBUG", None)
    with open("/dev/full", "w") as full:
        out = subprocess.run([sys.executable, "-m", "csc_outcomes", "validate", str(VALID)], stdout=full,
                             stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert out.returncode == 2
    assert "No space left" in out.stderr and "Traceback" not in out.stderr and "Exception ignored" not in out.stderr


@pytest.mark.parametrize("command", ["validate", "harmonise"])
def test_a_header_of_10000_columns_is_refused_quickly(work: Path, command: str):
    wide = work / "wide.csv"
    with open(wide, "w", encoding="utf-8") as f:
        f.write(",".join(f"c{i}" for i in range(10_000)) + "\n")
        for _ in range(10):
            f.write(",".join(["2025", "805"] + ["1"] * 9_998) + "\n")
    assert wide.stat().st_size > 200_000
    args = ["validate", "wide.csv"] if command == "validate" else ["harmonise", "wide.csv", "-m", "spec.yaml", "-o", "o.csv"]
    started = time.perf_counter()
    out = run_main(*args)
    assert out.returncode == 2 and "10,000 columns" in out.stderr
    assert time.perf_counter() - started < 20


def test_a_return_followed_by_200000_blank_lines_is_reported_quickly(work: Path):
    with open(work / "r.csv", "a", encoding="utf-8") as f:
        f.write("\n" * 200_000)
    started = time.perf_counter()
    out = run_main("validate", "r.csv", "--format", "json")
    assert out.returncode == 1
    import json

    report = json.loads(out.stdout)
    assert report["tasks"][0]["stats"]["rows"] == 1222 + 200_000  # every line is a row, reported
    assert len(out.stdout) < 2_000_000  # the listing is capped, not 200,000 entries
    assert time.perf_counter() - started < 60


def test_a_sheet_that_unpacks_to_more_than_the_bound_is_refused(tmp_path: Path, monkeypatch):
    """A zip bomb: the bound is lowered here so that the test builds a small one."""
    from csc_outcomes.validators import reading

    monkeypatch.setattr(reading, "MAX_SHEET_XML", 1 << 20)
    book = tmp_path / "bomb.xlsx"
    _workbook(book)
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<sheetData>", b"<sheetData>" + b" " * (2 << 20), 1)
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    assert book.stat().st_size < 50_000
    out = run_main("validate", str(book))
    assert out.returncode == 2 and "unpacks to" in out.stderr
