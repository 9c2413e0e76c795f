"""Each example return gives exactly its expected errors, under both engines (the conformance suite)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from csc_outcomes.validators.validate import validate_file
from conftest import ROOT

RETURNS = ROOT / "examples" / "returns"
INVALID = sorted((RETURNS / "invalid").glob("*.csv"))
ENGINES = ["duckdb", "frictionless"]


def _found(report) -> list[list]:
    return report.flatten(["row", "field", "type"])


@pytest.mark.parametrize("engine", ENGINES)
def test_real_dfe_return_is_valid(engine: str):
    report = validate_file(RETURNS / "valid" / "dfe-la-2025.csv", engine=engine)
    assert report.valid, report.flatten(["row", "field", "type", "message"])[:20]
    assert report.exit_code == 0
    assert report.tasks[0].stats["rows"] == 1222
    # the only findings: DfE's placeholder rows for two abolished counties
    assert {i.code for i in report.issues} == {"la-code-placeholder"}
    assert {i.cell for i in report.issues} == {"E10000006", "E10000021"}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_return_gives_exactly_its_expected_errors(path: Path, engine: str):
    expected = yaml.safe_load(path.with_suffix(".expected.yaml").read_text(encoding="utf-8"))
    report = validate_file(path, engine=engine)
    want = sorted(expected["errors"], key=lambda r: [(v is not None, str(v) if not isinstance(v, int) else f"{v:012d}") for v in r])
    assert _found(report) == want
    assert report.exit_code == expected["exit_code"]


def _copy_with_noise(tmp_path: Path) -> Path:
    """A larger file mixing every kind of structural error with valid rows, for the conformance run."""
    import csv
    import io

    with open(RETURNS / "valid" / "dfe-la-2025.csv", encoding="utf-8", newline="") as f:
        header, *body = list(csv.reader(f))
    broken = []
    for i, cells in enumerate(body[:400]):
        cells = list(cells)
        kind = i % 9
        if kind == 1:
            cells[15] = "12,5"  # a decimal comma: one cell too many
        elif kind == 2:
            cells[15] = "n/a"
        elif kind == 3:
            cells[10] = ""
        elif kind == 4:
            cells[2] = "local authority"
        elif kind == 5:
            cells[8] = "9190"
        elif kind == 6:
            cells = cells[:14]
        elif kind == 7:
            cells[13] = "1 024"
        broken.append(cells)
    broken += body[395:405]  # overlapping rows: duplicate keys
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for cells in broken:
        line = io.StringIO()
        csv.writer(line, lineterminator="").writerow(cells)
        # "12,5" must stay unquoted: a decimal comma that really does split the cell
        out.write(line.getvalue().replace('"12,5"', "12,5") + "\n")
    path = tmp_path / "noisy.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_engines_agree_on_a_noisy_file(tmp_path: Path):
    path = _copy_with_noise(tmp_path)
    fast = validate_file(path, engine="duckdb")
    reference = validate_file(path, engine="frictionless")
    assert _found(fast) == _found(reference)
    assert {t for _, _, t in _found(fast)} >= {"type-error", "constraint-error", "missing-cell", "extra-cell",
                                               "primary-key"}
