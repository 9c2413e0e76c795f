"""DfE's statistical neighbour models (April 2021 and 2025): each authority's ten neighbours."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent / "neighbours"
MODELS = {"2021": "sn_2021.csv", "2025": "sn_2025.csv"}


class NeighbourModelError(Exception):
    """An unknown model was asked for (exit 2)."""


@lru_cache(maxsize=2)
def neighbours(model: str) -> dict[str, list[str]]:
    """DfE code -> its neighbours' DfE codes, closest first."""
    if model not in MODELS:
        raise NeighbourModelError(f"no statistical neighbour model {model!r}; choose {' or '.join(MODELS)}")
    with open(HERE / MODELS[model], encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    # 2021: "LA num", ..., SN1, SNP, SN2, SNP...; 2025: old_la_code, ..., SN_1, SN_1P, ...
    columns = [i for i, name in enumerate(header) if name.replace("_", "").upper() in {f"SN{n}" for n in range(1, 11)}]
    return {row[0].strip(): [row[i].strip() for i in columns if i < len(row) and row[i].strip()]
            for row in rows[1:] if row and row[0].strip()}
