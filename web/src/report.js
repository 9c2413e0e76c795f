// The report as a person reads it: grouped by error type as the CLI's text and HTML reports group
// it (errors, then warnings, then notes; by code), with the hint, and the authority and
// indicator of each row where the return names one the release knows.

import { severityOf } from './engine.js';

export const SHOW = 200; // issues shown per type (as the CLI's HTML report)
const ORDER = ['error', 'warning', 'info'];
const LABEL = { error: 'Error', warning: 'Warning', info: 'Note' };

export function groups(report, pack) {
  const task = report.tasks[0];
  const more = task.unlisted || {};
  const by = new Map();
  for (const i of task.errors) {
    if (!by.has(i.type)) by.set(i.type, []);
    by.get(i.type).push(i);
  }
  const t = { issues: task.errors, more };
  return [...by.keys()]
    .map((type) => {
      const issues = by.get(type).slice().sort((a, b) => ((a.row ?? null) === null ? -1 : 0) - ((b.row ?? null) === null ? -1 : 0) ||
        (a.row ?? 0) - (b.row ?? 0));
      return { type, severity: severityOf(t, type, pack), title: issues[0].title, hint: issues[0].hint,
        issues, total: issues.length + (more[type] || 0) };
    })
    .sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

// What a row is about, from the return's own codes and the release's names.
export function describe(ctx, names) {
  if (!ctx) return { place: '', indicator: '' };
  let place = '';
  if (ctx.new_la_code && names.authorities[ctx.new_la_code]) place = names.authorities[ctx.new_la_code];
  else if (ctx.region_code && names.regions[ctx.region_code] && ctx.geographic_level === 'Regional') place = names.regions[ctx.region_code];
  else if (ctx.geographic_level === 'National') place = 'England';
  const indicator = ctx.indicator_id && names.indicators[ctx.indicator_id] ? names.indicators[ctx.indicator_id] : '';
  return { place, indicator };
}

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const n = (x) => x.toLocaleString('en-GB');

// The body of the report (used on the page and in the downloaded HTML file).
export function reportHtml(report, pack, context, names, { headingLevel = 2 } = {}) {
  const h = (k) => `h${headingLevel + k}`;
  const task = report.tasks[0];
  const status = report.valid ? 'valid' : 'invalid';
  const parts = [];
  parts.push(`<div class="summary ${status}"><${h(0)} class="result-heading" tabindex="-1">` +
    `${esc(task.name)}: ${report.valid ? 'valid' : 'not valid'}</${h(0)}>` +
    `<p>${n(report.stats.errors)} error(s), ${n(report.stats.warnings)} warning(s)` +
    `${report.stats.infos ? `, ${n(report.stats.infos)} note(s)` : ''} in ${n(task.stats.rows)} row(s). ` +
    `Checked against framework version ${esc(report.meta.framework_version)}.</p>` +
    (report.meta.read ? `<p>Read: ${esc(report.meta.read)}.</p>` : '') + '</div>');
  const list = groups(report, pack);
  if (!list.length) parts.push('<p>No problems found.</p>');
  else {
    parts.push('<p class="note">Rows are numbered as a spreadsheet shows them (the header is row 1). ' +
      'Cells are shortened to 40 characters: the report locates problems and does not copy records.</p>');
  }
  for (const g of list) {
    const id = `group-${g.type}`;
    parts.push(`<section class="group ${g.severity}" aria-labelledby="${id}">` +
      `<${h(1)} id="${id}"><span class="tag ${g.severity}">${LABEL[g.severity]}</span> ${esc(g.title)} ` +
      `<code>${esc(g.type)}</code> <span class="count">× ${n(g.total)}</span></${h(1)}>` +
      `<p class="hint"><strong>What to do:</strong> ${esc(g.hint)}</p>` +
      '<table><thead><tr><th scope="col">Row</th><th scope="col">Field</th><th scope="col">Cell</th>' +
      '<th scope="col">Problem</th><th scope="col">Authority</th><th scope="col">Indicator</th></tr></thead><tbody>');
    for (const i of g.issues.slice(0, SHOW)) {
      const d = describe(context.get(i.row), names);
      parts.push(`<tr><td data-label="Row">${i.row ?? ''}</td><td data-label="Field">${esc(i.field)}</td>` +
        `<td data-label="Cell">${esc(i.cell)}</td><td data-label="Problem"><span>${esc(i.message)}` +
        `${i.note ? ` <span class="why">(${esc(i.note)})</span>` : ''}</span></td>` +
        `<td data-label="Authority">${esc(d.place)}</td><td data-label="Indicator">${esc(d.indicator)}</td></tr>`);
    }
    parts.push('</tbody></table>');
    if (g.total > SHOW) {
      parts.push(`<p>… and ${n(g.total - SHOW)} more${g.issues.length > SHOW ? ' (all listed ones are in the Excel and JSON downloads)' : ''}.</p>`);
    }
    parts.push('</section>');
  }
  return parts.join('\n');
}

// A self-contained HTML file an analyst can open and send on: no scripts, no external files.
export function reportDocument(report, pack, context, names, css) {
  return '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>csc-outcomes validate: ${esc(report.tasks[0].name)}</title><style>${css}</style></head>` +
    '<body><main class="page"><h1>csc-outcomes validate</h1>' +
    reportHtml(report, pack, context, names, { headingLevel: 2 }) + '</main></body></html>\n';
}

// Rows for the Excel download: every listed issue, with its place and indicator.
export function reportRows(report, pack, context, names) {
  const header = ['Severity', 'Type', 'Title', 'Row', 'Field', 'Cell', 'Problem', 'Note', 'Authority', 'Indicator', 'What to do'];
  const rows = [header.map((value) => ({ value, fontWeight: 'bold' }))];
  for (const g of groups(report, pack)) {
    for (const i of g.issues) {
      const d = describe(context.get(i.row), names);
      rows.push([g.severity, g.type, g.title, i.row ?? null, i.field ?? null, i.cell ?? null, i.message,
        i.note ?? null, d.place || null, d.indicator || null, g.hint].map((v) => (v === null ? null : { value: v })));
    }
    if (g.total > g.issues.length) {
      rows.push([g.severity, g.type, g.title, null, null, null, `${n(g.total - g.issues.length)} more not listed`,
        null, null, null, g.hint].map((v) => (v === null ? null : { value: v })));
    }
  }
  return rows;
}

