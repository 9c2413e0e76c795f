"""A mapping spec as an SSSOM mapping set: which local measure corresponds to which indicator.

SSSOM records correspondence (skos:exactMatch, closeMatch...) with its justification; the spec
itself says how to transform values. Exported as SSSOM/TSV: a YAML metadata block behind '#',
then one row per indicator mapping.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import quote

import yaml

from csc_outcomes.harmonise.spec import condition_terms, declared_release, load_spec

BASE = "https://w3id.org/csc-outcomes/"
PREDICATE = {"exact": "skos:exactMatch", "close": "skos:closeMatch", "broad": "skos:broadMatch",
             "narrow": "skos:narrowMatch", "related": "skos:relatedMatch"}
COLUMNS = ["subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification",
           "author_label", "subject_source", "object_source_version", "comment"]


def _selection(conditions: list[dict]) -> str:
    parts = []
    for c in conditions or []:
        column, op, values = condition_terms(c)
        parts.append(f"{column} = {values[0]}" if op == "=" else f"{column} {op} ({', '.join(map(str, values))})")
    return "; ".join(parts)


def _local_id(index: int, label: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60] or "all-rows"
    return f"local:{index}-{quote(slug)}"


def to_sssom(spec_path: Path) -> str:
    release = declared_release(spec_path)
    spec = load_spec(spec_path, release)
    indicators = release.catalogue.indicators
    metadata = {
        "curie_map": {"csco": f"{BASE}indicator/", "local": f"{BASE}mapping/{spec['id']}/",
                      "semapv": "https://w3id.org/semapv/vocab/", "skos": "http://www.w3.org/2004/02/skos/core#"},
        "mapping_set_id": f"{BASE}mapping/{spec['id']}",
        "mapping_set_title": spec["name"],
        "mapping_set_version": release.version,
        "license": release.catalogue.framework["licence"],
    }
    if spec.get("description"):
        metadata["mapping_set_description"] = " ".join(spec["description"].split())
    out = io.StringIO()
    for line in yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=1000).splitlines():
        out.write(f"#{line}\n")
    writer = csv.DictWriter(out, COLUMNS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    common = _selection(spec.get("where") or [])
    for index, m in enumerate(spec["indicators"]):
        selection = "; ".join(p for p in (common, _selection(m.get("where") or [])) if p)
        label = f"{spec['name']}: {selection}" if selection else spec["name"]
        writer.writerow({
            "subject_id": _local_id(index, selection),
            "subject_label": label,
            "predicate_id": PREDICATE[m["match"]],
            "object_id": f"csco:{m['indicator']}",
            "object_label": indicators[m["indicator"]]["name"],
            "mapping_justification": "semapv:ManualMappingCuration",
            "author_label": spec.get("author", ""),
            "subject_source": spec["source"].get("description", ""),
            "object_source_version": release.version,
            "comment": " ".join(str(m["justification"]).split()),
        })
    return out.getvalue()
