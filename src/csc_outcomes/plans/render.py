"""Coverage as text, JSON or a self-contained HTML page: each reads the one Coverage model."""

from __future__ import annotations

import html
import json

from csc_outcomes.plans.coverage import Coverage, OutcomeCoverage

LABEL = {"reported": "reported as planned", "partly_reported": "partly reported", "switched": "SWITCHED",
         "not_reported": "NOT REPORTED"}
CAVEAT = ("Coverage says whether what was planned was reported, not whether the innovation worked: "
          "a figure alone is never a judgement of practice.")


def _line(o: OutcomeCoverage) -> str:
    text = f"{LABEL[o.status]}: {o.key} ({o.framework} {o.outcome}"
    text += f" {o.outcome_name})" if o.outcome_name else ")"
    text += f", planned {o.planned.label}"
    if o.status == "switched" and o.reported:
        text += f", reported {o.reported.label} [{o.match_type} match: {'; '.join(o.differences)}]"
    elif o.periods_reported:
        text += f", periods {', '.join(o.periods_reported)}"
    if o.note:
        text += f" ({o.note})"
    return text


def to_text(cov: Coverage) -> str:
    lines = []
    for p in cov.plans:
        lines.append(f"{p.file}: plan {p.plan} ({p.project})")
        lines.append(f"  results: {', '.join(p.results_files) or 'none given'}")
        for o in p.outcomes:
            lines.append(f"  - {_line(o)}")
        for u in p.unplanned:
            where = f" for {u.framework} {u.outcome}" if u.framework else ""
            lines.append(f"  - NOT PLANNED: {u.measure.label}{where}, periods {', '.join(u.periods)}"
                         + (f" ({u.note})" if u.note else ""))
        verdict = ("reported everything as planned" if p.reported_all_as_planned else
                   "reported every outcome, with switches" if p.reported_all else
                   f"dropped {p.count('not_reported')} planned outcome(s)")
        lines.append(f"  {verdict}")
    s = cov.summary()
    if len(cov.plans) > 1:
        lines.append(f"{s['reported_everything_planned']} of {s['plans']} plans reported every outcome they "
                     f"planned ({s['reported_everything_as_planned']} exactly as planned)")
        for g in cov.comparability:
            state = "comparable" if g["comparable"] else "NOT comparable"
            lines.append(f"  {g['framework']} {g['outcome']} {g['outcome_name']}: {state}")
            for grp in g["groups"]:
                lines.append(f"    {grp['measure']}: {', '.join(x['plan'] for x in grp['projects'])}")
    lines.append(f"{'OK' if cov.ok else 'NOT AS PLANNED'}: {s['reported']} reported, {s['partly_reported']} partly, "
                 f"{s['switched']} switched, {s['not_reported']} not reported, {s['unplanned']} not planned")
    lines.append(CAVEAT)
    return "\n".join(lines) + "\n"


def to_json(cov: Coverage) -> str:
    return json.dumps({**cov.to_dict(), "caveat": CAVEAT}, indent=2, ensure_ascii=False) + "\n"


_STYLE = """
body{font-family:Arial,Helvetica,sans-serif;margin:2rem;max-width:70rem;color:#0b0c0c;line-height:1.4}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;border-bottom:1px solid #b1b4b6;padding:.4rem .5rem;vertical-align:top}
th{background:#f3f2f1}.tag{display:inline-block;padding:.1rem .4rem;font-weight:bold;font-size:.85rem}
.reported{background:#cce2d8;color:#005a30}.partly_reported{background:#fff7bf;color:#594d00}
.switched{background:#fcd6c3;color:#6e3619}.not_reported{background:#f6d7d2;color:#942514}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.unplanned{background:#e8f1f8;color:#0c2d4a}.caveat{border-left:5px solid #1d70b8;padding:.5rem 1rem;background:#f3f2f1}
"""


def to_html(cov: Coverage) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>Evaluation plan coverage</title><style>{_STYLE}</style></head><body>",
             "<h1>Planned outcomes against reported results</h1>", f"<p class='caveat'>{e(CAVEAT)}</p>"]
    s = cov.summary()
    parts.append(f"<p><strong>{s['reported_everything_planned']} of {s['plans']}</strong> plan(s) reported every "
                 f"outcome they planned ({s['reported_everything_as_planned']} exactly as planned). "
                 f"{s['switched']} switched, {s['not_reported']} not reported, {s['unplanned']} not planned.</p>")
    for p in cov.plans:
        parts.append(f"<h2>{e(p.project)} <small>({e(p.plan)})</small></h2>")
        parts.append("<table><caption class='visually-hidden'>Planned outcomes and what was reported</caption>"
                     "<thead><tr><th scope='col'>Outcome</th><th scope='col'>Role</th><th scope='col'>Planned</th>"
                     "<th scope='col'>Reported</th><th scope='col'>Status</th></tr></thead><tbody>")
        for o in p.outcomes:
            reported = e(o.reported.label) if o.reported else "&mdash;"
            if o.periods_reported:
                reported += f"<br><small>periods {e(', '.join(o.periods_reported))}</small>"
            detail = ""
            if o.status == "switched":
                detail = f"<br><small>{e(o.match_type or '')} match: {e('; '.join(o.differences))}</small>"
            elif o.note:
                detail = f"<br><small>{e(o.note)}</small>"
            parts.append(f"<tr><td>{e(o.key)}<br><small>{e(o.framework)} {e(o.outcome)} {e(o.outcome_name)}</small></td>"
                         f"<td>{e(o.role)}</td><td>{e(o.planned.label)}</td><td>{reported}</td>"
                         f"<td><span class='tag {o.status}'>{e(LABEL[o.status])}</span>{detail}</td></tr>")
        for u in p.unplanned:
            parts.append(f"<tr><td>{e((u.framework or '') + ' ' + (u.outcome or ''))}</td><td>&mdash;</td>"
                         f"<td>&mdash;</td><td>{e(u.measure.label)}<br><small>periods {e(', '.join(u.periods))}"
                         f"</small></td><td><span class='tag unplanned'>not planned</span>"
                         f"{'<br><small>' + e(u.note) + '</small>' if u.note else ''}</td></tr>")
        parts.append("</tbody></table>")
    if cov.comparability:
        parts.append("<h2>Can the projects' figures be compared?</h2><table><thead><tr><th scope='col'>Outcome</th>"
                     "<th scope='col'>Measured with</th><th scope='col'>Projects</th></tr></thead><tbody>")
        for g in cov.comparability:
            for n, grp in enumerate(g["groups"]):
                head = (f"<td rowspan='{len(g['groups'])}'>{e(g['framework'])} {e(g['outcome'])} "
                        f"{e(g['outcome_name'])}<br><strong>{'comparable' if g['comparable'] else 'not comparable'}"
                        "</strong></td>") if n == 0 else ""
                parts.append(f"<tr>{head}<td>{e(grp['measure'])}</td>"
                             f"<td>{e(', '.join(x['plan'] for x in grp['projects']))}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>\n")
    return "".join(parts)
