"""The compute report as text: records read and used per table, problems, and per indicator
the units in scope and those left out with the reason. No child identifier is ever in it."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from csc_outcomes.report import Severity

SHOW = 5


def render_text(outcome) -> str:
    report, meta = outcome.report, outcome.report.meta
    lines = [f"csc-outcomes compute: {meta['la']}, reporting year {meta['year']} "
             f"(framework {meta['framework_version']})"]
    records = report.tasks[0]
    lines.append(f"records: {records.stats['files']} file(s)")
    lines.append(f"  {'table':<28}{'read':>9}{'used':>9}{'superseded':>12}{'identical':>11}{'other year':>12}{'not needed':>12}")
    for table, s in records.stats["tables"].items():
        lines.append(f"  {table:<28}{s['read']:>9,}{s['used']:>9,}{s['superseded_by_a_later_return']:>12,}"
                     f"{s['identical_rows']:>11,}{s['other_years_return']:>12,}{s['not_needed']:>12,}")
    lines.append("  (superseded: an older return's version of a record a later return also holds; identical: the")
    lines.append("   same row given twice; not needed: no method computed reads the table, its rows are counted only)")
    groups = defaultdict(list)
    for issue in records.issues:
        groups[issue.code].append(issue)
    for code in sorted(groups, key=lambda c: (list(Severity).index(groups[c][0].severity), c)):
        issues = groups[code]
        total = len(issues) + records.more.get(code, 0)
        lines.append(f"  {issues[0].severity.value.upper()} {code} x{total:,}: {issues[0].type.title}")
        for i in issues[:SHOW]:
            where = f"{Path(i.file).name}: " if i.file else ""
            lines.append(f"    - {where}{i.message}")
        if total > SHOW:
            lines.append(f"    ... and {total - SHOW:,} more (--format json lists up to 200 of each)")
        lines.append(f"    hint: {issues[0].type.hint}")
    lines.append("indicators:")
    for task in report.tasks[1:]:
        if task.name == meta["output"]:
            continue
        s = task.stats
        lines.append(f"  {task.name}: {s['rows_written']} row(s); {s['units_in_scope']:,} unit(s) in scope, "
                     f"{s['units_excluded']:,} excluded")
        for i in task.issues:
            prefix = "" if i.severity is Severity.INFO else f"{i.severity.value.upper()} "
            lines.append(f"    {prefix}{i.message}")
    invalid = [t for t in report.tasks[1:] if t.name == meta["output"]]
    lines.append(f"return: {outcome.rows_out:,} row(s) written to {meta['output']}" +
                 (f"; lineage in {meta['lineage']}" if meta.get("lineage") else "") +
                 (f"; figures from 1 to 5 suppressed" if meta.get("suppressed") else ""))
    if invalid:
        lines.append(f"  ERROR the return does not validate ({len(invalid[0].issues)} error(s)):")
        for i in invalid[0].issues[:SHOW]:
            lines.append(f"    - row {i.row}, field {i.field}: {i.message}")
    else:
        lines.append("  it validates against the framework (csc-outcomes validate)")
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    lines.append(f"{'OK' if report.valid else 'PROBLEMS'}: {errors:,} error(s), {warnings:,} warning(s)")
    return "\n".join(lines) + "\n"
