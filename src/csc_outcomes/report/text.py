"""Plain-text rendering: grouped by error type, with counts and the first places of each."""

from __future__ import annotations

from collections import defaultdict

from csc_outcomes.report.model import Issue, Report, Severity

SHOW_PER_TYPE = 10


def _place(issue: Issue) -> str:
    parts = []
    if issue.file:
        parts.append(issue.file)
    if issue.row is not None:
        parts.append(f"row {issue.row}")
    if issue.field:
        parts.append(f"field {issue.field}")
    return ", ".join(parts) or "(whole input)"


def render(report: Report, show: int = SHOW_PER_TYPE) -> str:
    lines: list[str] = []
    meta = report.meta
    if meta.get("title"):
        lines.append(str(meta["title"]))
    for key in ("framework_version", "engine", "input"):
        if key in meta:
            lines.append(f"  {key.replace('_', ' ')}: {meta[key]}")
    for task in report.tasks:
        rows = task.stats.get("rows")
        head = f"{task.name}: {'valid' if task.valid else 'INVALID'}"
        if rows is not None:
            head += f" ({rows:,} rows)"
        lines.append(head)
        groups: dict[str, list[Issue]] = defaultdict(list)
        for issue in task.issues:
            groups[issue.code].append(issue)
        order = sorted(groups, key=lambda c: (list(Severity).index(groups[c][0].severity), c))
        for code in order:
            issues = sorted(groups[code], key=lambda i: (i.row is not None, i.row or 0))
            first = issues[0]
            total = len(issues) + task.more.get(code, 0)
            lines.append(f"  {first.severity.value.upper()} {code} x{total:,}: {first.type.title}")
            for issue in issues[:show]:
                lines.append(f"    - {_place(issue)}: {issue.message}")
            if total > show:
                lines.append(f"    ... and {total - show:,} more")
            lines.append(f"    hint: {first.type.hint}")
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    lines.append(f"{'VALID' if report.valid else 'INVALID'}: {errors:,} error(s), {warnings:,} warning(s)")
    return "\n".join(lines) + "\n"
