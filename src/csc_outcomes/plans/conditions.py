"""The seven conditions for using data well (the evaluation report's service self-audit,
Appendix 1), read from the model's DataCondition enum so that they are written once."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def conditions() -> dict[str, str]:
    """condition key -> its description, in the model's order."""
    import yaml

    from csc_outcomes.catalogue.source import _Loader
    from csc_outcomes.resources import schema_path

    model = yaml.load(schema_path().read_text(encoding="utf-8"), Loader=_Loader)
    values = model["enums"]["DataCondition"]["permissible_values"]
    return {key: (value or {}).get("description", key) for key, value in values.items()}
