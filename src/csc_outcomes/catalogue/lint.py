"""What no schema can say: uniqueness across files, references, cycles, coverage, overlaps."""

from __future__ import annotations

import datetime
from collections import defaultdict
from pathlib import PurePosixPath
from typing import Any, Iterator

from csc_outcomes.catalogue import problems as P
from csc_outcomes.catalogue.source import Record, Source
from csc_outcomes.report import Issue

EXPECTED_MULTIPLIERS: dict[str, set[float]] = {
    "percentage": {100},
    "proportion": {1},
    "rate": {100, 1000, 10000, 100000},
}


def _ids(source: Source, key: str, id_key: str = "id") -> dict[Any, Record]:
    return {r.data[id_key]: r for r in source.of(key) if id_key in r.data}


def unique_ids(source: Source) -> Iterator[Issue]:
    for key, id_key in (("outcomes", "number"), ("data_sources", "id"), ("code_lists", "id"),
                        ("indicator_sets", "id"), ("indicators", "id"), ("outcome_frameworks", "id")):
        seen: dict[Any, Record] = {}
        for record in source.of(key):
            ident = record.data.get(id_key)
            if ident is None:
                continue
            if ident in seen:
                first = seen[ident]
                yield Issue(P.DUPLICATE_ID, f"{id_key} {ident!r} is also used in {first.file}"
                            + (f" at {first.where()}" if first.index is not None else ""),
                            file=record.file, field=record.where(id_key), cell=str(ident))
            else:
                seen[ident] = record
    # an indicator, set and code list share the id namespace of the framework's identifiers
    owners: dict[str, Record] = {}
    for key in ("indicators", "indicator_sets", "code_lists"):
        for record in source.of(key):
            ident = record.data.get("id")
            if isinstance(ident, str) and ident in owners and owners[ident].part.catalogue_key != key:
                yield Issue(P.DUPLICATE_ID, f"id {ident!r} is also the id of {owners[ident].file}",
                            file=record.file, field="id", cell=ident)
            elif isinstance(ident, str):
                owners.setdefault(ident, record)
    # outcomes and enablers are named by id across frameworks, so their ids are unique across them
    first_at: dict[str, str] = {}
    for record in source.of("outcome_frameworks"):
        for key in ("outcomes", "enablers"):
            for i, item in enumerate(record.data.get(key) or []):
                ident = item.get("id") if isinstance(item, dict) else None
                if not isinstance(ident, str):
                    continue
                here = f"{record.file} at {key}[{i}]"
                if ident in first_at:
                    yield Issue(P.DUPLICATE_ID, f"id {ident!r} is also used in {first_at[ident]}",
                                file=record.file, field=f"{key}[{i}].id", cell=ident)
                else:
                    first_at[ident] = here


def file_names(source: Source) -> Iterator[Issue]:
    for record in source.records:
        if record.part.list_key is None and record.part.id_key and record.part.catalogue_key != "framework":
            ident = record.data.get(record.part.id_key)
            stem = PurePosixPath(record.file).stem
            if ident is not None and str(ident) != stem:
                yield Issue(P.FILE_NAME, f"file is named {stem!r} but its id is {ident!r}",
                            file=record.file, field="id", cell=str(ident))


def _as_list(value: Any) -> list[Any]:
    """A slot that may hold one value or a list of them (supersedes was single before 1.1.0)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _framework_outcomes(source: Source) -> dict[str, tuple[Record, str, dict[str, Any]]]:
    """Every outcome and enabler of every framework by id: (framework record, field path, item).
    A framework whose outcomes are the catalogue's numbered ones gets ids FRAMEWORK-NUMBER."""
    out: dict[str, tuple[Record, str, dict[str, Any]]] = {}
    numbered = [r.data for r in source.of("outcomes")]
    for record in source.of("outcome_frameworks"):
        fw_id = record.data.get("id")
        for key in ("outcomes", "enablers"):
            for i, item in enumerate(record.data.get(key) or []):
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    out.setdefault(item["id"], (record, f"{key}[{i}]", item))
        if record.data.get("outcomes_from_catalogue") and isinstance(fw_id, str):
            for o in numbered:
                if isinstance(o.get("number"), int):
                    out.setdefault(f"{fw_id}-{o['number']}", (record, "outcomes_from_catalogue", o))
    return out


def _refs(record: Record) -> Iterator[tuple[str, str, Any]]:
    """(field path, target catalogue key, referenced id) for every reference a record makes."""
    d = record.data
    key = record.part.catalogue_key
    if key == "indicators":
        for i, n in enumerate(d.get("outcomes") or []):
            yield f"outcomes[{i}]", "outcomes", n
        for i, n in enumerate(d.get("framework_outcomes") or []):
            yield f"framework_outcomes[{i}]", "framework_outcomes", n
        for i, s in enumerate(d.get("data_sources") or []):
            yield f"data_sources[{i}]", "data_sources", s
        for q in ("numerator", "denominator"):
            if isinstance(d.get(q), dict) and "source" in d[q]:
                yield f"{q}.source", "data_sources", d[q]["source"]
        for i, dis in enumerate(d.get("disaggregations") or []):
            if isinstance(dis, dict) and "code_list" in dis:
                yield f"disaggregations[{i}].code_list", "code_lists", dis["code_list"]
        for q in ("supersedes", "superseded_by"):
            values = _as_list(d.get(q))
            for i, v in enumerate(values):
                yield (f"{q}[{i}]" if isinstance(d.get(q), list) else q), "indicators", v
    elif key == "indicator_sets":
        for i, m in enumerate(d.get("members") or []):
            yield f"members[{i}]", "indicators", m
        if "framework" in d:
            yield "framework", "outcome_frameworks", d["framework"]
        for g, group in enumerate(d.get("groups") or []):
            if not isinstance(group, dict):
                continue
            if "outcome" in group:
                yield f"groups[{g}].outcome", "framework_outcomes", group["outcome"]
            for e, entry in enumerate(group.get("entries") or []):
                if isinstance(entry, dict) and "indicator" in entry:
                    yield f"groups[{g}].entries[{e}].indicator", "indicators", entry["indicator"]
    elif key == "code_lists" and "source" in d:
        yield "source", "data_sources", d["source"]


def references(source: Source) -> Iterator[Issue]:
    known = {
        "outcomes": set(_ids(source, "outcomes", "number")),
        "data_sources": set(_ids(source, "data_sources")),
        "code_lists": set(_ids(source, "code_lists")),
        "indicators": set(_ids(source, "indicators")),
        "outcome_frameworks": set(_ids(source, "outcome_frameworks")),
        "framework_outcomes": set(_framework_outcomes(source)),
    }
    for record in source.records:
        for field, target, ident in _refs(record):
            if isinstance(ident, (str, int)) and ident not in known[target]:
                what = target.replace("_", " ").rstrip("s")
                yield Issue(P.DANGLING, f"no {what} with id {ident!r} in this catalogue",
                            file=record.file, field=record.where(field), cell=str(ident))


def multipliers(source: Source) -> Iterator[Issue]:
    for record in source.of("indicators"):
        expected = EXPECTED_MULTIPLIERS.get(record.data.get("measure_type"))
        mult = record.data.get("multiplier")
        if expected and isinstance(mult, (int, float)) and mult not in expected:
            yield Issue(P.RATIO_MULTIPLIER, f"a {record.data['measure_type']} has multiplier "
                        f"{' or '.join(str(e) for e in sorted(expected))}, not {mult}",
                        file=record.file, field="multiplier", cell=str(mult))


def quantity_sources(source: Source) -> Iterator[Issue]:
    for record in source.of("indicators"):
        listed = set(record.data.get("data_sources") or [])
        for q in ("numerator", "denominator"):
            src = (record.data.get(q) or {}).get("source") if isinstance(record.data.get(q), dict) else None
            if src and listed and src not in listed:
                yield Issue(P.SOURCE_NOT_LISTED, f"{q} comes from {src!r}, which data_sources does not list",
                            file=record.file, field=f"{q}.source", cell=src)


def supersession(source: Source) -> Iterator[Issue]:
    inds = _ids(source, "indicators")
    for ident, record in inds.items():
        for here, there in (("supersedes", "superseded_by"), ("superseded_by", "supersedes")):
            for other in _as_list(record.data.get(here)):
                if isinstance(other, str) and other in inds and ident not in _as_list(inds[other].data.get(there)):
                    yield Issue(P.SUPERSESSION_ONE_WAY, f"{ident} says {here} {other}, but {other} does not say {there} {ident}",
                                file=record.file, field=here, cell=other)
    # cycles along supersedes (an indicator may supersede several)
    reported: set[frozenset[str]] = set()

    def walk(path: list[str]) -> Iterator[list[str]]:
        for node in _as_list(inds[path[-1]].data.get("supersedes")):
            if node == path[0]:
                yield path
            elif isinstance(node, str) and node in inds and node not in path:
                yield from walk(path + [node])

    for start in inds:
        for path in walk([start]):
            cycle = frozenset(path)
            if cycle not in reported:
                reported.add(cycle)
                yield Issue(P.SUPERSESSION_CYCLE, " -> ".join(path + [start]),
                            file=inds[start].file, field="supersedes", cell=str(inds[start].data.get("supersedes")))


def outcome_coverage(source: Source) -> Iterator[Issue]:
    """Every outcome has an indicator, if only a draft; an outcome or enabler of another
    framework may instead say, in `no_indicator`, why it has none yet (and then must have none)."""
    covered = {n for r in source.of("indicators") for n in (r.data.get("outcomes") or [])}
    for number, record in _ids(source, "outcomes", "number").items():
        if number not in covered:
            yield Issue(P.OUTCOME_UNCOVERED, f"outcome {number} ({record.data.get('name', '?')}) is measured by no indicator",
                        file=record.file, field=record.where("number"), cell=str(number))
    measured_by: dict[str, list[str]] = defaultdict(list)
    for r in source.of("indicators"):
        for n in r.data.get("framework_outcomes") or []:
            measured_by[n].append(str(r.data.get("id")))
    for ident, (record, where, item) in _framework_outcomes(source).items():
        if where == "outcomes_from_catalogue":
            continue  # the numbered outcomes, checked above
        kind = item.get("kind", "outcome")
        if not measured_by[ident] and not item.get("no_indicator"):
            yield Issue(P.OUTCOME_UNCOVERED, f"{kind} {ident} ({item.get('name', '?')}) is measured by no indicator "
                        "and does not say why (no_indicator)", file=record.file, field=f"{where}.id", cell=ident)
        elif measured_by[ident] and item.get("no_indicator"):
            yield Issue(P.OUTCOME_NO_INDICATOR_CONTRADICTED, f"{kind} {ident} says it has no indicator, but "
                        f"{', '.join(sorted(measured_by[ident]))} measure(s) it", file=record.file,
                        field=f"{where}.no_indicator", cell=ident)


def _date(value: Any, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except (TypeError, ValueError):
        return default  # a malformed date is the schema check's to report


def code_validity(source: Source) -> Iterator[Issue]:
    for record in source.of("code_lists"):
        spans: dict[tuple[str, str], list[tuple[datetime.date, datetime.date, int]]] = defaultdict(list)
        for i, code in enumerate(record.data.get("codes") or []):
            if not isinstance(code, dict):
                continue
            start = _date(code.get("valid_from"), datetime.date.min)
            end = _date(code.get("valid_to"), datetime.date.max)
            if end < start:
                yield Issue(P.CODE_DATES, f"code {code.get('code')!r} is valid from {start} to {end}",
                            file=record.file, field=f"codes[{i}].valid_to", cell=str(code.get("valid_to")))
                continue
            for notation in ("code", "legacy_code"):
                value = code.get(notation)
                if value is None:
                    continue
                for other_start, other_end, j in spans[(notation, str(value))]:
                    if start <= other_end and other_start <= end:
                        yield Issue(P.CODE_OVERLAP, f"{notation} {value!r} is valid at the same time in codes[{j}] and codes[{i}]",
                                    file=record.file, field=f"codes[{i}].{notation}", cell=str(value))
                spans[(notation, str(value))].append((start, end, i))


def set_members(source: Source) -> Iterator[Issue]:
    for record in source.of("indicator_sets"):
        seen: set[str] = set()
        for i, member in enumerate(record.data.get("members") or []):
            if member in seen:
                yield Issue(P.SET_DUPLICATE, f"{member} is listed more than once", file=record.file,
                            field=f"members[{i}]", cell=str(member))
            seen.add(member)


def set_groups(source: Source) -> Iterator[Issue]:
    """A set's groups follow its framework, and each entry is a real breakdown of a member that
    serves the group's outcome (or is marked contextual); a published figure is given once."""
    inds = _ids(source, "indicators")
    lists = _ids(source, "code_lists")
    frameworks = _ids(source, "outcome_frameworks")
    outcomes = _framework_outcomes(source)
    for record in source.of("indicator_sets"):
        groups = record.data.get("groups") or []
        if not groups:
            continue
        members = set(record.data.get("members") or [])
        fw_id = record.data.get("framework")
        fw = frameworks.get(fw_id)
        if fw is None:
            yield Issue(P.SET_GROUP, "a set with groups names the framework they follow (framework)",
                        file=record.file, field="framework", cell=str(fw_id))
        expected = [o for o, (r, _, _) in outcomes.items() if fw is not None and r is fw]
        seen_outcomes: list[str] = []
        figures: dict[int, str] = {}
        for g, group in enumerate(groups):
            if not isinstance(group, dict):
                continue
            outcome = group.get("outcome")
            if fw is not None and outcome in outcomes and outcome not in expected:
                yield Issue(P.SET_GROUP, f"{outcome} is not an outcome or enabler of {fw_id}",
                            file=record.file, field=f"groups[{g}].outcome", cell=str(outcome))
            if outcome in seen_outcomes:
                yield Issue(P.SET_GROUP, f"{outcome} has two groups", file=record.file,
                            field=f"groups[{g}].outcome", cell=str(outcome))
            seen_outcomes.append(outcome)
            for e, entry in enumerate(group.get("entries") or []):
                if not isinstance(entry, dict):
                    continue
                at = f"groups[{g}].entries[{e}]"
                ident = entry.get("indicator")
                ind = inds.get(ident)
                if ident not in members:
                    yield Issue(P.SET_ENTRY, f"{ident} is not a member of the set", file=record.file,
                                field=f"{at}.indicator", cell=str(ident))
                if ind is None:
                    continue  # a dangling reference, reported by references()
                topic, code = entry.get("breakdown_topic"), entry.get("breakdown")
                if (topic is None) != (code is None):
                    yield Issue(P.SET_ENTRY, "give breakdown_topic and breakdown together", file=record.file,
                                field=f"{at}.breakdown_topic", cell=str(topic or code))
                elif topic is not None:
                    declared = {d.get("topic"): d for d in ind.data.get("disaggregations") or [] if isinstance(d, dict)}
                    if topic not in declared:
                        yield Issue(P.SET_ENTRY, f"{ident} declares no breakdown {topic!r}"
                                    f" (it has: {', '.join(map(str, declared)) or 'none'})", file=record.file,
                                    field=f"{at}.breakdown_topic", cell=str(topic))
                    else:
                        codes = {str(c.get("code")) for c in (lists.get(declared[topic].get("code_list")).data.get("codes") or [])
                                 if isinstance(c, dict)} if declared[topic].get("code_list") in lists else None
                        if codes is not None and str(code) not in codes:
                            yield Issue(P.SET_ENTRY, f"{code!r} is not a code of {declared[topic].get('code_list')}",
                                        file=record.file, field=f"{at}.breakdown", cell=str(code))
                serves = outcome in (ind.data.get("framework_outcomes") or [])
                if entry.get("contextual") and serves:
                    yield Issue(P.SET_ENTRY, f"the entry is contextual, but {ident} names {outcome} in framework_outcomes",
                                file=record.file, field=f"{at}.contextual", cell=str(ident))
                elif not entry.get("contextual") and not serves and outcome in outcomes:
                    yield Issue(P.SET_ENTRY, f"{ident} does not name {outcome} in framework_outcomes "
                                "(add it there, or mark the entry contextual)", file=record.file,
                                field=f"{at}.indicator", cell=str(ident))
                for n in entry.get("dashboard_figures") or []:
                    if n in figures:
                        yield Issue(P.SET_FIGURE_TWICE, f"figure {n} is also given at {figures[n]}",
                                    file=record.file, field=f"{at}.dashboard_figures", cell=str(n))
                    else:
                        figures[n] = at
        for outcome in expected:
            if outcome not in seen_outcomes:
                item = outcomes[outcome][2]
                yield Issue(P.SET_GROUP, f"{outcome} ({item.get('name', '?')}) of {fw_id} has no group "
                            "(give it one, with no entries if it has no indicator)", file=record.file,
                            field="groups", cell=outcome)


LINTS = (unique_ids, file_names, references, multipliers, quantity_sources, supersession,
         outcome_coverage, code_validity, set_members, set_groups)


def lint(source: Source) -> list[Issue]:
    return [issue for rule in LINTS for issue in rule(source)]
