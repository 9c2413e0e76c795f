"""Check each record against its class in the LinkML model.

The JSON Schema is generated from schema/csc_outcomes.yaml by LinkML's own generator at the
time of the check (an author may be editing the model), then run with jsonschema so that every
error keeps a structured path to the field. Authoring-time only: importing linkml costs
seconds, which the runtime commands never pay.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from csc_outcomes.catalogue import problems as P
from csc_outcomes.catalogue.source import Record
from csc_outcomes.report import ErrorType, Issue


@lru_cache(maxsize=4)
def _generated(schema_file: str) -> tuple[dict[str, Any], dict[frozenset[str], str]]:
    import json
    import logging

    from linkml.generators.jsonschemagen import JsonSchemaGenerator

    logging.getLogger("linkml").setLevel(logging.ERROR)
    generated = json.loads(JsonSchemaGenerator(schema_file).serialize())
    from csc_outcomes import safe_yaml

    raw = safe_yaml.load(Path(schema_file), "schema")
    rules: dict[frozenset[str], str] = {}
    for cls in (raw.get("classes") or {}).values():
        for rule in (cls or {}).get("rules", []) or []:
            post = ((rule.get("postconditions") or {}).get("slot_conditions") or {})
            required = frozenset(k for k, v in post.items() if (v or {}).get("required"))
            rules[required] = rule.get("description", "a rule of the model")
    return generated, rules


def class_schema(schema_file: Path, cls: str) -> dict[str, Any]:
    generated, _ = _generated(str(schema_file))
    return {"$schema": generated.get("$schema"), "$defs": generated["$defs"], "$ref": f"#/$defs/{cls}"}


def _path(parts: Any) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _classify(error: Any, rules: dict[frozenset[str], str]) -> tuple[ErrorType, str, str]:
    """Error type, field path and message for one jsonschema error."""
    field = _path(error.absolute_path)
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        field_path = f"{field}.{missing}" if field else missing
        if "then" in list(error.absolute_schema_path):
            rule = next((d for req, d in rules.items() if missing in req), "a rule of the model")
            return P.SCHEMA_RULE, field_path, f"'{missing}' is required here: {rule}"
        return P.SCHEMA_REQUIRED, field_path, f"required field '{missing}' is missing"
    if kind == "additionalProperties":
        return P.SCHEMA_UNKNOWN, field, error.message.replace("Additional properties are not allowed", "unknown field(s)")
    if kind == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return P.SCHEMA_ENUM, field, f"{error.instance!r} is not one of: {allowed}"
    if kind == "pattern":
        return P.SCHEMA_PATTERN, field, f"{error.instance!r} does not match {error.validator_value}"
    if kind in ("type", "format"):
        return P.SCHEMA_TYPE, field, error.message
    return P.SCHEMA_OTHER, field, error.message


def _leaf_errors(error: Any) -> Iterator[Any]:
    """anyOf errors (LinkML uses them for optional ranges) are reported by their best branch."""
    if error.context:
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        if best is not None:
            yield from _leaf_errors(best)
            return
    yield error


@lru_cache(maxsize=32)
def _validator(schema_file: str, cls: str) -> Any:
    from jsonschema import Draft201909Validator

    return Draft201909Validator(class_schema(Path(schema_file), cls), format_checker=Draft201909Validator.FORMAT_CHECKER)


def validate_instance(data: Any, cls: str, schema_file: Path | None = None) -> list[tuple[ErrorType, str, str]]:
    """(error type, field path, message) for each way `data` fails to be a `cls` of the model."""
    from csc_outcomes.resources import schema_path

    schema = str(schema_file or schema_path())
    _, rules = _generated(schema)
    return [_classify(error, rules) for top in _validator(schema, cls).iter_errors(data) for error in _leaf_errors(top)]


def check_records(records: list[Record], schema_file: Path) -> list[Issue]:
    return [
        Issue(etype, message, file=record.file, field=record.where(field))
        for record in records
        for etype, field, message in validate_instance(record.data, record.part.cls, schema_file)
    ]
