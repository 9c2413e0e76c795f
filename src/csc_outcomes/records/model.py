"""The record tables as the readers need them, read from the LinkML model (schema/records.yaml).

The model is the single source of the tables' columns, types, required fields and code lists.
It is read here with a safe YAML loader, not with linkml (an authoring dependency that costs
seconds to import): each class with a `table` annotation is one record table; each attribute's
alias is its column name as authorities export it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Column:
    name: str                       # as exported: CHILD, DECOM, LAchildID
    kind: str                       # date, integer, code or text
    required: bool
    codes: frozenset[str] | None    # permitted codes when kind == code
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class TableSpec:
    name: str                       # the DuckDB table: ssda903_episodes, cin_cindetails
    cls: str                        # the LinkML class: Ssda903Episodes
    source: str                     # ssda903 or cin-census
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# Columns that name a child: never echoed in a report, however malformed.
IDENTIFIERS = frozenset({"CHILD", "LAchildID", "UPN", "FormerUPN", "CINdetailsID", "AssessmentID", "CPPID",
                         "HOME_POST", "PL_POST", "SW_ID"})


def _annotation(cls: dict, key: str) -> str | None:
    value = (cls.get("annotations") or {}).get(key)
    if isinstance(value, dict):
        value = value.get("value")
    return value


@lru_cache(maxsize=1)
def tables() -> dict[str, TableSpec]:
    """Every record table of the model, by its DuckDB name."""
    from csc_outcomes import safe_yaml
    from csc_outcomes.resources import data_dir

    raw = safe_yaml.load(data_dir("schema") / "records.yaml", "record model")
    enums = {name: frozenset(str(v) for v in (e.get("permissible_values") or {}))
             for name, e in (raw.get("enums") or {}).items()}
    out: dict[str, TableSpec] = {}
    for cls_name, cls in (raw.get("classes") or {}).items():
        table = _annotation(cls, "table")
        if not table:
            continue
        columns = []
        for slot, attr in (cls.get("attributes") or {}).items():
            rng = attr.get("range") or "string"
            kind = {"date": "date", "integer": "integer"}.get(rng, "code" if rng in enums else "text")
            columns.append(Column(attr.get("alias") or slot, kind, bool(attr.get("required")), enums.get(rng),
                                  attr.get("minimum_value"), attr.get("maximum_value")))
        out[table] = TableSpec(table, cls_name, _annotation(cls, "source") or "", tuple(columns))
    return out


def ssda903_by_header() -> dict[frozenset[str], TableSpec]:
    """SSDA903 tables by their exact set of CSV column names (how the sector's validators tell them apart)."""
    return {frozenset(t.names): t for t in tables().values() if t.source == "ssda903"}


@lru_cache(maxsize=None)
def column_set(table: str) -> frozenset[str]:
    """The column names of a table, as a set (asked once per record by the XML readers)."""
    return frozenset(tables()[table].names)
