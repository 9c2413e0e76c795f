"""Read a mapping spec and check it against the model, without importing linkml.

The spec is validated with the JSON Schema compiled into the release (LinkML's generator, run at
release build), then against the release's catalogue: the indicators it targets must exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from csc_outcomes import safe_yaml
from csc_outcomes.releases import Release
from csc_outcomes.report.model import MAX_CELL, clip


class SpecError(Exception):
    """The mapping spec cannot be used: says which file and field, and what to do (exit 2)."""


def condition_terms(condition: dict[str, Any]) -> tuple[str, str, list[Any]]:
    """(column, operator, values) of a where condition: operator is =, in or not in."""
    if condition.get("equals") is not None:
        return condition["column"], "=", [condition["equals"]]
    if condition.get("in") is not None:
        return condition["column"], "in", list(condition["in"])
    return condition["column"], "not in", list(condition.get("not_in") or [])


def _where(path: Any) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def _without_nulls(value: Any) -> Any:
    """A key written as null (`format:` with nothing after it) is a key not given."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _schema_message(error: Any) -> str:
    """jsonschema's message, with the offending value clipped: it may be a long cell or label."""
    message = error.message
    shown = repr(error.instance)
    if len(shown) > MAX_CELL and shown in message:
        message = message.replace(shown, clip(shown))
    return message


def spec_problems(spec: Any, json_schema: dict[str, Any], indicators: Iterable[str], version: str) -> list[str]:
    """Every way the spec breaks the model (its JSON Schema) or names an indicator the framework lacks,
    and the empty or blank values the schema lets through but no source could use."""
    from jsonschema import Draft201909Validator
    from jsonschema.exceptions import best_match

    if not isinstance(spec, dict):
        return ["the file should hold a mapping spec (a YAML mapping with id, source, period, geography, indicators)"]
    problems = []
    for error in Draft201909Validator(json_schema).iter_errors(spec):
        leaf = best_match(error.context) if error.context else error
        problems.append(f"{_where(leaf.absolute_path)}: {_schema_message(leaf)}")
    known = set(indicators)
    mappings = _list(spec.get("indicators"))
    for i, m in enumerate(mappings):
        if isinstance(m, dict) and not (isinstance(m.get("indicator"), str) and m["indicator"] in known):
            problems.append(f"indicators[{i}].indicator: {clip(m.get('indicator'))!r} is not an indicator of "
                            f"framework {version}")
        for part in ("numerator", "denominator", "value", "breakdown"):
            source = m.get(part) if isinstance(m, dict) else None
            if isinstance(source, dict):
                kinds = ("column", "sum_of", "difference_of", "constant", "population", "compute", "count_places")
                given = [k for k in kinds if source.get(k) is not None]
                if len(given) != 1:
                    problems.append(f"indicators[{i}].{part}: give exactly one of {', '.join(kinds)} "
                                    f"(found {', '.join(given) or 'none'})")
                if source.get("difference_of") is not None and len(source["difference_of"]) != 2:
                    problems.append(f"indicators[{i}].{part}.difference_of: name two columns, the second "
                                    "taken from the first")
                if source.get("row") and not spec.get("keys"):
                    problems.append(f"indicators[{i}].{part}.row: reading from another row needs the spec's keys")
    period = spec.get("period")
    if isinstance(period, dict) and (period.get("column") is None) == (period.get("value") is None):
        problems.append("period: give exactly one of column (the column holding each row's period) and value "
                        "(the one period of the whole file)")
    conditions = _list(spec.get("where")) + [
        c for m in mappings if isinstance(m, dict) for c in _list(m.get("where"))]
    for c in conditions:
        if isinstance(c, dict) and sum(c.get(k) is not None for k in ("equals", "in", "not_in")) != 1:
            problems.append(f"a where condition on {clip(c.get('column'))!r}: give exactly one of equals, in, not_in")
        elif isinstance(c, dict) and any(c.get(k) == [] for k in ("in", "not_in")):
            problems.append(f"a where condition on {clip(c.get('column'))!r}: its list of values is empty")
    for i, r in enumerate(_list(spec.get("rename"))):
        for end in ("from", "to"):
            if isinstance(r, dict) and not str(r.get(end, "")).strip():
                problems.append(f"rename[{i}].{end}: a column name cannot be blank")
    if isinstance(spec.get("indicators"), list) and not mappings:
        problems.append("indicators: list at least one indicator mapping (the list is empty)")
    reshape = spec.get("reshape")
    if isinstance(reshape, dict) and not reshape.get("columns"):
        problems.append("reshape.columns: name the columns to turn into rows (the list is empty)")
    for i, r in enumerate(_list(spec.get("recodes"))):
        if isinstance(r, dict) and not r.get("map"):
            problems.append(f"recodes[{i}].map: list the local codes and what each becomes (the map is empty)")
    return problems


def read_spec(path: Path) -> Any:
    """The spec file's YAML, read by the one bounded safe loader (SpecError if it cannot be)."""
    path = Path(path)
    try:
        return _without_nulls(safe_yaml.load(path, "mapping spec"))
    except safe_yaml.YamlError as exc:
        raise SpecError(f"cannot read mapping spec {path}: {exc}") from exc


def declared_release(path: Path) -> Release:
    """The release the spec declares (framework_version), or the newest shipped if it declares none."""
    from csc_outcomes.catalogue.model import CatalogueReadError
    from csc_outcomes.releases import available_versions, load_release

    raw = read_spec(path)
    declared = raw.get("framework_version") if isinstance(raw, dict) else None
    if declared is None:
        return load_release(None)
    shipped = available_versions()
    if str(declared) not in shipped:  # the spec's problem: say which file, and quote it clipped
        raise SpecError(f"mapping spec {path}: framework_version {clip(declared)!r} is not a release shipped "
                        f"with this package; available: {', '.join(shipped)} (or give a built one with --release)")
    try:
        return load_release(str(declared))
    except CatalogueReadError as exc:
        raise SpecError(f"mapping spec {path}: {exc}") from exc


def spec_model(release: Release) -> dict[str, Any]:
    """The JSON Schema a spec's structure is checked with: the newest model this package knows
    (the release given, or a newer shipped one). A spec's framework_version says whose indicators
    it maps, not which version of the toolkit's spec format it is written in."""
    from csc_outcomes.releases import available_versions, load_release

    def key(version: str) -> tuple[int, ...]:
        return tuple(int(p) for p in version.split("."))

    newest = max(available_versions(), key=key, default=release.version)
    return (load_release(newest) if key(newest) > key(release.version) else release).json_schema("MappingSpec")


def load_spec(path: Path, release: Release) -> dict[str, Any]:
    """The spec, checked against the model and the release's catalogue; SpecError lists what is wrong."""
    path = Path(path)
    spec = read_spec(path)
    problems = spec_problems(spec, spec_model(release), release.catalogue.indicators, release.version)
    if problems:
        listed = "\n  ".join(problems[:20])
        raise SpecError(f"mapping spec {path} has {len(problems)} problem(s):\n  {listed}\n"
                        "See schema/csc_outcomes.yaml (class MappingSpec) and the specs in mappings/.")
    return spec
