"""A self-contained HTML report an analyst can open and send on: no scripts, no external files."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from csc_outcomes.report.model import Issue, Report, Severity

_STYLE = """
body{font-family:system-ui,Segoe UI,Arial,sans-serif;margin:2em;color:#1b1b1b;max-width:70em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}
.valid{color:#00703c}.invalid{color:#d4351c}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #b1b4b6;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f2f1}.error{border-left:6px solid #d4351c;padding-left:.6em}
.warning{border-left:6px solid #f47738;padding-left:.6em}.info{border-left:6px solid #1d70b8;padding-left:.6em}
.hint{color:#505a5f}dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}
"""


def to_html(report: Report, show: int = 200) -> str:
    meta = report.meta
    status = "valid" if report.valid else "invalid"
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{escape(str(meta.get('title', 'csc-outcomes report')))}</title>",
             f"<style>{_STYLE}</style></head><body>",
             f"<h1>{escape(str(meta.get('title', 'csc-outcomes report')))}: "
             f"<span class='{status}'>{status.upper()}</span></h1><dl>"]
    for key, value in meta.items():
        if key != "title":
            parts.append(f"<dt>{escape(key.replace('_', ' '))}</dt><dd>{escape(str(value))}</dd>")
    parts.append(f"<dt>errors</dt><dd>{report.count(Severity.ERROR):,}</dd>"
                 f"<dt>warnings</dt><dd>{report.count(Severity.WARNING):,}</dd></dl>")
    parts.append("<p>Rows are numbered as a spreadsheet shows them (the header is row 1). "
                 "Cells are shortened: this report locates problems and does not copy records.</p>")
    for task in report.tasks:
        rows = task.stats.get("rows")
        parts.append(f"<h2>{escape(task.name)}{f' ({rows:,} rows)' if rows is not None else ''}</h2>")
        groups: dict[str, list[Issue]] = defaultdict(list)
        for issue in task.issues:
            groups[issue.code].append(issue)
        if not groups:
            parts.append("<p class='valid'>No problems found.</p>")
        for code in sorted(groups, key=lambda c: (list(Severity).index(task.severity_of(c)), c)):
            issues = sorted(groups[code], key=lambda i: (i.row is not None, i.row or 0))
            severity = task.severity_of(code)
            total = len(issues) + task.more.get(code, 0)
            parts.append(f"<div class='{severity.value}'><h3>{escape(issues[0].type.title)} "
                         f"<code>{escape(code)}</code>: {total:,}</h3>"
                         f"<p class='hint'>What to do: {escape(issues[0].type.hint)}</p>"
                         "<table><tr><th>Row</th><th>Field</th><th>Cell</th><th>Problem</th></tr>")
            for issue in issues[:show]:
                parts.append(f"<tr><td>{'' if issue.row is None else issue.row}</td>"
                             f"<td>{escape(issue.field or '')}</td><td>{escape(issue.cell or '')}</td>"
                             f"<td>{escape(issue.message)}</td></tr>")
            parts.append("</table>")
            if total > show:
                parts.append(f"<p>... and {total - show:,} more.</p>")
            parts.append("</div>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
