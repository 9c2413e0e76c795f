"""Validate a return against a published version of the standard."""
