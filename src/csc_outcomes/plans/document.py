"""Read a plan and the results reported against it, from YAML, a workbook or a canonical return."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PLAN_SUFFIXES = (".yaml", ".yml", ".xlsx")
RETURN_SUFFIXES = (".csv", ".xlsx")


class PlanReadError(Exception):
    """A plan or results file cannot be read at all: which file, and what to do (exit 2)."""


def _yaml(path: Path) -> Any:
    """A plan or result set, through the package's one bounded YAML loader; dates as ISO text."""
    from csc_outcomes import safe_yaml
    from csc_outcomes.catalogue.source import _plain

    try:
        return _plain(safe_yaml.load(path))
    except safe_yaml.YamlError as exc:
        raise PlanReadError(f"{path}: {exc}") from exc


def read_plan(path: Path) -> dict[str, Any]:
    """The plan document, from YAML or from a workbook made by `plan new`."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from csc_outcomes.plans.workbook import WorkbookError, read_workbook

        if not path.is_file():
            raise PlanReadError(f"{path} does not exist")
        try:
            return read_workbook(path)
        except WorkbookError as exc:
            raise PlanReadError(f"{path}: {exc}") from exc
    if path.suffix.lower() not in PLAN_SUFFIXES:
        raise PlanReadError(f"{path}: a plan is a .yaml file or an .xlsx workbook made by `csc-outcomes plan new`")
    document = _yaml(path)
    if not isinstance(document, dict):
        raise PlanReadError(f"{path} should hold one evaluation plan (a YAML mapping with id, project, "
                            "theory_of_change, planned_outcomes...)")
    return document


@dataclass
class Results:
    """What was reported against a plan: reported-result records, however they arrived."""

    plan: str | None  # the plan they answer, where the file says so
    results: list[dict[str, Any]] = field(default_factory=list)
    source: str = ""
    problems: list[str] = field(default_factory=list)


def _return_results(path: Path) -> Results:
    """A canonical return: every indicator and period it reports a Total figure for (places are not
    told apart: coverage asks whether the outcome was reported, not where)."""
    import duckdb

    from csc_outcomes.validators.frame import positional_csv_sql
    from csc_outcomes.validators.reading import InputError, read_input

    try:
        with read_input(path) as table:
            labels = [str(label) for label in table.labels]
            missing = [c for c in ("indicator_id", "time_period") if c not in labels]
            if missing:
                raise PlanReadError(f"{path} is neither a results file nor a canonical return: no column "
                                    f"{', '.join(missing)}")
            con = duckdb.connect()
            try:
                source = positional_csv_sql(str(table.path), len(labels), "ignore_errors=true")
                i, t = labels.index("indicator_id"), labels.index("time_period")
                total = (f"AND coalesce(c{labels.index('breakdown_topic')}, 'Total') = 'Total'"
                         if "breakdown_topic" in labels else "")
                rows = con.execute(
                    f"SELECT c{i}, c{t}, count(*) FROM {source} "
                    f"WHERE c{i} IS NOT NULL AND c{t} IS NOT NULL {total} GROUP BY ALL ORDER BY 1, 2").fetchall()
            finally:
                con.close()
    except InputError as exc:
        raise PlanReadError(str(exc)) from exc
    results = [{"indicator": ind, "period": period, "rows": n} for ind, period, n in rows]
    return Results(None, results, str(path))


def read_results(path: Path) -> Results:
    """A ResultSet YAML, or a canonical return (CSV or XLSX)."""
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        document = _yaml(path)
        if not isinstance(document, dict) or not isinstance(document.get("results"), list):
            raise PlanReadError(f"{path} should hold a result set: plan, reported_on and a list of results")
        from csc_outcomes.plans.check import release_schema, schema_issues

        problems = schema_issues(document, release_schema("ResultSet"), str(path))
        if problems:
            listed = "; ".join(f"{i.field}: {i.message}" for i in problems[:10])
            raise PlanReadError(f"{path} breaks the ResultSet model ({len(problems)} problem(s)): {listed}")
        return Results(str(document.get("plan")) if document.get("plan") else None,
                       [r for r in document["results"] if isinstance(r, dict)], str(path))
    if path.suffix.lower() in RETURN_SUFFIXES:
        if not path.is_file():
            raise PlanReadError(f"{path} does not exist")
        return _return_results(path)
    raise PlanReadError(f"{path}: results are a result-set .yaml or a canonical return (.csv, .xlsx)")
