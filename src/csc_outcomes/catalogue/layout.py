"""Which file of a catalogue folder holds which class of the model.

One indicator, set or code list per file, named after its id; the framework, the outcomes
and the data sources are small enough to live in one file each.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """A place in the folder and the class its records instantiate."""

    catalogue_key: str  # the slot of the Catalogue class it fills
    cls: str  # LinkML class name
    glob: str  # where, relative to the catalogue root
    list_key: str | None = None  # the file holds a list under this key, not one record
    id_key: str | None = "id"  # the record's identifier slot; file stem must equal it when one per file


PARTS: tuple[Part, ...] = (
    Part("framework", "Framework", "framework.yaml", id_key=None),
    Part("outcomes", "Outcome", "outcomes.yaml", list_key="outcomes", id_key="number"),
    Part("data_sources", "DataSource", "data_sources.yaml", list_key="data_sources"),
    Part("code_lists", "CodeList", "codelists/*.yaml"),
    Part("indicator_sets", "IndicatorSet", "sets/*.yaml"),
    Part("indicators", "Indicator", "definitions/*.yaml"),
)

# An indicator's method (its numerator and denominator as SQL over the record tables) lives
# beside the YAML as methods/<indicator_id>.sql, so it can be read, diffed and run as SQL; the
# loader attaches it to the indicator's `method` slot.
METHODS_GLOB = "methods/*.sql"
# Hand-written record sets that pin a method's rules, shipped as the conformance pack.
CONFORMANCE_GLOB = "conformance/*/*.yaml"
