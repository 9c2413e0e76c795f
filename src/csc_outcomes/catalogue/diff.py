"""What changed between two versions of the standard, and whether it breaks comparability.

The policy (docs/versioning.md) in code: a change to who is counted or how (numerator,
denominator, period, multiplier, measure type, rounding, a breakdown or code taken away) is
major; something added or a deprecation is minor; wording and references are a patch. An
indicator removed without first being deprecated is refused. Each change is classified, the
bump it requires is compared with the versions the new catalogue declares, framework-wide and
per indicator, and any shortfall is a problem.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from csc_outcomes.catalogue.model import Catalogue, CatalogueReadError, load_catalogue

LEVELS = ("patch", "minor", "major")
# indicator fields whose change alters who is counted or how
MAJOR_FIELDS = ("measure_type", "numerator", "denominator", "multiplier", "decimal_places", "rounding", "period")
PATCH_FIELDS = ("name", "definition", "unit", "caveats", "references", "interpretation", "variants",
                "change_notes", "evidence", "data_sources")
MINOR_FIELDS = ("outcomes", "framework_outcomes", "supersedes", "superseded_by")


@dataclass
class Change:
    scope: str  # indicator, code_list, indicator_set, outcome, framework
    id: str
    field: str
    what: str  # added, removed, changed
    level: str  # patch, minor, major, refused
    detail: str = ""


@dataclass
class Diff:
    old_version: str
    new_version: str
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def required(self) -> str | None:
        levels = [c.level for c in self.changes if c.level in LEVELS]
        return max(levels, key=LEVELS.index) if levels else None

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"old_version": self.old_version, "new_version": self.new_version, "required_bump": self.required,
                "declared_bump": bump(self.old_version, self.new_version), "ok": self.ok,
                "problems": self.problems, "changes": [asdict(c) for c in self.changes]}


def _version(text: str) -> tuple[int, int, int]:
    try:
        major, minor, patch = (int(p) for p in str(text).split("."))
    except ValueError as exc:  # 1.x.0, 1.0, a date: the catalogue's version is not a version
        shown = str(text)[:40]
        raise CatalogueReadError(f"framework version {shown!r} is not MAJOR.MINOR.PATCH (e.g. 1.1.0); "
                                 "fix version in framework.yaml") from exc
    return major, minor, patch


def bump(old: str, new: str) -> str | None:
    """The bump `new` declares over `old`: major, minor, patch, None (same) or 'lower'."""
    a, b = _version(old), _version(new)
    if b < a:
        return "lower"
    if b == a:
        return None
    return "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "..."


def _leaves(value: Any, prefix: str) -> dict[str, Any]:
    """Flatten nested mappings to dotted paths; lists stay whole (their order is their meaning)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_leaves(v, f"{prefix}.{k}" if prefix else k))
        return out
    return {prefix: value}


def canonical_sql(sql: str) -> str:
    """The method as sqlglot parses it (DuckDB dialect), printed back: layout, comments and keyword
    case vanish, so two texts of the same query compare equal. Unparseable SQL is kept as written."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        return sqlglot.parse_one(sql, read="duckdb").sql(dialect="duckdb", comments=False)
    except SqlglotError:
        return sql


def _method_change(ident: str, old: str | None, new: str | None) -> list[Change]:
    """A method is part of the definition: a changed query is major, a re-formatted one no change.
    A method given where there was none is minor (the prose has not changed); one taken away is
    major (the figures can no longer be reproduced from the standard)."""
    if old == new:
        return []
    if old is None:
        return [Change("indicator", ident, "method", "added", "minor", "an executable method")]
    if new is None:
        return [Change("indicator", ident, "method", "removed", "major", "the executable method")]
    if canonical_sql(old) == canonical_sql(new):
        return []
    return [Change("indicator", ident, "method", "changed", "major",
                   "the method's SQL counts differently (parsed query changed)")]


def _indicator_changes(ident: str, old: dict, new: dict) -> list[Change]:
    changes = _method_change(ident, old.get("method"), new.get("method"))
    skip = ("id", "version", "status", "disaggregations", "method")
    a, b = _leaves({k: v for k, v in old.items() if k not in skip}, ""), \
        _leaves({k: v for k, v in new.items() if k not in skip}, "")
    for path in sorted(set(a) | set(b)):
        if a.get(path) == b.get(path):
            continue
        top = path.split(".")[0]
        level = ("major" if top in MAJOR_FIELDS else "patch" if top in PATCH_FIELDS
                 else "minor" if top in MINOR_FIELDS else "minor")
        what = "added" if path not in a else "removed" if path not in b else "changed"
        detail = f"{_short(a.get(path, ''))} -> {_short(b.get(path, ''))}" if what == "changed" else _short(
            b.get(path) if what == "added" else a.get(path))
        changes.append(Change("indicator", ident, path, what, level, detail))
    old_status, new_status = old.get("status"), new.get("status")
    if old_status != new_status:
        level = ("major" if new_status == "retired" else "minor")
        if new_status == "retired" and old_status != "deprecated":
            level = "refused"
        changes.append(Change("indicator", ident, "status", "changed", level, f"{old_status} -> {new_status}"))
    old_d = {d["topic"]: d for d in old.get("disaggregations") or []}
    new_d = {d["topic"]: d for d in new.get("disaggregations") or []}
    for topic in sorted(set(old_d) | set(new_d)):
        if topic not in new_d:
            changes.append(Change("indicator", ident, f"disaggregations[{topic}]", "removed", "major",
                                  "returns using this breakdown stop being valid"))
        elif topic not in old_d:
            changes.append(Change("indicator", ident, f"disaggregations[{topic}]", "added", "minor",
                                  "a new optional breakdown"))
        elif old_d[topic] != new_d[topic]:
            level = "major" if old_d[topic].get("code_list") != new_d[topic].get("code_list") else "minor"
            changes.append(Change("indicator", ident, f"disaggregations[{topic}]", "changed", level,
                                  f"{_short(old_d[topic])} -> {_short(new_d[topic])}"))
    return changes


def _code_list_changes(ident: str, old: dict, new: dict) -> list[Change]:
    changes = []
    a = {str(c["code"]): c for c in old.get("codes") or []}
    b = {str(c["code"]): c for c in new.get("codes") or []}
    for code in sorted(set(a) | set(b)):
        if code not in b:
            changes.append(Change("code_list", ident, f"codes[{code}]", "removed", "major",
                                  "a code taken away changes what returns may say"))
        elif code not in a:
            changes.append(Change("code_list", ident, f"codes[{code}]", "added", "minor", b[code].get("label", "")))
        elif a[code] != b[code]:
            meaning = {k for k in set(a[code]) | set(b[code]) if a[code].get(k) != b[code].get(k)}
            level = "patch" if meaning <= {"label", "description"} else "minor"
            changes.append(Change("code_list", ident, f"codes[{code}]", "changed", level, ", ".join(sorted(meaning))))
    for key in ("name", "description", "references", "source"):
        if old.get(key) != new.get(key):
            changes.append(Change("code_list", ident, key, "changed", "patch", ""))
    return changes


def _set_changes(ident: str, old: dict, new: dict) -> list[Change]:
    a, b = set(old["members"]), set(new["members"])
    changes = ([Change("indicator_set", ident, "members", "added", "minor", m) for m in sorted(b - a)]
               + [Change("indicator_set", ident, "members", "removed", "major", m) for m in sorted(a - b)])
    if (old.get("framework"), old.get("groups")) != (new.get("framework"), new.get("groups")):
        # grouping says where a member belongs; it never changes what a figure counts
        changes.append(Change("indicator_set", ident, "groups", "changed" if old.get("groups") else "added",
                              "minor", "arrangement by outcome and enabler"))
    for key in ("name", "description", "owner", "references"):
        if old.get(key) != new.get(key):
            changes.append(Change("indicator_set", ident, key, "changed", "patch", ""))
    return changes


def _framework_changes(ident: str, old: dict, new: dict) -> list[Change]:
    """An outcome or enabler added is minor, one taken away major (indicators may name it); wording a patch."""
    changes = []
    items_a = {i["id"]: i for k in ("outcomes", "enablers") for i in old.get(k) or []}
    items_b = {i["id"]: i for k in ("outcomes", "enablers") for i in new.get(k) or []}
    for item in sorted(set(items_a) | set(items_b)):
        if item not in items_b:
            changes.append(Change("outcome_framework", ident, f"outcomes[{item}]", "removed", "major",
                                  "indicators and sets naming it stop being valid"))
        elif item not in items_a:
            changes.append(Change("outcome_framework", ident, f"outcomes[{item}]", "added", "minor", items_b[item].get("name", "")))
        elif items_a[item] != items_b[item]:
            changes.append(Change("outcome_framework", ident, f"outcomes[{item}]", "changed", "patch", ""))
    rest_a = {k: v for k, v in old.items() if k not in ("outcomes", "enablers")}
    rest_b = {k: v for k, v in new.items() if k not in ("outcomes", "enablers")}
    for key in sorted(set(rest_a) | set(rest_b)):
        if rest_a.get(key) != rest_b.get(key):
            changes.append(Change("outcome_framework", ident, key, "changed", "patch", ""))
    return changes


def _collection(diff: Diff, scope: str, old: dict, new: dict, changes_of: Any) -> None:
    """Added (minor), removed (major) or changed (as `changes_of` says) members of one collection."""
    for ident in sorted(set(old) | set(new), key=str):
        if ident not in new:
            diff.changes.append(Change(scope, str(ident), "", "removed", "major", old[ident].get("name", "")))
        elif ident not in old:
            diff.changes.append(Change(scope, str(ident), "", "added", "minor", new[ident].get("name", "")))
        else:
            diff.changes.extend(changes_of(str(ident), old[ident], new[ident]))


_SEVERITY = ("info", "warning", "error")


def _checks(pack: dict[str, Any]) -> dict[tuple[str, str, str, int], dict[str, Any]]:
    """Every check of a pack under a stable name: (kind, type, field, n-th of that type and field)."""
    out: dict[tuple[str, str, str, int], dict[str, Any]] = {}
    for kind in ("row_checks", "queries", "set_queries"):
        for check in pack.get(kind, []):
            n = 0
            while (kind, check["type"], str(check.get("field")), n) in out:
                n += 1
            out[(kind, check["type"], str(check.get("field")), n)] = check
    return out


# Checks are compiled from the catalogue, so its lists appear in their SQL: a field's code list
# answered inline (a short list: NOT IN ('a', 'b')) or by a join with the list's table (a long
# one: t carries _in_<field>), the indicators a query applies to (IN ('cla_rate_31mar', ...)).
# Those lists are the catalogue's data, whose changes are classified above; a check is compared
# with its lists abstracted, and both forms of a code-list test read as the same check.
_LITERAL_LIST = re.compile(r"\bIN\s*\((?:\s*'(?:[^']|'')*'\s*,?)+\)")
_JOINED_LIST = re.compile(r"NOT _in_(\w+)")
_JOIN_COLUMN = re.compile(r",\s*e_(\w+)\.v\s+IS\s+NOT\s+NULL\s+AS\s+_in_\1")
_JOIN = re.compile(r"\s*LEFT\s+JOIN\s+enum_(\w+)\s+e_\1\s+ON\s+e_\1\.v\s*=\s*r\.\"\1\"")


def _data_free(sql: Any) -> Any:
    """A compiled check or setup statement with the catalogue's lists abstracted (see above)."""
    if not isinstance(sql, str):
        return sql
    sql = _LITERAL_LIST.sub("IN (<list>)", sql)
    sql = _JOINED_LIST.sub(lambda m: f'"{m.group(1)}" NOT IN (<list>)', sql)
    return " ".join(_JOIN.sub("", _JOIN_COLUMN.sub("", sql)).split())


def _rule_pack_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """How the checks of the standard changed, classified by what they do to a return's validity.

    A check added whose issues are errors, a changed condition or query, a severity raised, or a
    change to the SQL that prepares the return for the checks can make a return that passed fail:
    major. A check removed, a warning or note added, a severity lowered leave every valid return
    valid: minor. A changed message, title or hint is wording: patch. The reference tables are
    not compared here: they come from the catalogue, whose changes are classified above.
    """
    changes: list[Change] = []
    severity = {**{c: e["severity"] for c, e in old.get("errors", {}).items()},
                **{c: e["severity"] for c, e in new.get("errors", {}).items()}}
    a, b = _checks(old), _checks(new)
    for key in sorted(set(a) | set(b)):
        kind, etype, fieldname, n = key
        name = f"{etype}" + (f" on {fieldname}" if fieldname != "None" else "")
        if key not in b:
            changes.append(Change("rule", name, kind, "removed", "minor", "returns that passed still pass"))
        elif key not in a:
            level = "major" if severity.get(etype) == "error" else "minor"
            changes.append(Change("rule", name, kind, "added", level,
                                  "a return that passed may now fail" if level == "major" else "a new warning or note"))
        else:
            x, y = a[key], b[key]
            logic = [k for k in ("where", "sql", "requires", "relation") if _data_free(x.get(k)) != _data_free(y.get(k))]
            words = [k for k in ("message", "cell", "note") if x.get(k) != y.get(k)]
            if logic:
                changes.append(Change("rule", name, kind, "changed", "major",
                                      f"{', '.join(logic)} changed: which returns pass may change"))
            elif words:
                changes.append(Change("rule", name, kind, "changed", "patch", f"{', '.join(words)} changed"))
    old_errors, new_errors = old.get("errors", {}), new.get("errors", {})
    for code in sorted(set(old_errors) & set(new_errors)):
        x, y = old_errors[code], new_errors[code]
        if x["severity"] != y["severity"]:
            up = _SEVERITY.index(y["severity"]) > _SEVERITY.index(x["severity"])
            changes.append(Change("rule", code, "severity", "changed", "major" if up else "minor",
                                  f"{x['severity']} -> {y['severity']}"))
        wording = [k for k in ("title", "description", "hint") if x.get(k) != y.get(k)]
        if wording:
            changes.append(Change("rule", code, ", ".join(wording), "changed", "patch", ""))
    if [_data_free(s) for s in old.get("setup", []) + old.get("set_setup", [])] != \
            [_data_free(s) for s in new.get("setup", []) + new.get("set_setup", [])]:
        changes.append(Change("rule", "setup", "setup", "changed", "major",
                              "the SQL that prepares a return for the checks changed"))
    return changes


def compare(old: Catalogue, new: Catalogue, old_pack: dict[str, Any] | None = None,
            new_pack: dict[str, Any] | None = None) -> Diff:
    """The changes from old to new; with both rule packs, changed checks too."""
    diff = Diff(old.version, new.version)
    oi, ni = old.indicators, new.indicators
    for ident in sorted(set(oi) | set(ni)):
        if ident not in ni:
            deprecated = oi[ident].get("status") in ("deprecated", "retired")
            diff.changes.append(Change("indicator", ident, "", "removed", "major" if deprecated else "refused",
                                       "retired after deprecation" if deprecated else
                                       "removed without deprecation: deprecate it first (naming its successor)"))
        elif ident not in oi:
            diff.changes.append(Change("indicator", ident, "", "added", "minor", ni[ident]["name"]))
        else:
            changes = _indicator_changes(ident, oi[ident], ni[ident])
            diff.changes.extend(changes)
            levels = [c.level for c in changes if c.level in LEVELS]
            if levels:
                need = max(levels, key=LEVELS.index)
                declared = bump(str(oi[ident]["version"]), str(ni[ident]["version"]))
                if declared is None or declared == "lower" or LEVELS.index(declared) < LEVELS.index(need):
                    diff.problems.append(f"indicator {ident}: a {need} change needs its version raised from "
                                         f"{oi[ident]['version']} by at least a {need} bump (declares "
                                         f"{ni[ident]['version']})")
    _collection(diff, "code_list", old.code_lists, new.code_lists, _code_list_changes)
    _collection(diff, "indicator_set", old.indicator_sets, new.indicator_sets, _set_changes)
    _collection(diff, "outcome_framework", old.outcome_frameworks, new.outcome_frameworks, _framework_changes)
    _collection(diff, "outcome", old.outcomes, new.outcomes,
                lambda n, a, b: [] if a == b else [Change("outcome", n, "", "changed", "patch", "")])
    if old_pack is not None and new_pack is not None:
        diff.changes.extend(_rule_pack_changes(old_pack, new_pack))
    for c in diff.changes:
        if c.level == "refused":
            diff.problems.append(f"{c.scope} {c.id}: {c.detail or 'refused'}")
    need = diff.required
    declared = bump(old.version, new.version)
    if need and (declared is None or declared == "lower" or LEVELS.index(declared) < LEVELS.index(need)):
        diff.problems.insert(0, f"the changes need at least a {need} release after {old.version}; "
                                f"the new catalogue declares {new.version}")
    elif declared == "lower":
        diff.problems.insert(0, f"the new version {new.version} is lower than {old.version}")
    return diff


def resolve(reference: str) -> Catalogue:
    """A catalogue from a version number (a shipped release), a release folder, or a source folder."""
    from csc_outcomes.releases import available_versions, load_release

    path = Path(reference)
    if path.is_dir() and (path / "catalogue.json").is_file():
        return load_catalogue(path / "catalogue.json")
    if path.exists():
        return load_catalogue(path)
    if reference in available_versions():
        return load_release(reference).catalogue
    raise CatalogueReadError(f"{reference!r} is neither a catalogue folder, a release folder nor a shipped "
                             f"version (shipped: {', '.join(available_versions()) or 'none'})")


def resolve_pack(reference: str) -> dict[str, Any] | None:
    """The rule pack of a shipped version or a release folder; for a catalogue source folder, compiled
    (that imports linkml, as release build does). None when the release has none."""
    from csc_outcomes.releases import available_versions, load_release

    path = Path(reference)
    if path.is_dir() and (path / "catalogue.json").is_file():
        pack = path / "rulepack.json"
        return json.loads(pack.read_text(encoding="utf-8")) if pack.is_file() else None
    if path.is_dir():
        from csc_outcomes.catalogue.release import data_package, rule_pack
        from csc_outcomes.resources import schema_path

        catalogue = load_catalogue(path)
        from csc_outcomes.releases import checked_schema

        package, table = data_package(catalogue, schema_path())
        return rule_pack(catalogue, checked_schema(table, package["resources"][0]))
    if reference in available_versions():
        return load_release(reference).rule_pack
    return None


def render_text(diff: Diff) -> str:
    lines = [f"{diff.old_version} -> {diff.new_version}: {len(diff.changes)} change(s); "
             f"requires a {diff.required or 'no'} bump, declares {bump(diff.old_version, diff.new_version) or 'none'}"]
    for c in sorted(diff.changes, key=lambda c: (-(LEVELS.index(c.level) if c.level in LEVELS else 3), c.scope, c.id)):
        where = f"{c.scope} {c.id}" + (f" {c.field}" if c.field else "")
        lines.append(f"  {c.level.upper():8} {c.what:8} {where}" + (f": {c.detail}" if c.detail else ""))
    for p in diff.problems:
        lines.append(f"PROBLEM: {p}")
    lines.append("OK" if diff.ok else "NOT OK")
    return "\n".join(lines) + "\n"


def render_markdown(diff: Diff, date: str | None = None) -> str:
    """A CHANGELOG entry: what breaks comparability first."""
    head = f"## {diff.new_version}" + (f" ({date})" if date else "")
    out = [head, ""]
    titles = {"major": "Breaks comparability (major)", "minor": "Added or deprecated (minor)",
              "patch": "Wording and references (patch)", "refused": "Refused"}
    for level in ("refused", "major", "minor", "patch"):
        items = [c for c in diff.changes if c.level == level]
        if not items:
            continue
        out.append(f"### {titles[level]}")
        out.append("")
        for c in items:
            where = f"`{c.id}`" + (f" {c.field}" if c.field else "")
            out.append(f"- {c.scope.replace('_', ' ')} {where} {c.what}" + (f": {c.detail}" if c.detail else ""))
        out.append("")
    if not diff.changes:
        out += ["No changes.", ""]
    return "\n".join(out)
