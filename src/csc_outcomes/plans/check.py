"""`plan check`: the plan follows the model, and every measure it names exists where it says.

The structure is checked with the JSON Schema compiled into the newest shipped release (no
linkml at run time); the rest needs the catalogue of the version each outcome names: the
indicator exists there, the outcome exists in its framework, a local measure does not quietly
duplicate an indicator of the standard (then results could have been compared, and are not).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Iterator

from csc_outcomes.catalogue import Catalogue
from csc_outcomes.plans import errors as E
from csc_outcomes.plans.frameworks import indicator_outcomes, outcomes_by_framework, release_catalogue
from csc_outcomes.report import Issue, Report, Task

# how alike two names or numerator descriptions must be for a local measure to be flagged
SIMILAR = 0.85


def _where(path: Any) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def release_schema(cls: str) -> dict[str, Any]:
    """The JSON Schema of a class of the model, as compiled into the newest shipped release."""
    from csc_outcomes.releases import load_release

    return load_release().json_schema(cls)


def schema_issues(document: Any, schema: dict[str, Any], file: str) -> list[Issue]:
    from jsonschema import Draft201909Validator
    from jsonschema.exceptions import best_match

    if not isinstance(document, dict):
        return [Issue(E.SCHEMA, f"expected a mapping of {schema['$ref'].rsplit('/', 1)[-1]} fields", file=file)]
    issues = []
    for error in sorted(Draft201909Validator(schema).iter_errors(document), key=lambda e: list(map(str, e.path))):
        leaf = best_match(error.context) if error.context else error
        issues.append(Issue(E.SCHEMA, _clip_message(leaf.message), file=file, field=_where(leaf.absolute_path)))
    return issues


def _clip_message(message: str) -> str:
    """jsonschema quotes the offending value whole; a plan may hold long text: keep 40 characters."""
    from csc_outcomes.report.model import clip

    return re.sub(r"'([^']{41,})'", lambda m: repr(clip(m.group(1))), message)


def _normal(text: Any) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).strip()


def similar_indicator(measure: dict[str, Any], catalogue: Catalogue) -> tuple[str, str] | None:
    """The standard's indicator a local measure seems to duplicate, and why; None if none does.

    A heuristic, said as such in the warning: the same name, or the same kind of measure counting
    the same thing (numerator descriptions alike)."""
    name = _normal(measure.get("name"))
    numerator = _normal((measure.get("numerator") or {}).get("description"))
    best: tuple[float, str, str] | None = None
    for ident, ind in catalogue.indicators.items():
        if ind.get("status") == "retired":
            continue
        score = difflib.SequenceMatcher(None, name, _normal(ind.get("name"))).ratio() if name else 0.0
        reason = "its name is alike"
        if numerator and measure.get("measure_type") == ind.get("measure_type"):
            counted = difflib.SequenceMatcher(None, numerator,
                                              _normal((ind.get("numerator") or {}).get("description"))).ratio()
            if counted > score:
                score, reason = counted, f"both are a {ind['measure_type']} of the same thing"
        if score >= SIMILAR and (best is None or score > best[0]):
            best = (score, ident, reason)
    return (best[1], best[2]) if best else None


def semantic_issues(plan: dict[str, Any], file: str) -> Iterator[Issue]:
    """Every way the plan's content fails the standard it points at (structure already checked)."""
    from csc_outcomes.releases import available_versions

    catalogues: dict[str, Catalogue | None] = {}
    version = str(plan.get("framework_version", ""))
    if release_catalogue(version, catalogues) is None:
        yield Issue(E.FRAMEWORK_VERSION, f"framework version {version} is not shipped with this package; "
                    f"available: {', '.join(available_versions())}", file=file, field="framework_version")
        return
    start, end, registered = (str(plan.get(k) or "") for k in ("start_date", "end_date", "registered_on"))
    if start and end and end < start:
        yield Issue(E.DATES, f"end_date {end} is before start_date {start}", file=file, field="end_date")
    if start and registered and registered > start:
        yield Issue(E.LATE_REGISTRATION, f"registered on {registered}, after the start on {start}",
                    file=file, field="registered_on")
    outcomes = plan.get("planned_outcomes") or []
    if outcomes and not any(o.get("role") == "primary" for o in outcomes):
        yield Issue(E.NO_PRIMARY, "every planned outcome is secondary", file=file, field="planned_outcomes")
    seen: dict[str, int] = {}
    for n, planned in enumerate(outcomes):
        where = f"planned_outcomes[{n}]"
        key = str(planned.get("key"))
        if key in seen:
            yield Issue(E.DUPLICATE_KEY, f"key {key!r} is also planned_outcomes[{seen[key]}]'s", file=file,
                        field=f"{where}.key")
        seen.setdefault(key, n)
        own_version = str(planned.get("indicator_version") or version)
        catalogue = release_catalogue(own_version, catalogues)
        if catalogue is None:
            yield Issue(E.FRAMEWORK_VERSION, f"framework version {own_version} is not shipped with this package",
                        file=file, field=f"{where}.indicator_version")
            continue
        yield from _outcome_issues(planned, where, file, catalogue)


def _outcome_issues(planned: dict[str, Any], where: str, file: str, catalogue: Catalogue) -> Iterator[Issue]:
    framework, outcome = str(planned.get("framework")), str(planned.get("outcome"))
    frameworks = outcomes_by_framework(catalogue, aliases=True)
    if framework not in frameworks:
        yield Issue(E.UNKNOWN_OUTCOME, f"{framework!r} is not an outcome framework of version {catalogue.version} "
                    f"(its frameworks: {', '.join(sorted(frameworks))})", file=file, field=f"{where}.framework")
    elif outcome not in frameworks[framework]:
        yield Issue(E.UNKNOWN_OUTCOME, f"{framework} has no outcome {outcome!r}", file=file, field=f"{where}.outcome")
    indicator, local = planned.get("indicator"), planned.get("local_measure")
    if indicator is None and local is None:
        yield Issue(E.NO_MEASURE, f"{planned.get('key')}: no indicator and no local measure", file=file,
                    field=where)
    if indicator is not None and local is not None:
        yield Issue(E.TWO_MEASURES, f"{planned.get('key')} names indicator {indicator} and a local measure",
                    file=file, field=where)
    if indicator is not None:
        definition = catalogue.indicators.get(str(indicator))
        if definition is None:
            close = difflib.get_close_matches(str(indicator), list(catalogue.indicators), n=1)
            yield Issue(E.UNKNOWN_INDICATOR, f"{indicator} is not an indicator of version {catalogue.version}"
                        + (f"; did you mean {close[0]}?" if close else ""), file=file, field=f"{where}.indicator")
        else:
            status = definition.get("status")
            if status != "active":
                successor = definition.get("superseded_by")
                yield Issue(E.INDICATOR_NOT_ACTIVE, f"{indicator} is {status} in version {catalogue.version}"
                            + (f"; its successor is {successor}" if successor else ""), file=file,
                            field=f"{where}.indicator")
            measured = indicator_outcomes(definition, catalogue)
            if measured and (framework, outcome) not in measured and framework in {f for f, _ in measured}:
                yield Issue(E.INDICATOR_OUTCOME, f"{indicator} measures {framework} outcome(s) "
                            f"{', '.join(sorted(o for f, o in measured if f == framework))}, not {outcome}",
                            file=file, field=f"{where}.indicator")
    if isinstance(local, dict):
        unknown = sorted(set(local.get("data_sources") or []) - set(catalogue.data_sources))
        if unknown:
            yield Issue(E.LOCAL_MEASURE, f"data source(s) {', '.join(unknown)} are not in the standard "
                        "(use la-local for the authority's own data)", file=file, field=f"{where}.local_measure")
        twin = similar_indicator(local, catalogue)
        if twin is not None:
            ident, reason = twin
            yield Issue(E.LOCAL_DUPLICATES, f"local measure {local.get('id')!r} looks like {ident} "
                        f"({catalogue.indicators[ident]['name']}): {reason}", file=file,
                        field=f"{where}.local_measure")


def audit_issues(audit: dict[str, Any] | None, file: str) -> Iterator[Issue]:
    from csc_outcomes.plans.conditions import conditions

    if not audit:
        return
    covered = {c.get("condition") for c in audit.get("conditions") or [] if isinstance(c, dict)}
    missing = [c for c in conditions() if c not in covered]
    if missing:
        yield Issue(E.AUDIT_INCOMPLETE, f"no entry for {', '.join(missing)}", file=file, field="audit.conditions")


def plan_issues(plan: Any, file: str, schema: dict[str, Any]) -> list[Issue]:
    """Structure first; the content is checked only once the structure holds."""
    issues = schema_issues(plan, schema, file)
    if not issues:
        issues += list(semantic_issues(plan, file))
        issues += list(audit_issues(plan.get("audit"), file))
    return issues


def check_plan(path: Path) -> Report:
    """The report on one plan file (YAML or workbook). Raises PlanReadError when unreadable."""
    import time

    from csc_outcomes.plans.document import read_plan

    started = time.perf_counter()
    plan = read_plan(path)
    file = str(path)
    issues = plan_issues(plan, file, release_schema("EvaluationPlan"))
    task = Task(name=file, issues=issues, stats={"planned_outcomes": len(plan.get("planned_outcomes") or [])})
    return Report([task], meta={"title": "csc-outcomes plan check", "input": file,
                                "framework_version": str(plan.get("framework_version", ""))},
                  seconds=time.perf_counter() - started)
