from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from csc_outcomes.cli.errors import UsageError
from csc_outcomes.cli.options import OutputOption, emit, refuse_overwrite

app = typer.Typer(help="List and show the indicators of the standard.", no_args_is_help=True)

CatalogueOption = Annotated[
    Optional[Path], typer.Option("--catalogue", help="Catalogue folder (default: the one shipped with this package).")
]


class ShowFormat(str, Enum):
    text = "text"
    yaml = "yaml"
    json = "json"


def _catalogue(path: Path | None):
    from csc_outcomes.catalogue import load_catalogue
    from csc_outcomes.resources import data_dir

    return load_catalogue(path or data_dir("indicators"))


def _grouped(indicator_set: dict, cat) -> list[str]:
    """A set with groups, listed by its framework's outcomes and enablers: each entry's
    indicator (and breakdown) with the published figures it gives."""
    outcomes = cat.framework_outcomes
    framework = cat.outcome_frameworks.get(indicator_set.get("framework"), {})
    indicators = cat.indicators
    lines = [f"{indicator_set['name']}" + (f" - grouped by {framework['name']}" if framework else "")]
    entries = [e for g in indicator_set["groups"] for e in g.get("entries") or []]
    width = max((len(e["indicator"]) for e in entries), default=0)
    bwidth = max((len(f"{e['breakdown_topic']}={e['breakdown']}") for e in entries if e.get("breakdown_topic")), default=5)
    for group in indicator_set["groups"]:
        item = outcomes.get(group["outcome"], {})
        title = f"{item.get('kind', 'outcome').capitalize()} {item.get('number', '?')}: {item.get('name', group['outcome'])}"
        lines += ["", f"{title}  [{group['outcome']}]"]
        if not group.get("entries"):
            reason = " ".join(str(item.get("no_indicator", "")).split())
            lines.append(f"  (no indicator{': ' + reason if reason else ''})")
        for e in group.get("entries") or []:
            ind = indicators.get(e["indicator"], {})
            breakdown = f"{e['breakdown_topic']}={e['breakdown']}" if e.get("breakdown_topic") else "Total"
            figures = ",".join(str(n) for n in e.get("dashboard_figures") or [])
            note = " (contextual)" if e.get("contextual") else ""
            lines.append(f"  {e['indicator']:<{width}}  {breakdown:<{bwidth}}  {('figure ' + figures) if figures else '':<11}  "
                         f"{ind.get('status', '?'):<10}  {ind.get('name', '?')}{note}")
    n_figures = sum(len(e.get("dashboard_figures") or []) for e in entries)
    lines.append("")
    lines.append(f"{len(indicator_set['members'])} indicator(s) in {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
                 f" giving {n_figures} published figure(s), framework {cat.version}")
    return lines


@app.command("list")
def list_(
    set_: Annotated[Optional[str], typer.Option("--set", help="Only the members of this indicator set (grouped by outcome and enabler when the set is).")] = None,
    outcome: Annotated[Optional[str], typer.Option("--outcome", help="Only indicators of this outcome: a Data Checklist number (1-24) or a framework outcome or enabler id (e.g. nf-safe).")] = None,
    catalogue: CatalogueOption = None,
    output: OutputOption = None,
) -> None:
    """One line per indicator: id, status, measure type, name."""
    refuse_overwrite([catalogue], [("--output", output)])
    cat = _catalogue(catalogue)
    indicators = cat.indicators
    chosen = list(indicators)
    if set_ is not None:
        sets = cat.indicator_sets
        if set_ not in sets:
            raise UsageError(f"no indicator set {set_!r}; the sets are: {', '.join(sorted(sets))}")
        if sets[set_].get("groups") and outcome is None:
            emit("\n".join(_grouped(sets[set_], cat)) + "\n", output)
            return
        chosen = [m for m in sets[set_]["members"] if m in indicators]
    if outcome is not None:
        if outcome.isdigit():
            number = int(outcome)
            if number not in cat.outcomes:
                raise UsageError(f"no outcome {number}; outcomes are numbered {min(cat.outcomes)}-{max(cat.outcomes)}")
            chosen = [i for i in chosen if number in (indicators[i].get("outcomes") or [])]
        else:
            if outcome not in cat.framework_outcomes:
                known = ", ".join(sorted(cat.framework_outcomes)) or "none in this catalogue"
                raise UsageError(f"no outcome {outcome!r}; give a Data Checklist number (1-24) or one of: {known}")
            chosen = [i for i in chosen if outcome in (indicators[i].get("framework_outcomes") or [])]
    width = max((len(i) for i in chosen), default=0)
    lines = [f"{i:<{width}}  {indicators[i]['status']:<10}  {indicators[i]['measure_type']:<10}  {indicators[i]['name']}"
             for i in sorted(chosen)]
    lines.append(f"{len(chosen)} indicator(s), framework {cat.version}")
    emit("\n".join(lines) + "\n", output)


def _text(ind: dict, cat) -> str:
    out = [f"{ind['id']}  (version {ind['version']}, {ind['status']}, evidence {ind['evidence']})", ind["name"], ""]
    out.append(f"Definition: {ind['definition']}")
    for q in ("numerator", "denominator"):
        if q in ind:
            out.append(f"{q.capitalize()}: {ind[q]['description']} [source: {ind[q]['source']}]")
    if "multiplier" in ind:
        out.append(f"Multiplier: {ind['multiplier']:g}")
    out.append(f"Measure: {ind['measure_type']}, {ind['unit']}, {ind['decimal_places']} dp ({ind['rounding']})")
    p = ind["period"]
    out.append(f"Period: {p['kind']}, {p['year_convention'].replace('_', ' ')}, reference date {p['reference_date']}"
               + (f", length {p['length']}" if p.get("length") else "")
               + (f", population estimate {p['population_vintage'].replace('_', ' ')}" if p.get("population_vintage") else ""))
    if ind.get("outcomes"):
        out.append("Outcomes: " + "; ".join(f"{n} {cat.outcomes[n]['name']}" for n in ind["outcomes"] if n in cat.outcomes))
    framework_outcomes = cat.framework_outcomes
    for ident in ind.get("framework_outcomes") or []:
        item = framework_outcomes.get(ident, {})
        fw = cat.outcome_frameworks.get(item.get("framework"), {})
        out.append(f"{item.get('kind', 'outcome').capitalize()} of {fw.get('name', '?')}: {item.get('number', '?')} "
                   f"{item.get('name', ident)} [{ident}]")
    if ind.get("supersedes") or ind.get("superseded_by"):
        for key in ("supersedes", "superseded_by"):
            value = ind.get(key)
            if value:
                out.append(f"{key.replace('_', ' ').capitalize()}: {', '.join(value) if isinstance(value, list) else value}")
    if ind.get("disaggregations"):
        out.append("Breakdowns: " + ", ".join(d["topic"] for d in ind["disaggregations"]))
    out.append(f"Hoped-for direction: {ind['interpretation']['hoped_for_direction']}. {ind['interpretation']['caveat']}")
    for c in ind.get("caveats") or []:
        out.append(f"Caveat: {c}")
    return "\n".join(out) + "\n"


@app.command("show")
def show(
    indicator_id: Annotated[str, typer.Argument(metavar="ID", help="Indicator id, e.g. cla_rate_31mar.")],
    format: Annotated[ShowFormat, typer.Option("--format", "-f", help="How to print it.")] = ShowFormat.text,
    catalogue: CatalogueOption = None,
    output: OutputOption = None,
) -> None:
    """Everything the standard says about one indicator."""
    refuse_overwrite([catalogue], [("--output", output)])
    cat = _catalogue(catalogue)
    ind = cat.indicators.get(indicator_id)
    if ind is None:
        import difflib

        near = difflib.get_close_matches(indicator_id, list(cat.indicators), n=3)
        hint = f" Did you mean: {', '.join(near)}?" if near else " Run `csc-outcomes indicators list`."
        raise UsageError(f"no indicator {indicator_id!r} in framework {cat.version}.{hint}")
    if format is ShowFormat.json:
        emit(json.dumps(ind, indent=2, ensure_ascii=False), output)
    elif format is ShowFormat.yaml:
        import yaml

        emit(yaml.safe_dump(ind, sort_keys=False, allow_unicode=True), output)
    else:
        emit(_text(ind, cat), output)
