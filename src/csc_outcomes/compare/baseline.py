"""The published baseline: every DfE file we map, harmonised into one canonical table.

Built by `release build` and shipped in the release (Parquet), so that `compare` works offline
with nothing else installed. Local authority rows come from the mapping specs exactly as the
test suite checks them (every value equal to the published one). England and regional rows are
DfE's own published figures, read through the same spec with its geography taken from the
file's own columns: their counts are published rounded to the nearest 10 (so numerator and
denominator there are not exact), but their values are DfE's, computed from unrounded counts.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code", "region_code", "region_name",
           "new_la_code", "old_la_code", "la_name", "indicator_id", "breakdown_topic", "breakdown",
           "numerator", "denominator", "value"]
LEVELS = ("National", "Regional")


class BaselineError(Exception):
    """The baseline cannot be built: which spec or file, and why (exit 2)."""


def _spec_sources(spec: dict[str, Any], sources: Path) -> list[Path]:
    """The published files a DfE spec maps (its source's `files`), in the folder of published files."""
    names = (spec.get("source") or {}).get("files") or []
    if not names:
        raise BaselineError(f"mapping spec {spec.get('id')}: its source names no files (source.files)")
    missing = [n for n in names if not (sources / n).is_file()]
    if missing:
        raise BaselineError(f"mapping spec {spec.get('id')}: {', '.join(missing)} not in {sources}")
    return [sources / n for n in names]


def _totals_variant(spec: dict[str, Any]) -> dict[str, Any] | None:
    """The spec read for England and regional rows: the file's own geography columns, and the
    spec-wide selection of local authority rows turned into a selection of National and Regional."""
    where = spec.get("where") or []
    level = [c for c in where if c.get("column") == "geographic_level"]
    if not level:
        return None
    variant = copy.deepcopy(spec)
    variant["id"] = f"{spec['id']}-totals"
    variant["geography"] = {"from": "canonical_columns"}
    if variant.get("keys"):  # a group is one place: at these levels the authority code is blank
        variant["keys"] = list(dict.fromkeys(["geographic_level", "region_code", *variant["keys"]]))
    variant["where"] = [c for c in where if c.get("column") != "geographic_level"] + [
        {"column": "geographic_level", "in": list(LEVELS)}]
    # rates computed from a population estimate have none for England or a region here
    variant["indicators"] = [m for m in spec.get("indicators") or []
                             if not any(isinstance(m.get(p), dict) and m[p].get("population")
                                        for p in ("numerator", "denominator", "value"))]
    return variant if variant["indicators"] else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_baseline(specs_dir: Path, sources: Path, target: Path) -> dict[str, Any]:
    """Write target/baseline.parquet and target/baseline.json (provenance); return the provenance."""
    import duckdb
    import yaml

    from csc_outcomes import safe_yaml

    from csc_outcomes.harmonise.engine import harmonise

    specs = sorted(Path(specs_dir).glob("*.yaml"))
    if not specs:
        raise BaselineError(f"no mapping specs in {specs_dir}")
    provenance: dict[str, Any] = {"description": "DfE's published figures, harmonised by the mapping specs of "
                                  "mappings/dfe; England and regional rows are DfE's own (counts rounded to 10).",
                                  "sources": []}
    with tempfile.TemporaryDirectory(prefix="csc-outcomes-baseline-") as tmp:
        parts = []
        for spec_file in specs:
            spec = safe_yaml.load(spec_file, "mapping spec")
            for source in _spec_sources(spec, Path(sources)):
                entry: dict[str, Any] = {"spec": spec["id"], "file": source.name, "sha256": _sha256(source),
                                         "provenance": (spec.get("source") or {}).get("provenance")}
                for variant, level in ((spec, "Local authority"), (_totals_variant(spec), "National, Regional")):
                    if variant is None:
                        continue
                    variant_file = Path(tmp) / f"{variant['id']}.yaml"
                    variant_file.write_text(yaml.safe_dump(variant, sort_keys=False), encoding="utf-8")
                    out = Path(tmp) / f"{variant['id']}-{len(parts)}.csv"
                    outcome = harmonise(source, variant_file, out)
                    if level == "Local authority" and outcome.report.exit_code != 0:
                        raise BaselineError(f"{spec_file.name} does not harmonise {source.name} cleanly: "
                                            f"{outcome.reasons}")
                    entry[f"rows ({level})"] = outcome.rows_out
                    if outcome.rows_out:
                        parts.append((out, spec["id"]))
                provenance["sources"].append(entry)
        con = duckdb.connect()
        try:
            selects = [
                f"SELECT {', '.join(COLUMNS)}, '{spec_id}' AS source "
                f"FROM read_csv('{str(path).replace(chr(39), chr(39) * 2)}', header=true, auto_detect=false, "
                f"columns={{{', '.join(repr(c) + ': ' + repr('VARCHAR') for c in _header(path))}}})"
                for path, spec_id in parts]
            target.mkdir(parents=True, exist_ok=True)
            out_file = str(target / "baseline.parquet").replace("'", "''")
            con.execute(f"""COPY (SELECT * FROM ({' UNION ALL BY NAME '.join(selects)})
                            ORDER BY indicator_id, breakdown_topic, breakdown, geographic_level, region_code,
                                     new_la_code, time_period, source)
                            TO '{out_file}' (FORMAT parquet, COMPRESSION zstd)""")
            provenance["rows"] = con.execute(f"SELECT count(*) FROM '{out_file}'").fetchone()[0]
        finally:
            con.close()
    (target / "baseline.json").write_text(json.dumps(provenance, indent=2, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    return provenance


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return f.readline().rstrip("\r\n").split(",")
