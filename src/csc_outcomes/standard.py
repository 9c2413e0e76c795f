"""The standard as typed, read-only Python objects, for notebooks and other programs.

The runtime keeps the compiled catalogue as plain dictionaries (fast to load, shaped like the
LinkML model); this module gives a reader the same content as frozen dataclasses, so that
`standard.indicators["cla_rate_31mar"].period.reference_date` is checked by an editor and
cannot be changed by accident. Built from the shipped release: no LinkML, no network. Keys the
model gains later (a method, say) are kept in `extra` until they get a field of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Mapping


def _known(cls: type, data: Mapping[str, Any] | None) -> tuple[dict[str, Any], Mapping[str, Any]]:
    data = dict(data or {})
    names = {f.name for f in fields(cls)} - {"extra"}
    known = {k: v for k, v in data.items() if k in names}
    return known, MappingProxyType({k: v for k, v in data.items() if k not in names})


@dataclass(frozen=True)
class Quantity:
    """A numerator or denominator: what is counted and where it comes from."""

    description: str
    source: str | None = None
    fields: tuple[str, ...] = ()
    inclusions: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    reported_decimal_places: int | None = None

    @classmethod
    def of(cls, data: Mapping[str, Any] | None) -> "Quantity | None":
        if not data:
            return None
        known, _ = _known(cls, data)
        for key in ("fields", "inclusions", "exclusions"):
            known[key] = tuple(known.get(key) or ())
        return cls(**known)


@dataclass(frozen=True)
class Period:
    """Which period a figure covers: a snapshot or a flow, its year convention and reference date."""

    kind: str
    year_convention: str
    reference_date: str
    length: str | None = None
    lookback: str | None = None
    population_vintage: str | None = None
    description: str | None = None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> "Period":
        return cls(**_known(cls, data)[0])


@dataclass(frozen=True)
class Breakdown:
    """A disaggregation an indicator declares: its topic and code list."""

    topic: str
    code_list: str
    sums_to_total: bool | None = None
    description: str | None = None


@dataclass(frozen=True)
class Variant:
    """A known local or published variant of the definition, and how closely it matches."""

    description: str
    differs_in: tuple[str, ...] = ()
    match: str | None = None
    used_by: str | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    version: str
    name: str
    status: str
    evidence: str
    definition: str
    measure_type: str
    unit: str
    decimal_places: int
    rounding: str
    period: Period
    numerator: Quantity | None
    denominator: Quantity | None = None
    multiplier: int | float | None = None
    outcomes: tuple[int, ...] = ()
    data_sources: tuple[str, ...] = ()
    breakdowns: tuple[Breakdown, ...] = ()
    hoped_for_direction: str | None = None
    interpretation_caveat: str | None = None
    caveats: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()
    references: tuple[str, ...] = ()
    supersedes: str | None = None
    superseded_by: str | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), compare=False, hash=False,
                                     repr=False)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> "Indicator":
        known, rest = _known(cls, data)
        interpretation = dict(rest.get("interpretation") or {})
        extra = {k: v for k, v in rest.items() if k not in ("interpretation", "disaggregations", "change_notes")}
        if data.get("change_notes"):
            extra["change_notes"] = data["change_notes"]
        return cls(
            **{**known,
               "period": Period.of(data["period"]),
               "numerator": Quantity.of(data.get("numerator")),
               "denominator": Quantity.of(data.get("denominator")),
               "outcomes": tuple(data.get("outcomes") or ()),
               "data_sources": tuple(data.get("data_sources") or ()),
               "caveats": tuple(data.get("caveats") or ()),
               "references": tuple(r.get("citation", "") if isinstance(r, dict) else str(r)
                                   for r in data.get("references") or ()),
               "variants": tuple(Variant(v.get("description", ""), tuple(v.get("differs_in") or ()), v.get("match"),
                                         v.get("used_by")) for v in data.get("variants") or ()),
               "breakdowns": tuple(Breakdown(d["topic"], d["code_list"], d.get("sums_to_total"), d.get("description"))
                                   for d in data.get("disaggregations") or ())},
            hoped_for_direction=interpretation.get("hoped_for_direction"),
            interpretation_caveat=interpretation.get("caveat"),
            extra=MappingProxyType(extra),
        )


@dataclass(frozen=True)
class Code:
    code: str
    label: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    parent: str | None = None
    legacy_code: str | None = None


@dataclass(frozen=True)
class CodeList:
    id: str
    name: str
    codes: tuple[Code, ...]

    def labels(self) -> dict[str, str | None]:
        return {c.code: c.label for c in self.codes}


@dataclass(frozen=True)
class IndicatorSet:
    id: str
    name: str
    members: tuple[str, ...]
    owner: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Outcome:
    number: int
    name: str
    definition: str | None = None


@dataclass(frozen=True)
class Standard:
    """One published version of the standard."""

    id: str
    name: str
    version: str
    status: str
    release_date: str | None
    indicators: Mapping[str, Indicator]
    indicator_sets: Mapping[str, IndicatorSet]
    outcomes: Mapping[int, Outcome]
    code_lists: Mapping[str, CodeList]

    def __repr__(self) -> str:
        return (f"Standard({self.id} {self.version}, {len(self.indicators)} indicators, "
                f"{len(self.indicator_sets)} sets)")


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def from_catalogue(document: Mapping[str, Any]) -> Standard:
    """The typed view of a compiled catalogue (the dictionaries of catalogue.json)."""
    fw = document["framework"]
    codes = {
        cl["id"]: CodeList(cl["id"], cl.get("name", cl["id"]), tuple(
            Code(str(c["code"]), c.get("label"), _str(c.get("valid_from")), _str(c.get("valid_to")),
                 _str(c.get("parent")), _str(c.get("legacy_code"))) for c in cl.get("codes") or ()))
        for cl in document.get("code_lists") or ()}
    return Standard(
        id=fw["id"], name=fw["name"], version=str(fw["version"]), status=fw.get("status", ""),
        release_date=_str(fw.get("release_date")),
        indicators=MappingProxyType({i["id"]: Indicator.of(i) for i in document.get("indicators") or ()}),
        indicator_sets=MappingProxyType({s["id"]: IndicatorSet(s["id"], s.get("name", s["id"]), tuple(s.get("members") or ()),
                                                               s.get("owner"), s.get("description"))
                                         for s in document.get("indicator_sets") or ()}),
        outcomes=MappingProxyType({o["number"]: Outcome(o["number"], o["name"], o.get("definition"))
                                   for o in document.get("outcomes") or ()}),
        code_lists=MappingProxyType(codes),
    )
