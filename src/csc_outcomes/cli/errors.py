"""How the command line fails: a sentence that says what, where and what to do; exit 2."""

from __future__ import annotations


class UsageError(Exception):
    """The input could not be read or the command was misused (exit code 2)."""
