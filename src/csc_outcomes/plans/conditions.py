"""The seven conditions for using data well (the evaluation report's service self-audit,
Appendix 1), read from the model's DataCondition enum so that they are written once."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def conditions() -> dict[str, str]:
    """condition key -> its description, in the model's order."""
    from csc_outcomes import safe_yaml
    from csc_outcomes.resources import schema_path

    model = safe_yaml.load(schema_path(), "model")
    values = model["enums"]["DataCondition"]["permissible_values"]
    return {key: (value or {}).get("description", key) for key, value in values.items()}
