"""The Python API, as a notebook uses it: a pandas DataFrame or Arrow table validated in memory,
the same findings as the file, typed indicators, and a cheap `import csc_outcomes`."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import FrozenInstanceError
from pathlib import Path

import pandas as pd
import pytest

import csc_outcomes as co
from conftest import ROOT

RETURNS = ROOT / "examples" / "returns"


def test_import_is_cheap_and_exposes_the_api():
    code = ("import sys, csc_outcomes as co\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('duckdb', 'pandas', 'frictionless', 'linkml', "
            "'linkml_runtime', 'pyarrow', 'openpyxl'))\n"
            "print(heavy, sorted(n for n in dir(co) if not n.startswith('_')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    heavy, names = done.stdout.strip().split("] ")
    assert heavy == "["
    assert {"validate", "harmonise", "load_standard", "Report", "Indicator", "InputError"} <= set(eval(names))


def test_a_dataframe_read_the_pandas_way_validates_like_the_file():
    """pandas turns time_period, old_la_code and the figures into numbers, and blank cells into
    NaN; the report is the file's report all the same."""
    frame = pd.read_csv(RETURNS / "valid" / "dfe-la-2025.csv")
    assert frame["time_period"].dtype.kind == "i"  # 2025, a number
    report = co.validate(frame, name="dfe 2025")
    file_report = co.validate(RETURNS / "valid" / "dfe-la-2025.csv")
    assert report.valid and report.errors == []
    assert report.tasks[0].stats["rows"] == 1222
    assert report.flatten(["row", "field", "type", "cell"]) == file_report.flatten(["row", "field", "type", "cell"])
    assert report.tasks[0].name == "dfe 2025"


# cells.csv is left out: a ragged row cannot exist in a DataFrame
@pytest.mark.parametrize("path", [p for p in sorted((RETURNS / "invalid").glob("*.csv")) if p.stem != "cells"],
                         ids=lambda p: p.stem)
def test_invalid_frames_give_the_files_findings(path: Path):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False)
    ours = co.validate(frame)
    assert not ours.valid
    assert ours.flatten(["row", "field", "type"]) == co.validate(path).flatten(["row", "field", "type"])


def test_report_object_for_a_notebook():
    report = co.validate(pd.read_csv(RETURNS / "invalid" / "indicator.csv", dtype=str, keep_default_na=False))
    assert not report.valid and report.exit_code == 1
    assert all(e.severity is co.Severity.ERROR for e in report.errors)
    assert len(report.errors) == 11 and len(report.warnings) == 1
    table = report.to_pandas()
    assert len(table) == 12
    assert {"row", "field", "column", "authority", "indicator_id", "indicator_name", "type", "message"} <= set(table.columns)
    mismatch = table[table["type"] == "value-mismatch"].sort_values("row")
    assert mismatch["row"].tolist() == [7, 8, 9]
    assert report.to_dict()["stats"]["errors"] == 11


def test_an_arrow_table_is_validated_in_memory():
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(RETURNS / "invalid" / "structure.csv",
                           convert_options=pacsv.ConvertOptions(strings_can_be_null=False))
    report = co.validate(table)
    assert report.flatten(["row", "field", "type"]) == co.validate(RETURNS / "invalid" / "structure.csv").flatten(
        ["row", "field", "type"])


def test_a_polars_frame_is_validated_in_memory():
    import polars as pl

    frame = pl.read_csv(RETURNS / "invalid" / "geography.csv", infer_schema_length=0)  # every column as text
    report = co.validate(frame)
    assert report.flatten(["row", "field", "type"]) == co.validate(RETURNS / "invalid" / "geography.csv").flatten(
        ["row", "field", "type"])
    typed = pl.read_csv(RETURNS / "valid" / "dfe-la-2025.csv", infer_schema_length=None)  # time_period as a number
    assert typed.schema["time_period"] == pl.Int64
    assert co.validate(typed).valid


def test_the_reference_engine_takes_a_frame_too():
    frame = pd.read_csv(RETURNS / "invalid" / "structure.csv", dtype=str, keep_default_na=False, skip_blank_lines=False)
    report = co.validate(frame, engine="frictionless", name="structure")
    assert report.flatten(["row", "field", "type"]) == co.validate(frame).flatten(["row", "field", "type"])
    assert report.tasks[0].name == "structure"


def test_what_cannot_be_validated_says_so():
    with pytest.raises(co.InputError, match="give a file path, a pandas or polars DataFrame"):
        co.validate({"time_period": [2025]})
    with pytest.raises(co.InputError, match="does not exist"):
        co.validate(RETURNS / "nothing-here.csv")


def test_harmonise_returns_the_canonical_return(tmp_path: Path):
    import csc_outcomes.harmonise.engine  # noqa: F401  the subpackage of the same name does not shadow the function

    result = co.harmonise(ROOT / "examples" / "harmonise" / "cla-counts-by-la.csv",
                          ROOT / "mappings" / "examples" / "cla-counts-by-la.yaml")
    assert result.valid
    assert result.rows_in == result.rows_used + result.rows_unused
    canonical = result.to_pandas()
    assert len(canonical) == result.rows_out > 0
    assert canonical["time_period"].str.fullmatch(r"[0-9]{4}([0-9]{2})?").all()
    assert co.validate(canonical).valid


def test_load_standard_gives_typed_frozen_indicators():
    standard = co.load_standard("1.0.0")
    rate = standard.indicators["cla_rate_31mar"]
    assert isinstance(rate, co.Indicator)
    assert rate.multiplier == 10000 and rate.decimal_places == 0
    assert rate.period.reference_date == "--03-31" and rate.period.kind == "snapshot"
    assert rate.numerator.source == "ssda903"
    assert "cla_rate_31mar" in standard.indicator_sets["dfe-national"].members
    with pytest.raises(FrozenInstanceError):
        rate.multiplier = 100  # type: ignore[misc]
    with pytest.raises(TypeError):
        standard.indicators["x"] = rate  # type: ignore[index]
    breakdowns = {b.topic for i in standard.indicators.values() for b in i.breakdowns}
    assert breakdowns and all(isinstance(t, str) for t in breakdowns)
    assert standard.code_lists["local-authorities"].labels()["E10000015"] == "Hertfordshire"
