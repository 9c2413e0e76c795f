"""Read a mapping spec and check it against the model, without importing linkml.

The spec is validated with the JSON Schema compiled into the release (LinkML's generator, run at
release build), then against the release's catalogue: the indicators it targets must exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import yaml

from csc_outcomes.releases import Release


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


def spec_problems(spec: Any, json_schema: dict[str, Any], indicators: Iterable[str], version: str) -> list[str]:
    """Every way the spec breaks the model (its JSON Schema) or names an indicator the framework lacks."""
    from jsonschema import Draft201909Validator
    from jsonschema.exceptions import best_match

    if not isinstance(spec, dict):
        return ["the file should hold a mapping spec (a YAML mapping with id, source, period, geography, indicators)"]
    problems = []
    for error in Draft201909Validator(json_schema).iter_errors(spec):
        leaf = best_match(error.context) if error.context else error
        problems.append(f"{_where(leaf.absolute_path)}: {leaf.message}")
    known = set(indicators)
    for i, m in enumerate(spec.get("indicators") or []):
        if isinstance(m, dict) and m.get("indicator") not in known:
            problems.append(f"indicators[{i}].indicator: {m.get('indicator')!r} is not an indicator of "
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
    conditions = list(spec.get("where") or []) + [
        c for m in spec.get("indicators") or [] if isinstance(m, dict) for c in m.get("where") or []]
    for c in conditions:
        if isinstance(c, dict) and sum(c.get(k) is not None for k in ("equals", "in", "not_in")) != 1:
            problems.append(f"a where condition on {c.get('column')!r}: give exactly one of equals, in, not_in")
    return problems


def load_spec(path: Path, release: Release) -> dict[str, Any]:
    path = Path(path)
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SpecError(f"mapping spec {path} does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read mapping spec {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise SpecError(f"mapping spec {path} is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from exc
    problems = spec_problems(spec, release.json_schema("MappingSpec"), release.catalogue.indicators, release.version)
    if problems:
        listed = "\n  ".join(problems[:20])
        raise SpecError(f"mapping spec {path} has {len(problems)} problem(s):\n  {listed}\n"
                        "See schema/csc_outcomes.yaml (class MappingSpec) and the specs in mappings/.")
    return spec
