"""CSV cells written in SQL, byte for byte as DuckDB's own CSV writer quotes them.

Why: the harmonised return and its lineage repeat the same place, period and account text on
millions of rows. Made once per place and period as one pre-quoted piece of text (a DuckDB ENUM,
so a row holds a small integer, not a copy), each row then writes a handful of cells with
`COPY ... (QUOTE '', ESCAPE '')`, which writes the text as given. The quoting must then be done
here, and exactly as DuckDB does it with a comma delimiter and a double-quote quote and escape:
a cell is quoted when it is the empty string (which would otherwise read back as NULL) or holds
a comma, a double quote, a line feed or a carriage return; a double quote inside is doubled.
NULL stays NULL and is written as nothing.
"""

from __future__ import annotations

# the options that make DuckDB write each cell exactly as the query gives it
RAW = "HEADER, DELIMITER ',', QUOTE '', ESCAPE ''"


def cell(expr: str) -> str:
    """SQL for `expr` (text) as one CSV cell."""
    return (f"CASE WHEN {expr} = '' OR contains({expr}, ',') OR contains({expr}, '\"') "
            f"OR contains({expr}, chr(10)) OR contains({expr}, chr(13)) "
            f"THEN '\"' || replace({expr}, '\"', '\"\"') || '\"' ELSE {expr} END")


def quoted(text: str | None) -> str | None:
    """A constant's cell, quoted here once (the same rule as `cell`)."""
    if text is None or not (text == "" or any(ch in text for ch in ',"\n\r')):
        return text
    return '"' + text.replace('"', '""') + '"'


def cells(exprs: list[str]) -> str:
    """SQL for several cells joined into one piece of a CSV line (a NULL is an empty cell)."""
    return " || ',' || ".join(f"coalesce({cell(e)}, '')" for e in exprs)
