"""Conventions of the DfE open data standard that every part of the toolkit reads the same way."""

# year convention -> (time_identifier, digits of time_period)
TIME_IDENTIFIER = {"reporting_year": ("Reporting year", 4), "workforce_year": ("Reporting year", 4),
                   "calendar_year": ("Calendar year", 4), "academic_year": ("Academic year", 6),
                   "financial_year": ("Financial year", 6)}

# GSS symbols for missing and suppressed values (indicators/codelists/gss-symbols.yaml)
SYMBOLS = ("c", "k", "low", "x", "z", "u")
SYMBOLS_SQL = "[" + ", ".join(f"'{s}'" for s in SYMBOLS) + "]"
