"""A self-contained HTML report an analyst can open and send on: no external files, no network.

It opens with a summary by authority and by indicator, then the problems grouped by check.
Three drop-downs filter every table by authority, indicator and check; clicking a summary row
picks its authority or indicator, and a link can carry a filter (`report.html#authority=E06000032`).
The filtering is one small inline script: without it the report still shows everything.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from csc_outcomes.report.model import Issue, Report, Severity

_STYLE = """
body{font-family:system-ui,Segoe UI,Arial,sans-serif;margin:2em;color:#1b1b1b;max-width:80em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}h3{font-size:1em;margin:.4em 0}
.valid{color:#00703c}.invalid{color:#d4351c}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #b1b4b6;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f2f1}td.n{text-align:right;font-variant-numeric:tabular-nums}
.error{border-left:6px solid #d4351c;padding-left:.6em;margin:1em 0}
.warning{border-left:6px solid #f47738;padding-left:.6em;margin:1em 0}.info{border-left:6px solid #1d70b8;padding-left:.6em;margin:1em 0}
.hint{color:#505a5f}dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}
.summary{display:grid;grid-template-columns:1fr 1fr;gap:1.5em}.summary .scroll{max-height:19em;overflow:auto;border-bottom:1px solid #b1b4b6}
.summary th{position:sticky;top:0}.summary tr[data-pick]{cursor:pointer}
.summary tr[data-pick]:hover{background:#f3f2f1}
.filters{position:sticky;top:0;background:#fff;padding:.6em 0;border-bottom:1px solid #b1b4b6;display:flex;gap:1em;flex-wrap:wrap;align-items:end}
.filters label{display:flex;flex-direction:column;font-weight:bold;font-size:.9em}
.filters select{max-width:24em;font-size:1em}.shown{color:#505a5f}
"""

_SCRIPT = """
(function(){
  var sel = {authority: document.getElementById('f-authority'), indicator: document.getElementById('f-indicator'),
             check: document.getElementById('f-check')};
  function apply(){
    var total = 0;
    document.querySelectorAll('section.check').forEach(function(sec){
      var shown = 0;
      sec.querySelectorAll('tr[data-check]').forEach(function(tr){
        var ok = Object.keys(sel).every(function(k){ return !sel[k].value || tr.dataset[k] === sel[k].value; });
        tr.hidden = !ok; if (ok) shown++;
      });
      sec.hidden = shown === 0; total += shown;
      var n = sec.querySelector('.count'); if (n) n.textContent = shown.toLocaleString();
    });
    document.getElementById('shown').textContent = total.toLocaleString() + ' listed problem(s) shown';
  }
  Object.keys(sel).forEach(function(k){ sel[k].addEventListener('change', apply); });
  document.querySelectorAll('tr[data-pick]').forEach(function(tr){
    tr.addEventListener('click', function(){ sel[tr.dataset.pick].value = tr.dataset.value; apply(); });
  });
  document.getElementById('f-clear').addEventListener('click', function(){
    Object.keys(sel).forEach(function(k){ sel[k].value = ''; }); apply(); });
  // a link can carry a filter: report.html#authority=E06000032&check=value-mismatch
  new URLSearchParams(location.hash.slice(1)).forEach(function(v, k){ if (sel[k]) sel[k].value = v; });
  apply();
})();
"""

NO_PLACE = "(none: header or whole file)"


def _authority(issue: Issue) -> str:
    return issue.authority_code or issue.authority or ""


def _indicator(issue: Issue) -> str:
    return issue.indicator_id or ""


def _options(pairs: list[tuple[str, str]], everything: str) -> str:
    out = [f"<option value=''>{escape(everything)}</option>"]
    out += [f"<option value='{escape(value, quote=True)}'>{escape(label)}</option>" for value, label in pairs]
    return "".join(out)


def _summary_table(report: Report, by: str, title: str) -> str:
    rows = []
    for entry in report.summary(by):
        key = entry["key"]
        if key is None:
            label = NO_PLACE
        elif by == "authority":
            label = f"{entry['name']} ({key})" if entry["name"] and entry["name"] != key else str(key)
        else:
            label = f"{key}: {entry['name']}" if entry["name"] else f"{key} (not an indicator)"
        pick = f" data-pick='{by}' data-value='{escape(str(key), quote=True)}' title='Show only these'" if key else ""
        rows.append(f"<tr{pick}><td>{escape(label)}</td><td class='n'>{entry['errors']:,}</td>"
                    f"<td class='n'>{entry['warnings']:,}</td></tr>")
    return (f"<div><h2>{escape(title)} ({len(rows):,})</h2><div class='scroll'><table><tr>"
            f"<th>{'Authority' if by == 'authority' else 'Indicator'}</th><th>Errors</th><th>Warnings</th></tr>"
            + "".join(rows) + "</table></div></div>")


def to_html(report: Report, show: int = 500) -> str:
    meta = report.meta
    status = "valid" if report.valid else "invalid"
    title = escape(str(meta.get("title", "csc-outcomes report")))
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{title}</title>", f"<style>{_STYLE}</style></head><body>",
             f"<h1>{title}: <span class='{status}'>{status.upper()}</span></h1><dl>"]
    for key, value in meta.items():
        if key != "title":
            parts.append(f"<dt>{escape(key.replace('_', ' '))}</dt><dd>{escape(str(value))}</dd>")
    parts.append(f"<dt>errors</dt><dd>{report.count(Severity.ERROR):,}</dd>"
                 f"<dt>warnings</dt><dd>{report.count(Severity.WARNING):,}</dd></dl>")
    parts.append("<p>Rows are numbered and columns lettered as a spreadsheet shows them (the header is row 1). "
                 "Cells are shortened: this report locates problems and does not copy records.</p>")
    issues = report.issues
    if issues:
        parts.append("<div class='summary'>" + _summary_table(report, "authority", "Problems by authority")
                     + _summary_table(report, "indicator", "Problems by indicator") + "</div>")
        authorities = sorted({(_authority(i), f"{i.authority or '?'} ({_authority(i)})"
                               if i.authority_code else (i.authority or "")) for i in issues if _authority(i)},
                             key=lambda p: p[1])
        indicators = sorted({(i.indicator_id, f"{i.indicator_id}: {i.indicator_name}" if i.indicator_name
                              else str(i.indicator_id)) for i in issues if i.indicator_id})
        checks = sorted({(i.code, f"{i.code}: {i.type.title}") for i in issues})
        parts.append("<form class='filters' onsubmit='return false'>"
                     f"<label>Authority<select id='f-authority'>{_options(authorities, 'All authorities')}</select></label>"
                     f"<label>Indicator<select id='f-indicator'>{_options(indicators, 'All indicators')}</select></label>"
                     f"<label>Check<select id='f-check'>{_options(checks, 'All checks')}</select></label>"
                     "<button type='button' id='f-clear'>Show all</button>"
                     "<span id='shown' class='shown'></span></form>")
    for task in report.tasks:
        rows = task.stats.get("rows")
        parts.append(f"<h2>{escape(task.name)}{f' ({rows:,} rows)' if rows is not None else ''}</h2>")
        groups: dict[str, list[Issue]] = defaultdict(list)
        for issue in task.issues:
            groups[issue.code].append(issue)
        if not groups:
            parts.append("<p class='valid'>No problems found.</p>")
        for code in sorted(groups, key=lambda c: (list(Severity).index(task.severity_of(c)), c)):
            listed = sorted(groups[code], key=lambda i: (i.row is not None, i.row or 0))
            severity = task.severity_of(code)
            total = len(listed) + task.more.get(code, 0)
            parts.append(f"<section class='check {severity.value}'><h3>{escape(listed[0].type.title)} "
                         f"<code>{escape(code)}</code>: <span class='count'>{len(listed):,}</span>"
                         f"{f' listed of {total:,}' if total > len(listed) else ''}</h3>"
                         f"<p class='hint'>What to do: {escape(listed[0].type.hint)}</p>"
                         "<table><tr><th>Row</th><th>Column</th><th>Field</th><th>Authority</th><th>Indicator</th>"
                         "<th>Cell</th><th>Problem</th></tr>")
            for issue in listed[:show]:
                indicator = escape(issue.indicator_id or "")
                if issue.indicator_name:
                    indicator = f"<span title='{escape(issue.indicator_name, quote=True)}'>{indicator}</span>"
                parts.append(
                    f"<tr data-check='{escape(code, quote=True)}' data-authority='{escape(_authority(issue), quote=True)}' "
                    f"data-indicator='{escape(_indicator(issue), quote=True)}'>"
                    f"<td>{'' if issue.row is None else issue.row}</td><td>{escape(issue.column or '')}</td>"
                    f"<td>{escape(issue.field or '')}</td><td>{escape(issue.authority or '')}</td>"
                    f"<td>{indicator}</td><td>{escape(issue.cell or '')}</td><td>{escape(issue.message)}</td></tr>")
            parts.append("</table>")
            if total > min(show, len(listed)):
                parts.append(f"<p>... and {total - min(show, len(listed)):,} more not listed.</p>")
            parts.append("</section>")
    if issues:
        parts.append(f"<script>{_SCRIPT}</script>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
