"""The authoring toolchain (LinkML) is an extra: `pip install csc-outcomes` stays slim.

`check` and `release build` need LinkML; validate, harmonise, compute and compare read the
compiled release and never import it. When it is missing, the command says in one line how to
get it (exit 2), instead of failing on an import deep inside.
"""

from __future__ import annotations

import importlib.util

from csc_outcomes.catalogue.model import CatalogueReadError

INSTALL_HINT = "pip install 'csc-outcomes[authoring]'"


def require_authoring() -> None:
    """Raise a one-line, actionable error when LinkML is not installed."""
    if importlib.util.find_spec("linkml") is None or importlib.util.find_spec("linkml_runtime") is None:
        raise CatalogueReadError("`check` and `release build` need the authoring tools (LinkML), which are not "
                                 f"installed; install them with: {INSTALL_HINT}")
