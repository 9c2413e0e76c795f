"""A comparison as JSON, CSV, a workbook, or a self-contained HTML page with its charts.

Every renderer reads the one Comparison; the charts are built once per indicator and breakdown
(`chart_set`) and serve the page, the SVG/PNG files and nothing else.
"""

from __future__ import annotations

import csv
import io
import json
from html import escape
from typing import Any, Iterator

from csc_outcomes.compare.charts import distribution_svg, trend_svg
from csc_outcomes.compare.compute import RECORD_FIELDS, Comparison

Key = tuple[str, str, str]


def _groups(cmp: Comparison) -> dict[Key, list[dict[str, Any]]]:
    out: dict[Key, list[dict[str, Any]]] = {}
    for r in cmp.records:
        out.setdefault((r["indicator_id"], r["breakdown_topic"], r["breakdown"]), []).append(r)
    return out


def _label(key: Key) -> str:
    return "" if key[1] == "Total" else f"{key[1]}: {key[2]}"


def _slug(key: Key) -> str:
    return "-".join(part.replace(" ", "_").replace("/", "_") for part in (key if key[1] != "Total" else key[:1]))


def chart_set(cmp: Comparison) -> Iterator[tuple[Key, str, str]]:
    """(key, trend SVG, distribution SVG) for every indicator and breakdown with a number."""
    a = cmp.authority
    for key, records in _groups(cmp).items():
        meta = cmp.indicators[key[0]]
        dp = meta.get("decimal_places") or 0
        if not any(r.get("la_value") is not None for r in records):
            continue
        breakdown = _label(key)
        unit = meta.get("unit") or ""
        title = meta["name"] + (f" ({breakdown})" if breakdown else "")
        trend = trend_svg(title, f"{a.name}, {unit}; neighbours: DfE {cmp.model} model", records, dp)
        points = cmp.distribution.get(key, [])
        latest = max((r["time_period"] for r in records if r["published"] and r["la_value"] is not None), default="")
        england = next((r["england_value"] for r in records if r["time_period"] == latest and r["published"]), None)
        dist = distribution_svg(title, f"Every authority, {latest} ({unit})", points, dp, england) if points else ""
        yield key, trend, dist


def to_json(cmp: Comparison) -> str:
    return json.dumps(cmp.to_dict(), indent=2, ensure_ascii=False) + "\n"


def to_csv(cmp: Comparison) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["la_code", "la_name", "indicator_name", *RECORD_FIELDS])
    for r in cmp.records:
        writer.writerow([cmp.authority.dfe_code, cmp.authority.name, cmp.indicators[r["indicator_id"]]["name"],
                         *("" if r[f] is None else r[f] for f in RECORD_FIELDS)])
    writer.writerow([])
    writer.writerow([cmp.caveat])
    return out.getvalue()


def _v(value: Any, dp: int) -> str:
    if value is None:
        return "&ndash;"
    if isinstance(value, float):
        return f"{value:,.{dp}f}"
    return escape(str(value))


_STYLE = """
body{font-family:Arial,Helvetica,sans-serif;margin:0;color:#0b0c0c;line-height:1.4}
main{max-width:1100px;margin:0 auto;padding:1.5rem}
h1{font-size:1.8rem;margin:.5rem 0}h2{font-size:1.35rem;margin-top:2.2rem;border-top:2px solid #b1b4b6;padding-top:1rem}
table{border-collapse:collapse;width:100%;font-size:.92rem;margin:.6rem 0}
th,td{text-align:right;border-bottom:1px solid #b1b4b6;padding:.35rem .45rem;vertical-align:top}
th:first-child,td:first-child{text-align:left}th{background:#f3f2f1}
.caveat{border-left:6px solid #1d70b8;background:#f3f2f1;padding:.7rem 1rem}
.unpublished{font-style:italic;color:#505a5f}.band{font-weight:bold}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.charts figure{margin:0;max-width:100%}
.charts svg{max-width:100%;height:auto;border:1px solid #dddddd}
figcaption a{margin-right:1rem}
.note{color:#505a5f;font-size:.9rem}
@media print{.downloads{display:none}}
"""


def _rank(r: dict[str, Any]) -> str:
    return "" if r["rank"] is None else f"{r['rank']} of {r['n_ranked']}"


def _download(name: str) -> str:
    """A button that saves the figure's own SVG (a blob made in the page: no request is sent)."""
    return f'<button type="button" class="download" data-name="{escape(name)}">Download SVG</button>'


_SCRIPT = """<script>
document.querySelectorAll('button.download').forEach(function (b) {
  b.addEventListener('click', function () {
    var svg = b.closest('figure').querySelector('svg');
    var url = URL.createObjectURL(new Blob([svg.outerHTML], {type: 'image/svg+xml'}));
    var a = document.createElement('a'); a.href = url; a.download = b.dataset.name + '.svg';
    document.body.appendChild(a); a.click(); a.remove(); URL.revokeObjectURL(url);
  });
});
</script>"""


def to_html(cmp: Comparison) -> str:
    a = cmp.authority
    groups = _groups(cmp)
    charts = {key: (trend, dist) for key, trend, dist in chart_set(cmp)}
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>{escape(a.name)}: comparison with statistical neighbours, region and England</title>",
             f"<style>{_STYLE}</style></head><body><main>",
             f"<h1>{escape(a.name)} compared with its statistical neighbours, region and England</h1>",
             f"<p class='caveat'><strong>Read with care.</strong> {escape(cmp.caveat)}</p>",
             f"<p>{escape(a.name)} ({escape(a.dfe_code)}, {escape(a.gss_code)}), {escape(a.region_name or '')}. "
             f"Statistical neighbours (DfE {escape(cmp.model)} model): {escape(', '.join(n for _, n in a.neighbours))}. "
             f"Framework version {escape(cmp.framework_version)}.</p>"]
    if cmp.returns:
        parts.append(f"<p class='unpublished'>Figures from {escape(', '.join(cmp.returns))} are the authority's own, "
                     "not yet published: marked as such, and hollow in the charts.</p>")
    parts.append("<p class='note'>Neighbours' mean: as DfE's Local Authority Interactive Tool computes it; median: "
                 "as DfE's children's social care dashboard does. Rank 1 and band A are the end the standard hopes "
                 "for; neither is a verdict. Suppressed figures are shown as their symbol and left out of every "
                 "average, rank and band.</p>")
    # summary of the latest period of each indicator and breakdown
    parts.append("<h2 id='summary'>Latest figures</h2><table><caption class='note'>The latest period with a figure "
                 "for each indicator and breakdown</caption><thead><tr><th scope='col'>Indicator</th>"
                 "<th scope='col'>Period</th><th scope='col'>Value</th><th scope='col'>Neighbours mean</th>"
                 "<th scope='col'>Neighbours median</th><th scope='col'>Region</th><th scope='col'>England</th>"
                 "<th scope='col'>Rank</th><th scope='col'>Band</th><th scope='col'>Change</th></tr></thead><tbody>")
    for key, records in groups.items():
        dp = cmp.indicators[key[0]].get("decimal_places") or 0
        r = records[-1]
        name = cmp.indicators[key[0]]["name"] + (f" ({_label(key)})" if _label(key) else "")
        value = _v(r["la_value"], dp) if r["la_value"] is not None else escape(r["la_symbol"] or "")
        parts.append(
            f"<tr{' class=unpublished' if not r['published'] else ''}><td><a href='#{escape(_slug(key))}'>"
            f"{escape(name)}</a>{'' if r['published'] else ' (not yet published)'}"
            f"{'' if r['match_type'] == 'exact' else ' [' + escape(r['match_type']) + ' match]'}</td>"
            f"<td>{escape(r['time_period'])}</td><td>{value}</td><td>{_v(r['sn_mean'], dp + 1)}</td>"
            f"<td>{_v(r['sn_median'], dp + 1)}</td><td>{_v(r['region_value'], dp)}</td>"
            f"<td>{_v(r['england_value'], dp)}</td>"
            f"<td>{_rank(r)}</td>"
            f"<td class='band'>{escape(r['quartile_band'] or '')}</td>"
            f"<td>{_v(r['change'], dp)}{'<br><span class=note>' + escape(r['reading']) + '</span>' if r['reading'] else ''}"
            "</td></tr>")
    parts.append("</tbody></table>")
    for key, records in groups.items():
        meta = cmp.indicators[key[0]]
        dp = meta.get("decimal_places") or 0
        name = meta["name"] + (f" ({_label(key)})" if _label(key) else "")
        parts.append(f"<h2 id='{escape(_slug(key))}'>{escape(name)}</h2>")
        parts.append(f"<p class='note'>{escape(meta.get('unit') or '')}. Hoped-for direction: "
                     f"{escape(str(meta.get('hoped_for_direction') or 'none').replace('_', ' '))}. "
                     f"{escape(meta.get('caveat') or '')}</p>")
        if key in charts:
            trend, dist = charts[key]
            parts.append("<div class='charts'>")
            parts.append(f"<figure>{trend}<figcaption class='downloads'>{_download(_slug(key) + '-trend')}"
                         "</figcaption></figure>")
            if dist:
                parts.append(f"<figure>{dist}<figcaption class='downloads'>"
                             f"{_download(_slug(key) + '-distribution')}</figcaption></figure>")
            parts.append("</div>")
        parts.append("<details><summary>The figures as a table</summary><table><thead><tr><th scope='col'>Period</th>"
                     "<th scope='col'>Value</th><th scope='col'>Neighbours mean</th><th scope='col'>Neighbours median</th>"
                     "<th scope='col'>Region</th><th scope='col'>England</th><th scope='col'>Rank</th>"
                     "<th scope='col'>Band</th><th scope='col'>Change</th></tr></thead><tbody>")
        for r in records:
            value = _v(r["la_value"], dp) if r["la_value"] is not None else escape(r["la_symbol"] or "")
            parts.append(f"<tr{' class=unpublished' if not r['published'] else ''}><td>{escape(r['time_period'])}"
                         f"{'' if r['published'] else ' (own, not yet published)'}</td><td>{value}</td>"
                         f"<td>{_v(r['sn_mean'], dp + 1)}</td><td>{_v(r['sn_median'], dp + 1)}</td>"
                         f"<td>{_v(r['region_value'], dp)}</td><td>{_v(r['england_value'], dp)}</td>"
                         f"<td>{_rank(r)}</td><td>{escape(r['quartile_band'] or '')}</td><td>{_v(r['change'], dp)}</td></tr>")
        parts.append("</tbody></table></details>")
    parts.append(f"<p class='caveat'>{escape(cmp.caveat)}</p></main>{_SCRIPT}</body></html>\n")
    return "".join(parts)


def to_xlsx(cmp: Comparison) -> bytes:
    """A summary sheet, then one sheet per indicator (and breakdown) for analysts who rework the numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    bold = Font(bold=True)
    summary = book.active
    summary.title = "Summary"
    a = cmp.authority
    summary.append([f"{a.name} ({a.dfe_code}, {a.gss_code}) compared with its statistical neighbours "
                    f"(DfE {cmp.model} model), region and England"])
    summary["A1"].font = Font(bold=True, size=13)
    summary.append([cmp.caveat])
    summary.append(["Neighbours: " + ", ".join(f"{n} ({c})" for c, n in a.neighbours)])
    summary.append([])
    header = ["indicator_id", "indicator", *RECORD_FIELDS[1:]]
    summary.append(header)
    for cell in summary[summary.max_row]:
        cell.font = bold
    used: set[str] = set()
    for key, records in _groups(cmp).items():
        r = records[-1]
        summary.append([r["indicator_id"], cmp.indicators[key[0]]["name"], *(r[f] for f in RECORD_FIELDS[1:])])
        name = (key[0] if key[1] == "Total" else f"{key[0]}-{key[2]}")[:31]
        for bad in "[]:*?/\\":
            name = name.replace(bad, "_")
        while name in used:
            name = name[:28] + f"~{len(used) % 100:02d}"
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append([cmp.indicators[key[0]]["name"] + (f" ({_label(key)})" if _label(key) else "")])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([cmp.indicators[key[0]].get("unit") or ""])
        sheet.append(list(RECORD_FIELDS))
        for cell in sheet[3]:
            cell.font = bold
        for rec in records:
            sheet.append([rec[f] for f in RECORD_FIELDS])
        sheet.freeze_panes = "A4"
        sheet.auto_filter.ref = f"A3:{chr(64 + len(RECORD_FIELDS))}{sheet.max_row}"
        sheet.column_dimensions["A"].width = 30
    summary.column_dimensions["A"].width = 30
    summary.column_dimensions["B"].width = 50
    raw = io.BytesIO()
    book.save(raw)
    return raw.getvalue()
