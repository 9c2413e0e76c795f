// The page: load DuckDB (wasm, from this site) and every shipped release's rule pack once, then
// check files chosen by the user entirely in this browser. Nothing is fetched after loading.

import * as duckdb from '@duckdb/duckdb-wasm';
import readXlsxFile from 'read-excel-file/universal';
import writeExcelFile from 'write-excel-file/browser';

import { InputError, readTable, validate } from './engine.js';
import { reportDocument, reportHtml, reportRows } from './report.js';

const $ = (id) => document.getElementById(id);
const PROFILE = new URLSearchParams(location.search).has('profile'); // time each query, in the console
const here = (path) => new URL(path, document.baseURI).href;
const state = { warm: null, db: null, packs: new Map(), names: new Map(), css: '', runs: 0, checks: 0, last: null };

function status(text, kind = '') {
  const el = $('status');
  el.textContent = text;
  el.className = `status ${kind}`;
}

async function fetchJson(path) {
  const response = await fetch(here(path));
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

async function startDuckDB() {
  const bundles = {
    mvp: { mainModule: here('duckdb/duckdb-mvp.wasm'), mainWorker: here('duckdb/duckdb-browser-mvp.worker.js') },
    eh: { mainModule: here('duckdb/duckdb-eh.wasm'), mainWorker: here('duckdb/duckdb-browser-eh.worker.js') },
  };
  const bundle = await duckdb.selectBundle(bundles);
  const worker = new Worker(bundle.mainWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  await db.open({ query: { castBigIntToDouble: false } });
  return db;
}

// Everything the page will need is fetched here, once: DuckDB, each release's pack and names.
async function load() {
  const [db, releases, css] = await Promise.all([
    startDuckDB(), fetchJson('releases/releases.json'), fetch(here('report.css')).then((r) => r.text())]);
  state.db = db;
  state.css = css;
  const select = $('version');
  await Promise.all(releases.versions.map(async (v) => {
    const [pack, names] = await Promise.all([fetchJson(`releases/${v}/rulepack.json`), fetchJson(`releases/${v}/names.json`)]);
    state.packs.set(v, pack);
    state.names.set(v, names);
  }));
  for (const v of releases.versions) {
    const option = document.createElement('option');
    option.value = v;
    option.textContent = v === releases.versions[0] ? `${v} (newest)` : v;
    select.append(option);
  }
  // everything is fetched: the warm-up needs no network, and a check waits for it to finish
  state.warm = warmUp(state.packs.get(releases.versions[0])).catch(() => {})
    .then(() => { document.body.dataset.warm = 'true'; });
  select.disabled = false;
  select.addEventListener('change', fillSets);
  fillSets();
  $('check').disabled = false;
  document.body.dataset.ready = 'true';
  status('Ready. Choose a file and select "Check the file".');
}

// The indicator sets of the chosen version.
function fillSets() {
  const names = state.names.get($('version').value);
  const select = $('set');
  const keep = select.value;
  select.replaceChildren(new Option('No completeness check', ''));
  for (const [id, name] of Object.entries(names.sets || {})) select.append(new Option(`${name} (${id})`, id));
  select.value = names.sets && keep in names.sets ? keep : '';
}

async function readSheet(bytes, wanted) {
  const sheets = await readXlsxFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  if (!sheets.length) throw new InputError('the workbook has no sheets');
  const chosen = wanted ? sheets.find((s) => s.sheet === wanted) : sheets[0];
  if (!chosen) throw new InputError(`the workbook has no sheet '${wanted}'; its sheets are: ${sheets.map((s) => s.sheet).join(', ')}`);
  return { sheetName: chosen.sheet, data: chosen.data };
}

function adapter(conn, db, files) {
  return {
    query: async (text) => {
      const started = performance.now();
      const rows = (await conn.query(text)).toArray().map((r) => r.toJSON());
      if (PROFILE) console.info(`${Math.round(performance.now() - started)} ms: ${text.replace(/\s+/g, ' ').slice(0, 120)}`);
      return rows;
    },
    register: async (name, bytes) => {
      files.push(name);
      await db.registerFileBuffer(name, bytes);
    },
  };
}

// What each listed row is about (authority, indicator), read from the return itself.
async function rowContext(sql, report) {
  const rows = [...new Set(report.tasks[0].errors.map((e) => e.row).filter((r) => Number.isInteger(r)))];
  const context = new Map();
  if (!rows.length) return context;
  const found = await sql.query(
    `SELECT _row, geographic_level, region_code, new_la_code, indicator_id FROM ret WHERE _row IN (${rows.join(',')})`);
  for (const r of found) context.set(Number(r._row), r);
  return context;
}

// Each check runs in a database of its own, dropped afterwards with the files it registered.
async function inRun(work) {
  const run = ++state.runs;
  const conn = await state.db.connect();
  const files = [];
  try {
    await conn.query(`ATTACH ':memory:' AS run${run}`);
    await conn.query(`USE run${run}`);
    return await work(adapter(conn, state.db, files));
  } finally {
    try {
      await conn.query('USE memory');
      await conn.query(`DETACH DATABASE IF EXISTS run${run}`);
    } catch (e) { /* the run's database is dropped with the connection */ }
    await conn.close();
    for (const f of files) await state.db.dropFile(f);
  }
}

async function check(event) {
  event.preventDefault();
  const file = $('file').files[0];
  $('error').hidden = true;
  if (!file) {
    showError('Choose a file to check: a CSV or an Excel (.xlsx) return.');
    $('file').focus();
    return;
  }
  const version = $('version').value;
  const pack = state.packs.get(version);
  const names = state.names.get(version);
  $('check').disabled = true;
  $('result').hidden = true;
  status(`Checking ${file.name}…`, 'busy');
  try {
    const started = performance.now();
    await state.warm;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const headerRow = Number($('header-row').value || 1);
    const table = await readTable(file.name, bytes, {
      encoding: $('encoding').value || null, headerRow, sheet: $('sheet').value.trim() || null, readSheet });
    const { report, context } = await inRun(async (sql) => {
      const report = await validate(sql, pack, file.name, table,
        { indicatorSet: $('set').value || null, requireComplete: $('require-complete').checked });
      return { report, context: await rowContext(sql, report) };
    });
    const seconds = (performance.now() - started) / 1000;
    state.last = { report, pack, context, names, file: file.name };
    show(report, pack, context, names, seconds);
  } catch (e) {
    if (e instanceof InputError) showError(e.message);
    else showError(`The file could not be checked: ${e && e.message ? e.message : e}`);
    status('');
  } finally {
    $('check').disabled = false;
    document.body.dataset.done = String(++state.checks);
  }
}

// A first check of a return made up here from the pack's own reference tables (every indicator
// for every authority), run while the page loads: the browser compiles DuckDB's hot code then,
// so the user's first check runs at full speed. No file of the user's is involved.
const WARM_UP_ROWS = 8000;

async function warmUp(pack) {
  const col = (table, name) => table.columns.findIndex(([c]) => c === name);
  const ind = pack.tables.ind, la = pack.tables.la_codes;
  const id = col(ind, 'id'), code = col(la, 'code'), legacy = col(la, 'legacy'), label = col(la, 'label'), parent = col(la, 'parent');
  const fields = pack.fields.filter((f) => !f.optional).map((f) => f.name);
  const lines = [fields.join(',')];
  for (const i of ind.rows) {
    for (const a of la.rows) {
      for (const year of [2024, 2025]) {
        if (lines.length > WARM_UP_ROWS) break;
        const row = { time_period: String(year), time_identifier: 'Reporting year', geographic_level: 'Local authority',
          country_code: 'E92000001', country_name: 'England', region_code: a[parent] ?? '', region_name: '',
          new_la_code: a[code], old_la_code: a[legacy] ?? '', la_name: a[label], indicator_id: i[id],
          breakdown_topic: 'Total', breakdown: 'Total', numerator: '10', denominator: '100', value: '10' };
        lines.push(fields.map((f) => (/[",]/.test(row[f] ?? '') ? `"${row[f].replace(/"/g, '""')}"` : row[f] ?? '')).join(','));
      }
    }
  }
  const bytes = new TextEncoder().encode(lines.join('\n') + '\n');
  const table = await readTable('warm-up.csv', bytes);
  await inRun((sql) => validate(sql, pack, 'warm-up.csv', table, { indicatorSet: Object.keys(state.names.get(pack.framework_version).sets || {})[0] || null }));
}

function showError(message) {
  const box = $('error');
  $('error-text').textContent = message;
  box.hidden = false;
  box.focus();
}

function show(report, pack, context, names, seconds) {
  const rows = report.tasks[0].stats.rows;
  $('report').innerHTML = reportHtml(report, pack, context, names, { headingLevel: 2 });
  $('result').hidden = false;
  status(`Checked ${rows.toLocaleString('en-GB')} row(s) in ${seconds.toFixed(1)} s.`, report.valid ? 'valid' : 'invalid');
  $('report').querySelector('.result-heading').focus();
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

const stem = (name) => name.replace(/\.[^.]+$/, '');

async function download(kind) {
  const last = state.last;
  if (!last) return;
  const base = `${stem(last.file)}-report`;
  if (kind === 'json') {
    save(new Blob([JSON.stringify(last.report, null, 2) + '\n'], { type: 'application/json' }), `${base}.json`);
  } else if (kind === 'html') {
    save(new Blob([reportDocument(last.report, last.pack, last.context, last.names, state.css)], { type: 'text/html' }), `${base}.html`);
  } else {
    const blob = await writeExcelFile(reportRows(last.report, last.pack, last.context, last.names), {
      sheet: 'Report', stickyRowsCount: 1,
      columns: [10, 28, 40, 8, 16, 20, 60, 20, 28, 40, 60].map((width) => ({ width })),
    }).toBlob();
    save(blob, `${base}.xlsx`);
  }
}

$('form').addEventListener('submit', check);
for (const kind of ['html', 'xlsx', 'json']) $(`download-${kind}`).addEventListener('click', () => download(kind));
load().catch((e) => {
  showError(`The checker could not start in this browser: ${e && e.message ? e.message : e}. ` +
    'It needs a current browser (Edge, Chrome, Firefox or Safari) with WebAssembly enabled.');
  status('');
});
