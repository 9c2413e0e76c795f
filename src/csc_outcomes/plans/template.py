"""`plan new`: a plan to fill in, as YAML (every field, commented) or as a workbook."""

from __future__ import annotations

from typing import Any

from csc_outcomes.catalogue import Catalogue
from csc_outcomes.plans.conditions import conditions
from csc_outcomes.plans.frameworks import outcomes_by_framework


def members(catalogue: Catalogue, indicator_set: str | None) -> list[str]:
    if indicator_set is None:
        return sorted(i for i, d in catalogue.indicators.items() if d.get("status") != "retired")
    return list(catalogue.indicator_sets[indicator_set]["members"])


def yaml_template(catalogue: Catalogue, indicator_set: str | None) -> str:
    frameworks = outcomes_by_framework(catalogue)
    lines = [
        "# An evaluation plan: register it before the innovation starts. Check it with",
        "#   csc-outcomes plan check plan.yaml",
        "# and, once results are in, compare them with what was planned:",
        "#   csc-outcomes plan coverage plan.yaml results.yaml",
        "id: my-evaluation              # lower-case-with-hyphens",
        "project: ''",
        "organisation: ''",
        "intervention: ''               # what is being tried",
        "start_date: 2026-04-01",
        "end_date: 2028-03-31",
        "registered_on: 2026-03-01      # before start_date",
        "plan_version: 1.0.0",
        f"framework_version: {catalogue.version}",
        "theory_of_change:              # the report's Appendix 2",
        "  where_we_are_now: {description: '', evidence: []}",
        "  activities:",
        "    - {description: '', evidence: []}",
        "  milestones:",
        "    - {description: '', evidence: []}",
        "  outcomes:",
        "    - {description: '', evidence: []}",
        "  where_we_want_to_be: {description: '', evidence: []}",
        "planned_outcomes:",
        "  - key: first-outcome",
        "    framework: data-checklist  # an outcome framework, below",
        "    outcome: '1'",
        "    role: primary              # or secondary",
        "    indicator: ''              # an indicator, below; or instead a local_measure with an indicator's fields",
        "    population: ''",
        "    comparisons: [own_history, statistical_neighbours, national]",
        "    baseline: {period: '2026', value: 0}",
        "    target: {period: '2028', value: 0}",
        "    measured_at: ['2027', '2028']",
        "audit:                         # the service self-audit (Appendix 1); delete if not done",
        "  organisation: ''",
        "  completed_on: 2026-03-01",
        "  conditions:",
    ]
    for key, label in conditions().items():
        lines.append(f"    - condition: {key}  # {label}")
        lines.append("      what_happens_now: ''")
        lines.append("      what_needs_to_happen: ''")
        lines.append("      how_it_will_progress: ''")
    lines.append("")
    lines.append("# Outcome frameworks and their outcomes (framework, outcome):")
    for framework, named in sorted(frameworks.items()):
        for key, name in named.items():
            lines.append(f"#   {framework} {key}: {name}")
    lines.append(f"# Indicators of version {catalogue.version}" + (f", set {indicator_set}:" if indicator_set else ":"))
    for ident in members(catalogue, indicator_set):
        lines.append(f"#   {ident}: {catalogue.indicators[ident]['name']}")
    return "\n".join(lines) + "\n"


def xlsx_template(catalogue: Catalogue, indicator_set: str | None) -> bytes:
    from csc_outcomes.plans.workbook import write_workbook

    return write_workbook(catalogue, members(catalogue, indicator_set), outcomes_by_framework(catalogue),
                          conditions())


def template(catalogue: Catalogue, indicator_set: str | None, suffix: str) -> Any:
    return xlsx_template(catalogue, indicator_set) if suffix == ".xlsx" else yaml_template(catalogue, indicator_set)
