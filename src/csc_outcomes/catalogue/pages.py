"""Markdown pages for the catalogue: one per indicator and per set, generated, never hand-written."""

from __future__ import annotations

from typing import Any

from csc_outcomes.catalogue.model import Catalogue


def _quantity(q: dict[str, Any], catalogue: Catalogue) -> list[str]:
    source = catalogue.data_sources.get(q["source"], {}).get("name", q["source"])
    text = f"{q['description']} *Source: {source}.*"
    if q.get("fields"):
        text += f" Fields: {', '.join(f'`{f}`' for f in q['fields'])}."
    if q.get("reported_decimal_places") is not None:
        text += f" Reported to {q['reported_decimal_places']} decimal place(s)."
    items = [f"- {title}: {item}" for key, title in (("inclusions", "Includes"), ("exclusions", "Excludes"))
             for item in q.get(key) or []]
    return [text, ""] + items if items else [text]


def indicator_page(ind: dict[str, Any], catalogue: Catalogue) -> str:
    period = ind["period"]
    out = [f"# {ind['name']}", "",
           f"`{ind['id']}` · version {ind['version']} · {ind['status']} · evidence: {ind['evidence']}", "",
           ind["definition"], ""]
    if ind.get("numerator"):
        out += ["## Numerator", "", *_quantity(ind["numerator"], catalogue), ""]
    if ind.get("denominator"):
        out += ["## Denominator", "", *_quantity(ind["denominator"], catalogue), ""]
    if ind.get("method"):
        out += ["## Method", "",
                "The numerator and denominator as SQL over the SSDA903 / CIN census record tables, one row "
                "per unit considered; part of the definition. Run it with `csc-outcomes compute`, or export "
                "it for another database with `csc-outcomes methods export`.", "",
                "```sql", ind["method"].rstrip("\n"), "```", ""]
    out += ["## Measure", "",
            "| aspect | |", "|---|---|",
            f"| type | {ind['measure_type']} |",
            *([f"| multiplier | {ind['multiplier']:g} |"] if ind.get("multiplier") is not None else []),
            f"| unit | {ind['unit']} |",
            f"| decimal places | {ind['decimal_places']} ({ind['rounding'].replace('_', ' ')}) |",
            f"| period | {period['kind']}, {period['year_convention'].replace('_', ' ')}, reference date "
            f"{period['reference_date'][2:]} (--MM-DD){', length ' + period['length'] if period.get('length') else ''} |"]
    if period.get("places_on"):
        out.append(f"| authorities placed on | {period['places_on'][2:]} (--MM-DD) of the period |")
    if period.get("population_vintage"):
        out.append(f"| population estimate | {period['population_vintage'].replace('_', ' ')} |")
    if ind.get("outcomes"):
        names = "; ".join(f"{n}. {catalogue.outcomes[n]['name']}" for n in ind["outcomes"] if n in catalogue.outcomes)
        out.append(f"| outcomes | {names} |")
    framework_outcomes = catalogue.framework_outcomes
    for ident in ind.get("framework_outcomes") or []:
        item = framework_outcomes.get(ident, {})
        fw = catalogue.outcome_frameworks.get(item.get("framework"), {})
        out.append(f"| {item.get('kind', 'outcome')} of [{fw.get('name', '?')}](../frameworks/{item.get('framework')}.md) "
                   f"| {item.get('number', '?')}. {item.get('name', ident)} |")
    if ind.get("disaggregations"):
        topics = ", ".join(f"{d['topic']} ({d['code_list']})" for d in ind["disaggregations"])
        out.append(f"| breakdowns | {topics} |")
    sources = ", ".join(catalogue.data_sources.get(s, {}).get("name", s) for s in ind["data_sources"])
    out += [f"| data sources | {sources} |", ""]
    interp = ind["interpretation"]
    out += ["## How to read it", "", f"Hoped-for direction: **{interp['hoped_for_direction'].replace('_', ' ')}**. "
            f"{interp['caveat']}", ""]
    if ind.get("caveats"):
        out += ["## Caveats", "", *[f"- {c}" for c in ind["caveats"]], ""]
    if ind.get("variants"):
        out += ["## Known variants", ""]
        for v in ind["variants"]:
            used = f" Used by: {v['used_by']}." if v.get("used_by") else ""
            out.append(f"- **{v['match']} match**, differs in {', '.join(v['differs_in'])}: {v['description']}{used}")
        out.append("")
    for key, title in (("supersedes", "Supersedes"), ("superseded_by", "Superseded by")):
        targets = ind.get(key) if isinstance(ind.get(key), list) else [ind[key]] if ind.get(key) else []
        if targets:
            out += [f"{title}: " + ", ".join(f"[`{t}`]({t}.md)" for t in targets), ""]
    if ind.get("references"):
        out += ["## References", "", *[f"- {r['citation']}" for r in ind["references"]], ""]
    return "\n".join(out)


def set_page(indicator_set: dict[str, Any], catalogue: Catalogue) -> str:
    out = [f"# {indicator_set['name']}", "", f"`{indicator_set['id']}` · owner: {indicator_set['owner']}", ""]
    if indicator_set.get("description"):
        out += [" ".join(indicator_set["description"].split()), ""]
    if indicator_set.get("groups"):
        return "\n".join(out + _groups(indicator_set, catalogue))
    out += ["| indicator | name | status | evidence |", "|---|---|---|---|"]
    for member in indicator_set["members"]:
        ind = catalogue.indicators.get(member)
        if ind:
            out.append(f"| [`{member}`](../indicators/{member}.md) | {ind['name']} | {ind['status']} | {ind['evidence']} |")
    return "\n".join(out) + "\n"


def _groups(indicator_set: dict[str, Any], catalogue: Catalogue) -> list[str]:
    """A grouped set: one section per outcome or enabler, one row per entry (indicator or breakdown)."""
    outcomes = catalogue.framework_outcomes
    out: list[str] = []
    for group in indicator_set["groups"]:
        item = outcomes.get(group["outcome"], {})
        out += [f"## {item.get('kind', 'outcome').capitalize()} {item.get('number', '?')}: {item.get('name', group['outcome'])}", ""]
        if not group.get("entries"):
            out += [f"No indicator. {' '.join(str(item.get('no_indicator', '')).split())}".rstrip(), ""]
            continue
        out += ["| figure | indicator | breakdown | name |", "|---|---|---|---|"]
        for e in group["entries"]:
            ind = catalogue.indicators.get(e["indicator"], {})
            breakdown = f"{e['breakdown_topic']}: {e['breakdown']}" if e.get("breakdown_topic") else "Total"
            figures = ", ".join(str(n) for n in e.get("dashboard_figures") or [])
            note = " *(contextual)*" if e.get("contextual") else ""
            out.append(f"| {figures} | [`{e['indicator']}`](../indicators/{e['indicator']}.md) | {breakdown} | "
                       f"{ind.get('name', '?')}{note} |")
        out.append("")
    return out


def framework_page(framework: dict[str, Any], catalogue: Catalogue) -> str:
    """An outcome framework: its outcomes and enablers, each with the indicators that measure it."""
    out = [f"# {framework['name']}", "", f"`{framework['id']}` · publisher: {framework['publisher']}"
           + (f" · published {framework['published']}" if framework.get("published") else ""), ""]
    if framework.get("description"):
        out += [" ".join(framework["description"].split()), ""]
    numbered = framework.get("outcomes_from_catalogue")
    for key, title in (("outcomes", "Outcomes"), ("enablers", "Enablers")):
        items = framework.get(key) or []
        if not items:
            continue
        out += [f"## {title}", ""]
        for item in items:
            measured = sorted(i for i, ind in catalogue.indicators.items()
                              if (item["number"] in (ind.get("outcomes") or []) if numbered
                                  else item["id"] in (ind.get("framework_outcomes") or [])))
            out += [f"### {item['number']}. {item['name']}", "", f"`{item['id']}`. {' '.join(item['definition'].split())}", ""]
            if measured:
                out += ["Measured by: " + ", ".join(f"[`{i}`](../indicators/{i}.md)" for i in measured), ""]
            else:
                out += [f"No indicator. {' '.join(str(item.get('no_indicator', '')).split())}".rstrip(), ""]
    if framework.get("caveats"):
        out += ["## Caveats", "", *[f"- {' '.join(c.split())}" for c in framework["caveats"]], ""]
    if framework.get("references"):
        out += ["## References", "", *[f"- {r['citation']}" for r in framework["references"]], ""]
    return "\n".join(out)


def index_page(catalogue: Catalogue) -> str:
    fw = catalogue.framework
    out = [f"# Catalogue, version {fw['version']}", "", " ".join(fw.get("description", "").split()), "",
           "## Indicator sets", ""]
    out += [f"- [{s['name']}](sets/{i}.md)" for i, s in sorted(catalogue.indicator_sets.items())]
    if catalogue.outcome_frameworks:
        out += ["", "## Outcome frameworks", ""]
        out += [f"- [{f['name']}](frameworks/{i}.md)" for i, f in sorted(catalogue.outcome_frameworks.items())]
    out += ["", "## Indicators", "", "| indicator | name | status |", "|---|---|---|"]
    out += [f"| [`{i}`](indicators/{i}.md) | {ind['name']} | {ind['status']} |"
            for i, ind in sorted(catalogue.indicators.items())]
    return "\n".join(out) + "\n"


def pages(catalogue: Catalogue) -> dict[str, str]:
    """Relative path -> Markdown, for every page of the catalogue."""
    out = {"index.md": index_page(catalogue)}
    out.update({f"indicators/{i}.md": indicator_page(ind, catalogue) for i, ind in catalogue.indicators.items()})
    out.update({f"sets/{i}.md": set_page(s, catalogue) for i, s in catalogue.indicator_sets.items()})
    out.update({f"frameworks/{i}.md": framework_page(f, catalogue) for i, f in catalogue.outcome_frameworks.items()})
    return out
