"""The SSDA903 XML return and the CIN census XML, flattened into the record tables' columns.

XML is parsed one record element at a time (a national file never sits in memory) by the
standard library's C parser, after a file that declares a DTD (where entity expansion and
external entities live) has been refused: without a DTD no entity can be defined, so neither
"billion laughs" nor external entities can happen. defusedxml would give the same protection,
but its parser runs every callback in Python: on a national CIN census (100,000 children) it
took three times as long, so the check is done up front instead. Each record becomes a row
of text cells written to a temporary CSV per table; DuckDB then reads each CSV once (no
row-by-row INSERTs). Elements the model has no column for are not dropped silently: their names
are counted and reported.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from csc_outcomes.records import model
from csc_outcomes.validators.reading import InputError


@dataclass
class Sink:
    """Temporary CSVs, one per table; rows are text cells in the table's column order."""

    folder: Path
    writers: dict[str, Any] = field(default_factory=dict)
    handles: dict[str, IO[str]] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    paths: dict[str, Path] = field(default_factory=dict)

    names: dict[str, list[str]] = field(default_factory=dict)

    def add(self, table: str, values: dict[str, str | None], file: str, group: str) -> None:
        names = self.names.get(table)
        if names is None:
            names = self.names[table] = model.tables()[table].names
            path = self.folder / f"{table}.csv"
            handle = path.open("w", encoding="utf-8", newline="")
            self.handles[table], self.paths[table] = handle, path
            self.writers[table] = csv.writer(handle)
            self.writers[table].writerow([*names, "_file", "_row", "_group"])
        key = (table, file)
        n = self.counts[key] = self.counts[key] + 1
        get = values.get
        self.writers[table].writerow([*(get(c) for c in names), file, n, group])

    def close(self) -> dict[str, Path]:
        for h in self.handles.values():
            h.close()
        return dict(self.paths)


def _text(el: Any) -> str | None:
    t = el.text
    if t is None:
        return None
    t = t.strip()
    return t or None


def _leaves(el: Any) -> dict[str, str | None]:
    return {c.tag: _text(c) for c in el if len(c) == 0}


def _refuse_dtd(path: Path) -> None:
    """Refuse a file whose prolog (the text before the root element) declares a DTD or entities."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16).decode("utf-8", errors="replace")
    prolog = re.sub(r"<\?.*?\?>|<!--.*?-->", "", head, flags=re.S)
    root = re.search(r"<[A-Za-z_]", prolog)
    before = prolog[: root.start()] if root else prolog
    if "<!DOCTYPE" in before.upper() or "<!ENTITY" in before.upper():
        raise InputError(f"{path}: the XML declares a DTD or entities, which are refused for safety; "
                         "export the file without a DOCTYPE")
    if root is None:
        raise InputError(f"{path}: no root element in the first 64 KB; not an SSDA903 or CIN census export")


def _iterparse(path: Path, tags: frozenset[str]):
    """Yield each complete element named in `tags`, then drop it; parse errors become InputError."""
    from xml.etree.ElementTree import ParseError, iterparse

    _refuse_dtd(path)
    try:
        stack: list[Any] = []
        for event, el in iterparse(str(path), events=("start", "end")):
            if event == "start":
                stack.append(el)
                continue
            stack.pop()
            if el.tag in tags:
                yield el
                # drop the finished element from its parent, so a national file never accumulates
                if stack:
                    stack[-1].remove(el)
                el.clear()
    except ParseError as exc:
        line, col = getattr(exc, "position", (None, None))
        raise InputError(f"{path}: not well-formed XML at line {line}, column {col}: {exc}") from exc


# SSDA903 XML: which table a HEADER-level element belongs to, and the XML names that differ.
_903_RENAME = {"CHILDID": "CHILD", "PL": "PLACE"}
_903_CONTAINERS = {"AREVIEW": "ssda903_reviews", "AMISSING": "ssda903_missing", "PERMANENCE": "ssda903_prevperm",
                   "OC2": "ssda903_oc2", "OC3": "ssda903_oc3", "AD_PLACED": "ssda903_placedadoption",
                   "EPISODE": "ssda903_episodes", "SWEPISODE": "ssda903_swepisodes",
                   "SW_EPISODE": "ssda903_swepisodes", "DOLO": "ssda903_dolo"}
_HEADER_LEVEL = {"ssda903_header", "ssda903_uasc", "ssda903_ad1", "ssda903_oc3"}


def read_903(path: Path, sink: Sink, group: str, unread: Counter) -> None:
    """One SSDA903 XML return: <EXPSSDA903><CHILD><HEADER>...</HEADER><EPISODE>...</EPISODE></CHILD>."""
    tables = model.tables()
    file = str(path)
    header_cols = {t: set(tables[t].names) for t in _HEADER_LEVEL}
    for child in _iterparse(path, frozenset({"CHILD"})):
        flat: dict[str, str | None] = {}
        subrecords: list[tuple[str, dict[str, str | None]]] = []

        def walk(el: Any) -> None:
            for c in el:
                if len(c) == 0:
                    flat[_903_RENAME.get(c.tag, c.tag)] = _text(c)
                elif c.tag == "HEADER":
                    walk(c)
                elif c.tag in _903_CONTAINERS:
                    subrecords.append((_903_CONTAINERS[c.tag],
                                       {_903_RENAME.get(k, k): v for k, v in _leaves(c).items()}))
                else:
                    unread[f"SSDA903 XML element <{c.tag}>"] += 1

        walk(child)
        base = {"CHILD": flat.get("CHILD"), "DOB": flat.get("DOB"), "SEX": flat.get("SEX")}
        used = {"CHILD", "DOB", "SEX", "UASC"}
        sink.add("ssda903_header", flat, file, group)
        used |= header_cols["ssda903_header"]
        if (flat.get("UASC") or "").upper() in ("1", "TRUE", "Y", "YES") or flat.get("DUC"):
            sink.add("ssda903_uasc", flat, file, group)
        used |= header_cols["ssda903_uasc"]
        for table, trigger in (("ssda903_ad1", ("DATE_INT", "DATE_MATCH")), ("ssda903_oc3", ("IN_TOUCH",))):
            if any(flat.get(k) for k in trigger):
                sink.add(table, flat, file, group)
            used |= header_cols[table]
        for name in flat.keys() - used:
            unread[f"SSDA903 XML element <{name}>"] += 1
        for table, values in subrecords:
            sink.add(table, {**base, **values}, file, group)
            for name in values.keys() - model.column_set(table):
                unread[f"SSDA903 XML element <{name}> in a {table} record"] += 1


# CIN census XML
_CIN_CHILD_LEVEL = {"ChildIdentifiers": "cin_childidentifiers", "ChildCharacteristics": "cin_childcharacteristics"}


def _id(*parts: str | None) -> str:
    return "/".join(p or "?" for p in parts)


def read_cin(path: Path, sink: Sink, group: str, unread: Counter) -> None:
    """One CIN census: <Message><Header>...</Header><Children><Child>...</Child></Children></Message>."""
    tables = model.tables()
    file = str(path)
    header_seen = False
    n_child = 0

    def note_unknown(values: dict, table: str, where: str) -> None:
        for name in values.keys() - model.column_set(table):
            unread[f"CIN element <{name}> in {where}"] += 1

    for el in _iterparse(path, frozenset({"Header", "Child"})):
        if el.tag == "Header":
            values: dict[str, str | None] = {}
            for part in el:
                values.update(_leaves(part))
            sink.add("cin_header", values, file, group)
            header_seen = True
            continue
        n_child += 1
        ids = el.find("ChildIdentifiers")
        child_id = _text(ids.find("LAchildID")) if ids is not None and ids.find("LAchildID") is not None else None
        base = {"LAchildID": child_id}
        for c in el:
            if c.tag == "ChildIdentifiers":
                values = _leaves(c)
                sink.add("cin_childidentifiers", values, file, group)
                note_unknown(values, "cin_childidentifiers", "ChildIdentifiers")
            elif c.tag == "ChildCharacteristics":
                values = _leaves(c)
                sink.add("cin_childcharacteristics", {**base, **values}, file, group)
                note_unknown(values, "cin_childcharacteristics", "ChildCharacteristics")
                for dis in c.iter("Disability"):
                    sink.add("cin_disabilities", {**base, "Disability": _text(dis)}, file, group)
            elif c.tag == "CINdetails":
                _cin_details(c, base, child_id, sink, file, group, unread, note_unknown, n_child)
            else:
                unread[f"CIN element <{c.tag}> in Child"] += 1
    if not header_seen:
        unread["CIN census without a <Header>"] += 1


def _cin_details(c: Any, base: dict, child_id: str | None, sink: Sink, file: str, group: str, unread: Counter,
                 note_unknown: Any, n_child: int) -> None:
    values = _leaves(c)
    ref = values.get("CINreferralDate")
    details_id = _id(child_id, ref) if ref else _id(child_id, f"{Path(file).name}#{n_child}.{sink.counts[('cin_cindetails', file)] + 1}")
    row = {**base, **values, "CINdetailsID": details_id}
    sink.add("cin_cindetails", row, file, group)
    note_unknown(values, "cin_cindetails", "CINdetails")
    under = {**base, "CINdetailsID": details_id}
    for sub in c:
        if len(sub) == 0:
            continue
        if sub.tag == "Assessments":
            a = _leaves(sub)
            aid = _id(details_id, a.get("AssessmentActualStartDate") or f"#{sink.counts[('cin_assessments', file)] + 1}")
            sink.add("cin_assessments", {**under, **a, "AssessmentID": aid}, file, group)
            note_unknown({k: v for k, v in a.items() if k != "FactorsIdentifiedAtAssessment"}, "cin_assessments",
                         "Assessments")
            for f in sub.iter("AssessmentFactors"):
                sink.add("cin_assessmentfactorslist", {**under, "AssessmentID": aid, "AssessmentFactor": _text(f)},
                         file, group)
        elif sub.tag == "CINPlanDates":
            v = _leaves(sub)
            sink.add("cin_cinplandates", {**under, **v}, file, group)
            note_unknown(v, "cin_cinplandates", "CINPlanDates")
        elif sub.tag == "Section47":
            v = _leaves(sub)
            sink.add("cin_section47", {**under, **v}, file, group)
            note_unknown(v, "cin_section47", "Section47")
        elif sub.tag == "ChildProtectionPlans":
            v = _leaves(sub)
            cpp_id = _id(details_id, v.get("CPPstartDate") or f"#{sink.counts[('cin_childprotectionplans', file)] + 1}")
            sink.add("cin_childprotectionplans", {**under, **v, "CPPID": cpp_id}, file, group)
            note_unknown(v, "cin_childprotectionplans", "ChildProtectionPlans")
            for r in sub.iter("CPPreviewDate"):
                sink.add("cin_reviews", {**under, "CPPID": cpp_id, "CPPreviewDate": _text(r)}, file, group)
        else:
            unread[f"CIN element <{sub.tag}> in CINdetails"] += 1
