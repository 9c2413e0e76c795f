"""Plain-text rendering: a summary by authority and by indicator, then the problems grouped by
error type, with counts and the first places of each (row, column letter and field, authority,
indicator)."""

from __future__ import annotations

from collections import defaultdict

from csc_outcomes.report.model import Issue, Report, Severity

SHOW_PER_TYPE = 10
SHOW_IN_SUMMARY = 10


def _place(issue: Issue) -> str:
    parts = []
    if issue.file:
        parts.append(issue.file)
    if issue.row is not None:
        parts.append(f"row {issue.row}")
    if issue.field:
        parts.append(f"column {issue.column} ({issue.field})" if issue.column else f"field {issue.field}")
    if issue.authority:
        parts.append(issue.authority)
    if issue.indicator_id:
        parts.append(issue.indicator_id)
    return ", ".join(parts) or "(whole input)"


def _counts(entry: dict) -> str:
    out = [f"{entry['errors']:,} error(s)"] if entry["errors"] else []
    if entry["warnings"]:
        out.append(f"{entry['warnings']:,} warning(s)")
    if entry["infos"] and not out:
        out.append(f"{entry['infos']:,} note(s)")
    return ", ".join(out)


def summary_lines(report: Report, show: int = SHOW_IN_SUMMARY) -> list[str]:
    """'Problems by authority' and 'by indicator', when the problems carry that context."""
    lines: list[str] = []
    for by, title, whole in (("authority", "by authority", "(no row: the header or the whole file)"),
                             ("indicator", "by indicator", "(no indicator: the header, or the row has none)")):
        entries = report.summary(by)
        if not any(e["key"] is not None for e in entries):
            continue
        lines.append(f"  problems {title}:")
        for entry in entries[:show]:
            if entry["key"] is None:
                label = whole
            elif by == "authority":
                label = f"{entry['name'] or '?'} ({entry['key']})" if entry["name"] != entry["key"] else entry["key"]
            else:
                label = f"{entry['key']}: {entry['name']}" if entry["name"] else f"{entry['key']} (not an indicator)"
            lines.append(f"    {label}: {_counts(entry)}")
        if len(entries) > show:
            lines.append(f"    ... and {len(entries) - show:,} more")
    return lines


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
        lines.extend(summary_lines(Report([task])))
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
