"""Evaluation plans: a theory of change whose outcomes point at the standard's indicators, and
a check of what was planned against what was reported (the evaluation behind this standard
found only 3 of 57 projects reported every outcome they had planned)."""
