"""Renderers for machines: JSON, JUnit XML and GitHub annotations. Each reads the one model."""

from __future__ import annotations

import json
import re
from collections import defaultdict

from csc_outcomes.report.model import Issue, Report, Severity


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _where(issue: Issue) -> str:
    field = (f"column {issue.column} ({issue.field})" if issue.column else f"field {issue.field}") if issue.field else None
    parts = [f"row {issue.row}" if issue.row is not None else None, field, issue.authority, issue.indicator_id]
    return ", ".join(p for p in parts if p) or "input"


# characters XML 1.0 cannot hold even escaped: C0 controls but tab, LF, CR; lone surrogates; FFFE/FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """A control character from a cell is shown as \\xNN: the report stays well-formed XML."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def escape(text: str) -> str:
    from xml.sax import saxutils  # imported here: it pulls in urllib and http (70 ms) for JUnit alone

    return saxutils.escape(_xml_safe(text))


def quoteattr(text: str) -> str:
    from xml.sax import saxutils

    return saxutils.quoteattr(_xml_safe(text))


def to_junit(report: Report) -> str:
    """One test suite per input, one test case per error type found (or one passing case)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    suites = []
    for task in report.tasks:
        groups: dict[str, list[Issue]] = defaultdict(list)
        for issue in task.issues:
            groups[issue.code].append(issue)
        cases = []
        failures = 0
        for code in sorted(groups):
            issues = groups[code]
            severity = task.severity_of(code)
            total = len(issues) + task.more.get(code, 0)
            body = "\n".join(f"{_where(i)}: {i.message}" for i in issues)
            if task.more.get(code):
                body += f"\n... and {task.more[code]} more"
            name = quoteattr(f"{code} ({total})")
            if severity is Severity.ERROR:
                failures += 1
                cases.append(f'    <testcase classname={quoteattr(task.name)} name={name}>\n'
                             f'      <failure type={quoteattr(code)} message={quoteattr(issues[0].type.title)}>'
                             f'{escape(body)}\n{escape("hint: " + issues[0].type.hint)}</failure>\n    </testcase>')
            else:
                cases.append(f'    <testcase classname={quoteattr(task.name)} name={name}>\n'
                             f'      <system-out>{escape(severity.value + ": " + body)}</system-out>\n    </testcase>')
        if not cases:
            cases.append(f'    <testcase classname={quoteattr(task.name)} name="valid"/>')
        suites.append(f'  <testsuite name={quoteattr(task.name)} tests="{len(cases)}" failures="{failures}" '
                      f'errors="0" time="{report.seconds:.3f}">\n' + "\n".join(cases) + "\n  </testsuite>")
    out.append(f'<testsuites name="csc-outcomes validate" tests="{sum(s.count("<testcase") for s in suites)}">')
    out.extend(suites)
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def _gh_escape(text: str, property_: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def to_github(report: Report) -> str:
    """GitHub Actions workflow commands: each problem annotates the file at its row."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for task in report.tasks:
        for issue in task.issues:
            props = [f"file={_gh_escape(task.name, True)}"]
            if issue.row is not None:
                props.append(f"line={issue.row}")
            props.append(f"title={_gh_escape(issue.code, True)}")
            context = ", ".join(c for c in (issue.authority, issue.indicator_id) if c)
            where = (f"{issue.field}" if issue.field else "") + (f" ({context})" if context else "")
            where = f"{where}: " if where else ""
            lines.append(f"::{level[issue.severity]} {','.join(props)}::{_gh_escape(where + issue.message)}")
        for code, n in task.more.items():
            lines.append(f"::{level[task.severity_of(code)]} file={_gh_escape(task.name, True)},"
                         f"title={code}::{n} more {code} not annotated (see the full report)")
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    lines.append(f"csc-outcomes: {'valid' if report.valid else 'INVALID'}, {errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + "\n"
