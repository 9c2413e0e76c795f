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
                        ("indicator_sets", "id"), ("indicators", "id")):
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


def file_names(source: Source) -> Iterator[Issue]:
    for record in source.records:
        if record.part.list_key is None and record.part.id_key and record.part.catalogue_key != "framework":
            ident = record.data.get(record.part.id_key)
            stem = PurePosixPath(record.file).stem
            if ident is not None and str(ident) != stem:
                yield Issue(P.FILE_NAME, f"file is named {stem!r} but its id is {ident!r}",
                            file=record.file, field="id", cell=str(ident))


def _refs(record: Record) -> Iterator[tuple[str, str, Any]]:
    """(field path, target catalogue key, referenced id) for every reference a record makes."""
    d = record.data
    key = record.part.catalogue_key
    if key == "indicators":
        for i, n in enumerate(d.get("outcomes") or []):
            yield f"outcomes[{i}]", "outcomes", n
        for i, s in enumerate(d.get("data_sources") or []):
            yield f"data_sources[{i}]", "data_sources", s
        for q in ("numerator", "denominator"):
            if isinstance(d.get(q), dict) and "source" in d[q]:
                yield f"{q}.source", "data_sources", d[q]["source"]
        for i, dis in enumerate(d.get("disaggregations") or []):
            if isinstance(dis, dict) and "code_list" in dis:
                yield f"disaggregations[{i}].code_list", "code_lists", dis["code_list"]
        for q in ("supersedes", "superseded_by"):
            if q in d:
                yield q, "indicators", d[q]
    elif key == "indicator_sets":
        for i, m in enumerate(d.get("members") or []):
            yield f"members[{i}]", "indicators", m
    elif key == "code_lists" and "source" in d:
        yield "source", "data_sources", d["source"]


def references(source: Source) -> Iterator[Issue]:
    known = {
        "outcomes": set(_ids(source, "outcomes", "number")),
        "data_sources": set(_ids(source, "data_sources")),
        "code_lists": set(_ids(source, "code_lists")),
        "indicators": set(_ids(source, "indicators")),
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
            other = record.data.get(here)
            if isinstance(other, str) and other in inds and inds[other].data.get(there) != ident:
                yield Issue(P.SUPERSESSION_ONE_WAY, f"{ident} says {here} {other}, but {other} does not say {there} {ident}",
                            file=record.file, field=here, cell=other)
    # cycles along supersedes
    reported: set[frozenset[str]] = set()
    for start in inds:
        path, node = [start], inds[start].data.get("supersedes")
        while isinstance(node, str) and node in inds and node not in path:
            path.append(node)
            node = inds[node].data.get("supersedes")
        if node == start:
            cycle = frozenset(path)
            if cycle not in reported:
                reported.add(cycle)
                yield Issue(P.SUPERSESSION_CYCLE, " -> ".join(path + [start]),
                            file=inds[start].file, field="supersedes", cell=str(inds[start].data.get("supersedes")))


def outcome_coverage(source: Source) -> Iterator[Issue]:
    covered = {n for r in source.of("indicators") for n in (r.data.get("outcomes") or [])}
    for number, record in _ids(source, "outcomes", "number").items():
        if number not in covered:
            yield Issue(P.OUTCOME_UNCOVERED, f"outcome {number} ({record.data.get('name', '?')}) is measured by no indicator",
                        file=record.file, field=record.where("number"), cell=str(number))


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


LINTS = (unique_ids, file_names, references, multipliers, quantity_sources, supersession,
         outcome_coverage, code_validity, set_members)


def lint(source: Source) -> list[Issue]:
    return [issue for rule in LINTS for issue in rule(source)]
