"""The outcome frameworks a plan's outcomes can point at, read from a compiled catalogue."""

from __future__ import annotations

from typing import Any

from csc_outcomes.catalogue import Catalogue

DATA_CHECKLIST = "data-checklist"


def _keys(item: dict[str, Any]) -> list[str]:
    """How a plan may name an outcome of a framework, the usual spelling first: a Data Checklist
    outcome by its number, as the checklist numbered them (or its id, data-checklist-3); any
    other by its id (nf-safe)."""
    keys = [str(item["id"])]
    if item.get("framework") == DATA_CHECKLIST and item.get("number") is not None:
        keys.insert(0, str(item["number"]))
    return keys


def outcomes_by_framework(catalogue: Catalogue, aliases: bool = False) -> dict[str, dict[str, str]]:
    """framework id -> {outcome identifier as a plan writes it -> outcome name}; with `aliases`,
    every spelling a plan may use, else the usual one only (what templates offer)."""
    frameworks: dict[str, dict[str, str]] = {}
    for item in catalogue.document.get("outcome_frameworks") and catalogue.framework_outcomes.values() or []:
        for key in _keys(item) if aliases else _keys(item)[:1]:
            frameworks.setdefault(str(item["framework"]), {})[key] = str(item.get("name", key))
    if not frameworks:  # a release before outcome frameworks (1.0.0): the Data Checklist's numbers
        for outcome in catalogue.document.get("outcomes", []):
            frameworks.setdefault(DATA_CHECKLIST, {})[str(outcome["number"])] = str(outcome.get("name"))
    return frameworks


def indicator_outcomes(indicator: dict[str, Any], catalogue: Catalogue) -> set[tuple[str, str]]:
    """The (framework, outcome) pairs an indicator says it measures, in every spelling a plan may use."""
    pairs = {(DATA_CHECKLIST, str(n)) for n in indicator.get("outcomes") or []}
    known = catalogue.framework_outcomes if catalogue.document.get("outcome_frameworks") else {}
    for ident in indicator.get("framework_outcomes") or []:
        item = known.get(ident)
        if item:
            pairs.update((str(item["framework"]), key) for key in _keys(item))
    return pairs


def release_catalogue(version: str | None, cache: dict[str, Catalogue | None]) -> Catalogue | None:
    """The catalogue of a shipped version, read once per command (None when no such version ships)."""
    from csc_outcomes.catalogue import CatalogueReadError
    from csc_outcomes.releases import load_release

    if not version:
        return None
    if version not in cache:
        try:
            cache[version] = load_release(version).catalogue
        except CatalogueReadError:
            cache[version] = None
    return cache[version]
