"""The Python API: what a notebook calls. The command line is a shell over the same functions.

    import csc_outcomes as co
    report = co.validate("our-return.xlsx", sheet="Return")   # or a pandas/polars DataFrame, an Arrow table
    report.valid, report.errors, report.to_pandas()
    result = co.harmonise("local.csv", mapping="spec.yaml")
    standard = co.load_standard("1.0.0")
    standard.indicators["cla_rate_31mar"].period.reference_date

Heavy libraries (DuckDB, frictionless, pandas) are imported inside the function that needs
them, so `import csc_outcomes` stays cheap.

compute (methods over record-level data, issue 8) and compare (issue 11) are built in their
own packages; each joins this API as one more function here, listed in `__all__` and so exposed
as `csc_outcomes.compute` / `csc_outcomes.compare` by the package's lazy lookup.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csc_outcomes.report import Report
    from csc_outcomes.standard import Standard

__all__ = ["validate", "harmonise", "load_standard", "Harmonised"]


def validate(source: Any, *, framework_version: str | None = None, indicator_set: str | None = None,
             require_complete: bool = False, engine: str = "duckdb", sheet: str | None = None,
             header_row: int = 1, encoding: str | None = None, name: str | None = None) -> "Report":
    """Validate a return against a published version of the standard; return the report.

    `source` is a file path (CSV or XLSX), a pandas or polars DataFrame, or an Arrow table. A
    frame is scanned by DuckDB in place (no CSV is written); its rows are numbered as a sheet
    would show them, the first row being row 2. `name` labels a frame in the report.
    Raises `csc_outcomes.InputError` when the input cannot be read at all.
    """
    from csc_outcomes.validators.dataframe import frame_table, kind_of, write_csv
    from csc_outcomes.validators.validate import validate_file

    options = dict(framework_version=framework_version, indicator_set=indicator_set,
                   require_complete=require_complete, engine=engine)
    if isinstance(source, (str, os.PathLike)):
        return validate_file(Path(source), sheet=sheet, header_row=header_row, encoding=encoding, **options)
    table = frame_table(source, name) if kind_of(source) else frame_table(source)  # the latter raises
    if engine == "duckdb":
        return validate_file(table, **options)
    # the reference engine reads files by design: it gets the frame as a temporary CSV
    with tempfile.TemporaryDirectory(prefix="csc-outcomes-") as tmp:
        copy = Path(tmp) / "frame.csv"
        write_csv(table, copy)
        report = validate_file(copy, **options)
    label = str(table.source)
    for task in report.tasks:
        task.name = label
    report.meta["input"] = label
    return report


@dataclass
class Harmonised:
    """What `harmonise` made: the report, the row accounting, and the canonical return."""

    report: "Report"
    output: Path
    rows_in: int
    rows_used: int
    rows_unused: int
    rows_out: int
    reasons: dict[str, int] = field(default_factory=dict)
    _tmp: Any = field(default=None, repr=False)  # keeps a temporary output alive with the result

    @property
    def valid(self) -> bool:
        return self.report.valid

    def to_pandas(self) -> Any:
        """The canonical return as a DataFrame, every column as text (codes keep their zeros)."""
        import pandas as pd

        return pd.read_csv(self.output, dtype=str, keep_default_na=False)


def harmonise(source: str | os.PathLike, mapping: str | os.PathLike, output: str | os.PathLike | None = None, *,
              lineage: str | os.PathLike | None = None) -> Harmonised:
    """Map a local or published file onto the canonical return with a mapping spec.

    Writes the canonical CSV to `output` (a temporary file kept with the result if none is
    given); every input row is used or named in the report with its reason.
    """
    from csc_outcomes.harmonise.engine import harmonise as run

    tmp = None
    if output is None:
        tmp = tempfile.TemporaryDirectory(prefix="csc-outcomes-")
        output = Path(tmp.name) / "canonical.csv"
    outcome = run(Path(source), Path(mapping), Path(output), Path(lineage) if lineage else None)
    return Harmonised(outcome.report, Path(output), outcome.rows_in, outcome.rows_used, outcome.rows_unused,
                      outcome.rows_out, dict(outcome.reasons), tmp)


@dataclass
class Computed:
    """What `compute` made from an authority's records: the report, per-indicator results, and
    the canonical return (child identifiers appear only in a lineage file, if one was asked for)."""

    report: "Report"
    output: Path
    results: list[Any]
    rows_out: int
    _tmp: Any = field(default=None, repr=False)

    @property
    def valid(self) -> bool:
        return self.report.valid

    def to_pandas(self) -> Any:
        """The canonical return as a DataFrame, every column as text."""
        import pandas as pd

        return pd.read_csv(self.output, dtype=str, keep_default_na=False)


def compute(sources: str | os.PathLike | list, la: str, year: int, output: str | os.PathLike | None = None, *,
            indicators: list[str] | None = None, lineage: str | os.PathLike | None = None,
            suppress: bool = False) -> Computed:
    """The standard's indicators computed from SSDA903 and CIN census records (files or folders)
    for one authority (DfE or GSS code) and reporting year, as a canonical return."""
    from csc_outcomes.records.compute import compute as run

    paths = [Path(s) for s in (sources if isinstance(sources, (list, tuple)) else [sources])]
    tmp = None
    if output is None:
        tmp = tempfile.TemporaryDirectory(prefix="csc-outcomes-")
        output = Path(tmp.name) / "computed.csv"
    outcome = run(paths, la, int(year), Path(output), indicators=indicators,
                  lineage=Path(lineage) if lineage else None, suppress=suppress)
    return Computed(outcome.report, Path(output), outcome.results, outcome.rows_out, tmp)


def compare(la: str, returns: list | None = None, **options: Any) -> Any:
    """An authority against its statistical neighbours, region and England (the release's published
    baseline, and its own returns marked unpublished): a Comparison with .records and .to_dict();
    options as `csc_outcomes.compare.compute.compare`."""
    from csc_outcomes.compare.compute import compare as run

    return run(la, [Path(r) for r in returns or []], **options)


def load_standard(version: str | None = None) -> "Standard":
    """One shipped version of the standard (default: the newest) as typed, read-only objects."""
    from csc_outcomes.releases import load_release
    from csc_outcomes.standard import from_catalogue

    return from_catalogue(load_release(version).catalogue.document)
