"""One report model for every command that checks something, and its renderers.

Shaped like frictionless-py's report (type, row, field, cell, message, note) with our own
stable error codes, a severity and a hint. A report is data first; renderers only render.
"""

from csc_outcomes.report.model import ErrorType, Issue, Report, Severity, Task, error_type, lookup

__all__ = ["ErrorType", "Issue", "Report", "Severity", "Task", "error_type", "lookup"]
