"""The outcome frameworks a plan's outcomes can point at, read from a compiled catalogue."""

from __future__ import annotations

from typing import Any

from csc_outcomes.catalogue import Catalogue

DATA_CHECKLIST = "data-checklist"


def outcomes_by_framework(catalogue: Catalogue) -> dict[str, dict[str, str]]:
    """framework id -> {outcome identifier as a plan writes it -> outcome name}."""
    frameworks: dict[str, dict[str, str]] = {}
    for outcome in catalogue.document.get("outcomes", []):
        framework = str(outcome.get("framework") or DATA_CHECKLIST)
        key = str(outcome.get("id") or outcome.get("number"))
        frameworks.setdefault(framework, {})[key] = str(outcome.get("name", key))
    return frameworks


def indicator_outcomes(indicator: dict[str, Any]) -> set[tuple[str, str]]:
    """The (framework, outcome) pairs an indicator says it measures."""
    pairs = set()
    for ref in indicator.get("outcomes") or []:
        if isinstance(ref, dict):
            pairs.add((str(ref.get("framework") or DATA_CHECKLIST), str(ref.get("outcome") or ref.get("id"))))
        elif isinstance(ref, str) and ":" in ref:
            framework, outcome = ref.split(":", 1)
            pairs.add((framework, outcome))
        else:
            pairs.add((DATA_CHECKLIST, str(ref)))
    return pairs
