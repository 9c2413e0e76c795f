"""`check`: is a catalogue folder a valid instance of the model, and coherent as a whole?"""

from __future__ import annotations

import time
from pathlib import Path

from csc_outcomes.catalogue.schema_check import check_records
from csc_outcomes.catalogue.source import read_source
from csc_outcomes.report import Issue, Report, Task
from csc_outcomes.resources import schema_path


def check_mappings(paths: list[Path], catalogue_dir: Path, schema_file: Path | None = None) -> Report:
    """Mapping specs against the model and the catalogue (the indicators they target must exist)."""
    from csc_outcomes import safe_yaml
    from csc_outcomes.catalogue.authoring import require_authoring

    require_authoring()
    from csc_outcomes.catalogue import problems as P
    from csc_outcomes.catalogue.schema_check import class_schema
    from csc_outcomes.catalogue.source import read_source
    from csc_outcomes.harmonise.spec import spec_problems

    started = time.perf_counter()
    source = read_source(catalogue_dir)
    indicators = [r.data.get("id") for r in source.of("indicators")]
    version = str((source.of("framework") or [None])[0].data.get("version")) if source.of("framework") else "?"
    schema = class_schema(schema_file or schema_path(), "MappingSpec")
    task = Task(name=", ".join(str(p) for p in paths))
    files = 0
    for path in paths:
        for file in sorted(path.rglob("*.yaml")) if path.is_dir() else [path]:
            files += 1
            try:
                spec = safe_yaml.load(file, "mapping spec")
            except safe_yaml.YamlRefused as exc:
                from csc_outcomes.catalogue.model import CatalogueReadError

                raise CatalogueReadError(f"{file}: {exc}") from exc
            except safe_yaml.YamlError as exc:
                task.add(Issue(P.YAML_ERROR, f"cannot read: {exc}", file=str(file)))
                continue
            if isinstance(spec, dict) and ("planned_outcomes" in spec or {"plan", "results"} <= set(spec)):
                task.extend(_plan_or_results(spec, str(file), schema_file or schema_path()))
                continue
            declared = spec.get("framework_version") if isinstance(spec, dict) else None
            targets, against = _framework_of(declared, indicators, version)
            if targets is None:
                task.add(Issue(P.MAPPING_PROBLEM, against, file=str(file), field="framework_version"))
                targets, against = indicators, version
            for problem in spec_problems(spec, schema, targets, against):
                where, _, message = problem.partition(": ")
                task.add(Issue(P.MAPPING_PROBLEM, message or where, file=str(file), field=where if message else None))
    task.stats = {"files": files}
    return Report([task], meta={"title": "csc-outcomes check (mapping specs)"}, seconds=time.perf_counter() - started)


def _framework_of(declared: object, indicators: list, version: str) -> tuple[list | None, str]:
    """The indicators of the framework version a spec declares, and that version: the catalogue
    being checked if it is that version, else a shipped release. (None, why) if there is none."""
    from csc_outcomes.releases import available_versions, load_release

    if declared is None or str(declared) == version:
        return indicators, version
    shipped = available_versions()
    if str(declared) in shipped:
        return list(load_release(str(declared)).catalogue.indicators), str(declared)
    shown = str(declared)[:40]
    return None, (f"framework version {shown!r} does not exist: the catalogue is {version} and the releases "
                  f"shipped are {', '.join(shipped) or 'none'}")


def _lints(source, broken: bool) -> list[Issue]:
    """The semantic rules. They assume the shapes the model gives (a source is a name, a list is a
    list); a record that breaks the model has been reported already, so a rule it trips over is
    skipped rather than crashing the check. On a catalogue the model accepts, a crash is a bug."""
    from csc_outcomes.catalogue.lint import LINTS

    found: list[Issue] = []
    for rule in LINTS:
        try:
            found.extend(rule(source))
        except (TypeError, AttributeError, KeyError, ValueError, IndexError):
            if not broken:
                raise
    return found


def _plan_or_results(document: dict, file: str, schema_file: Path) -> list[Issue]:
    """An evaluation plan or a result set found among the files to check."""
    from csc_outcomes.catalogue.schema_check import class_schema
    from csc_outcomes.catalogue.source import _plain
    from csc_outcomes.plans.check import plan_issues, schema_issues

    document = _plain(document)  # YAML dates as ISO text, as every other reader of plans gives them
    if "planned_outcomes" in document:
        return plan_issues(document, file, class_schema(schema_file, "EvaluationPlan"))
    return schema_issues(document, class_schema(schema_file, "ResultSet"), file)


def check_catalogue(root: Path, schema_file: Path | None = None) -> Report:
    """Every problem in the catalogue at `root`; raises CatalogueReadError if it is no folder."""
    from csc_outcomes.catalogue.authoring import require_authoring

    require_authoring()
    started = time.perf_counter()
    source = read_source(Path(root))
    task = Task(name=str(root))
    task.extend(source.problems)
    structural = check_records(source.records, schema_file or schema_path())
    task.extend(structural)
    task.extend(_lints(source, broken=bool(source.problems or structural)))
    task.stats = {
        "files": len({r.file for r in source.records} | {p.file for p in source.problems if p.file}),
        "records": len(source.records),
        "indicators": len(source.of("indicators")),
    }
    return Report([task], meta={"title": "csc-outcomes check"}, seconds=time.perf_counter() - started)
