"""csc-outcomes: common outcome measures for children's social care in England.

The Python API (see docs/python-api.md):

    import csc_outcomes as co
    report = co.validate("our-return.csv")       # a path, a pandas/polars DataFrame or an Arrow table
    report.valid, report.errors, report.to_pandas()
    co.harmonise("local.csv", mapping="spec.yaml").to_pandas()
    co.compute("ssda903-folder/", la="919", year=2025).to_pandas()
    co.compare("919", ["our-return.csv"]).records
    co.load_standard("1.0.0").indicators["cla_rate_31mar"].name

Names are looked up on first use, so `import csc_outcomes` (and the command line) stays fast.
"""

from __future__ import annotations

import sys
import types
from typing import Any

# name -> module that defines it. harmonise and compare are also the names of subpackages: the
# package object is returned, and it is callable (it calls the API function of the same name).
_API = {
    "validate": "csc_outcomes.api",
    "harmonise": None,
    "compare": None,
    "compute": "csc_outcomes.api",
    "Computed": "csc_outcomes.api",
    "load_standard": "csc_outcomes.api",
    "Harmonised": "csc_outcomes.api",
    "Report": "csc_outcomes.report.model",
    "Issue": "csc_outcomes.report.model",
    "Severity": "csc_outcomes.report.model",
    "Standard": "csc_outcomes.standard",
    "Indicator": "csc_outcomes.standard",
    "InputError": "csc_outcomes.validators.reading",
}

__all__ = [*_API, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _API:
        from importlib import import_module

        value = import_module(f"csc_outcomes.{name}") if _API[name] is None else getattr(import_module(_API[name]), name)
        globals()[name] = value
        return value
    # looked up on demand: importlib.metadata costs 30 ms at every start of the command line
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("csc-outcomes")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module 'csc_outcomes' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


class _Package(types.ModuleType):
    """`csc_outcomes.harmonise` is the API function, and `csc_outcomes/harmonise/` a subpackage
    (compute and compare will be alike). Importing a subpackage binds it as an attribute of its
    parent, which would shadow the function; the function keeps the name. The subpackage stays
    importable as always (`from csc_outcomes.harmonise.engine import ...`)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _API and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
