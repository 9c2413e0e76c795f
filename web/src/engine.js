// Validate a return in the browser: read it into table `ret` as the CLI does, then run the
// release's rule pack (the same SQL the CLI runs) and build the CLI's report.
//
// `sql` is a small adapter over duckdb-wasm: query(text) -> rows as plain objects,
// register(name, bytes) to give DuckDB a file. Nothing here loops over the return's rows: reading,
// checking and counting are DuckDB's; JavaScript only handles the few rows DuckDB rejects.

import {
  InputError, fixBlankLines, fromLine, headerOf, parseCsv, scanLines, sheetToCsv, toCsv, toUtf8,
} from './read.js';

export const LIMIT = 1000; // issues listed per type; the rest are counted (the CLI's cap)
export const MAX_CELL = 40;

export function clip(value) {
  if (value === null || value === undefined) return null;
  const chars = Array.from(String(value));
  return chars.length <= MAX_CELL ? chars.join('') : chars.slice(0, MAX_CELL - 1).join('') + '…';
}

function quote(name) {
  return '"' + name.replace(/"/g, '""') + '"';
}

function literal(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NULL';
  return "'" + String(v).replace(/'/g, "''") + "'";
}

const num = (v) => (v === null || v === undefined ? v : Number(v));

function issue(pack, type, message, { row = null, field = null, cell = null, note = null } = {}) {
  const meta = pack.errors[type] || { title: type, severity: 'error', hint: '' };
  return { type, title: meta.title, severity: meta.severity, message, hint: meta.hint, row, field, cell: clip(cell), note };
}

// --- header -----------------------------------------------------------------------------------
// Columns are matched by name, not position (header.py).
export function checkHeader(pack, labels, headerRow) {
  const fields = pack.fields.map((f) => f.name);
  const optional = new Set(pack.fields.filter((f) => f.optional).map((f) => f.name));
  const known = new Set(fields);
  const columnOf = new Map();
  const seen = new Map();
  const issues = [];
  labels.forEach((raw, index) => {
    const label = raw.trim();
    const where = `column ${index + 1}`;
    if (!label) {
      issues.push(issue(pack, 'blank-label', `${where} has no header`, { row: headerRow, note: where }));
      return;
    }
    if (seen.has(label)) {
      issues.push(issue(pack, 'duplicate-label',
        `'${label}' is also the header of column ${seen.get(label) + 1}; the first is used`,
        { row: headerRow, field: label, note: where }));
      return;
    }
    seen.set(label, index);
    if (known.has(label)) columnOf.set(label, index);
    else {
      const near = fields.filter((f) => f.toLowerCase() === label.toLowerCase().replaceAll(' ', '_'));
      const hint = near.length ? ` (did you mean '${near[0]}'?)` : '';
      issues.push(issue(pack, 'extra-label', `'${label}' is not a column of the return${hint}`,
        { row: headerRow, field: label, note: where }));
    }
  });
  for (const name of fields) {
    if (!columnOf.has(name) && !optional.has(name)) {
      issues.push(issue(pack, 'missing-label', `the column '${name}' is missing`, { row: headerRow, field: name }));
    }
  }
  return { columnOf, issues };
}

// --- reading into `ret` (frame.py) ---------------------------------------------------------------
function readCsvSql(path, width, rejects) {
  const columns = '{' + Array.from({ length: width }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ') + '}';
  return `read_csv('${path}', columns=${columns}, header=true, auto_detect=false, delim=',', ` +
    `quote='"', escape='"', ignore_errors=true, store_rejects=true, ` +
    `rejects_table='${rejects}', rejects_scan='${rejects}_scan')`;
}

const SUMMARY = `
  CREATE TEMP TABLE rej_line AS
  SELECT line, any_value(csv_line) AS csv_line,
         CASE WHEN bool_and(error_type = 'MISSING COLUMNS') THEN 'short'
              WHEN bool_and(error_type = 'TOO MANY COLUMNS') THEN 'long' ELSE 'broken' END AS kind,
         min(TRY_CAST(regexp_extract(error_message, 'Found: ([0-9]+)', 1) AS INTEGER)) AS found_min,
         max(TRY_CAST(regexp_extract(error_message, 'Found: ([0-9]+)', 1) AS INTEGER)) AS found_max,
         string_agg(DISTINCT error_type::VARCHAR, ', ') AS errors,
         -- a row of empty cells only (',' or '"",""') is a blank row, whatever its width
         bool_and(regexp_full_match(trim(csv_line, chr(10) || chr(13)), '(""|)(,(""|))*')) AS empty,
         max(length(rtrim(csv_line, chr(10) || chr(13))) - length(replace(rtrim(csv_line, chr(10) || chr(13)), chr(10), '')))
             AS swallowed
  FROM rej GROUP BY line`;

async function rejectIssues(sql, pack, table, columnOf, limit) {
  const width = table.labels.length;
  const offset = table.firstRow - 2;
  const nameOf = new Map([...columnOf].map(([name, i]) => [i, name]));
  const issues = [];
  const more = {};
  // each row gives one issue per missing or extra cell (one for a row that cannot be split)
  const perRow = `CASE kind WHEN 'short' THEN ${width} - coalesce(found_min, ${width}) ` +
    `WHEN 'long' THEN coalesce(found_max, ${width + 1}) - ${width} ELSE 1 END`;
  const listed = {};
  const totals = {};
  const rows = await sql.query(`
      SELECT line, kind, found_min, found_max, errors, swallowed, sum(${perRow}) OVER (PARTITION BY kind) AS n,
             row_number() OVER (PARTITION BY kind ORDER BY line) AS k
      FROM rej_line WHERE NOT (kind = 'short' AND empty) QUALIFY k <= ${limit} ORDER BY line`);
  for (const r of rows) {
    const row = num(r.line) + offset;
    let added = [];
    if (r.kind === 'short') {
      const n = r.found_min !== null ? num(r.found_min) : width;
      for (let i = n; i < width; i++) {
        added.push(issue(pack, 'missing-cell', `row has ${n} cell(s) but the header has ${width}`,
          { row, field: nameOf.get(i) ?? (table.labels[i] || `column ${i + 1}`) }));
      }
    } else if (r.kind === 'long') {
      const n = r.found_max !== null ? num(r.found_max) : width + 1;
      for (let i = width; i < n; i++) {
        added.push(issue(pack, 'extra-cell', `row has ${n} cells but the header has ${width}`, { row, note: `cell ${i + 1}` }));
      }
    } else {
      const swallowed = num(r.swallowed);
      const what = swallowed
        ? `it and the ${swallowed} line(s) after it, up to the next closing quote, are not checked`
        : 'it is not checked further';
      added = [issue(pack, 'source-error', `the row cannot be split into cells (${r.errors.toLowerCase()}): ${what}`, { row })];
    }
    issues.push(...added);
    if (added.length) {
      listed[added[0].type] = (listed[added[0].type] || 0) + added.length;
      totals[added[0].type] = num(r.n);
    }
  }
  for (const [type, total] of Object.entries(totals)) {
    if (total > listed[type]) more[type] = (more[type] || 0) + total - listed[type];
  }
  return { issues, more };
}

async function loadFrame(sql, pack, table, columnOf) {
  const fields = pack.fields.map((f) => f.name);
  const width = table.labels.length;
  const offset = table.firstRow - 2;
  // DuckDB takes the bytes (the browser moves them to its worker); keep them only when they may
  // be needed again, to make blank lines rows
  const blankLines = table.blank;
  await sql.register('input.csv', blankLines ? table.bytes.slice() : table.bytes);
  await sql.query(`CREATE TABLE raw AS SELECT * FROM ${readCsvSql('input.csv', width, 'rej')}`);
  const [{ records }] = await sql.query(
    'SELECT (SELECT count(*) FROM raw) + (SELECT count(DISTINCT line) FROM rej) AS records');
  if (num(records) + 1 !== table.lines && blankLines) {
    const fixed = fixBlankLines(table.bytes, width);
    await sql.query('DROP TABLE raw');
    await sql.register('rows.csv', fixed);
    await sql.query(`CREATE TABLE raw AS SELECT * FROM ${readCsvSql('rows.csv', width, 'rej_again')}`);
    await sql.query('CREATE OR REPLACE TEMP TABLE rej AS SELECT * FROM rej_again');
  }
  await sql.query(SUMMARY);
  const { issues, more } = await rejectIssues(sql, pack, table, columnOf, LIMIT);
  const [{ kept }] = await sql.query('SELECT count(*) AS kept FROM raw');
  const [{ rejected }] = await sql.query('SELECT count(*) AS rejected FROM rej_line');
  const select = fields.map((f) => (columnOf.has(f) ? `c${columnOf.get(f)} AS ${quote(f)}` : `NULL::VARCHAR AS ${quote(f)}`))
    .join(', ');
  const blank = Array.from({ length: width }, (_, i) => `c${i} IS NULL`).join(' AND ') || 'false';
  if (!num(rejected)) {
    await sql.query(`CREATE VIEW ret AS SELECT rowid + ${table.firstRow} AS _row, (${blank}) AS _blank, ${select} FROM raw`);
    return { rows: num(kept), rejected: 0, issues, more, padded: false };
  }
  // Rows with too few or too many cells are checked on the cells they have: split here (they are
  // few), padded or cut to the header's width, and read back.
  const lines = (await sql.query("SELECT csv_line FROM rej_line WHERE kind IN ('short', 'long') ORDER BY line"))
    .map((r) => r.csv_line);
  const cells = lines.map((l) => {
    const row = parseCsv(l)[0] || [''];
    return Array.from({ length: width }, (_, i) => row[i] ?? '');
  });
  const header = Array.from({ length: width }, (_, i) => `c${i}`);
  await sql.register('reparsed.csv', new TextEncoder().encode(toCsv([header, ...cells])));
  await sql.query(`CREATE TEMP TABLE short AS SELECT * FROM ${readCsvSql('reparsed.csv', width, 'rej_short')}`);
  await sql.query("CREATE TEMP TABLE short_lines AS SELECT line, row_number() OVER (ORDER BY line) - 1 AS k " +
    "FROM rej_line WHERE kind IN ('short', 'long')");
  await sql.query(`
      CREATE TEMP TABLE rownum AS
      SELECT line + ${offset} AS _row, row_number() OVER (ORDER BY line) - 1 AS k
      FROM range(2, ${num(kept) + num(rejected)} + 2) r(line) ANTI JOIN rej_line USING (line)`);
  await sql.query(`
      CREATE TABLE ret AS
      SELECT * FROM (
          SELECT n._row, (${blank}) AS _blank, ${select}
          FROM (SELECT rowid AS k, * FROM raw) r JOIN rownum n USING (k)
          UNION ALL
          SELECT s.line + ${offset} AS _row, (${blank}) AS _blank, ${select}
          FROM (SELECT rowid AS k, * FROM short) r JOIN short_lines s USING (k))
      ORDER BY _row`);
  await sql.query('DROP TABLE raw');
  // the cells a short row lacks: reported as missing-cell, so not again by the checks of `ret`
  const fieldsAt = [...columnOf].map(([f, i]) => `(${i}, ${literal(f)})`).join(', ');
  await sql.query(columnOf.size ? `
      CREATE TEMP TABLE padded AS
      SELECT line + ${offset} AS _row, f.field FROM rej_line JOIN (VALUES ${fieldsAt}) f(i, field)
          ON f.i >= coalesce(found_min, ${width})
      WHERE kind = 'short'` : 'CREATE TEMP TABLE padded (_row BIGINT, field VARCHAR)');
  return { rows: num(kept) + cells.length, rejected: num(rejected) - cells.length, issues, more, padded: true };
}

// --- the rule pack (validators/pack_engine.py, findings.py) ----------------------------------------
// a short row's missing cells are reported as missing-cell only, not again as these
const PADDED_TYPES = new Set(['constraint-error', 'missing-value', 'missing-numerator', 'missing-denominator', 'geography-columns']);

async function loadPack(sql, pack) {
  for (const [name, table] of Object.entries(pack.tables)) {
    const columns = table.columns.map(([c, t]) => `${c} ${t}`).join(', ');
    await sql.query(`CREATE OR REPLACE TEMP TABLE ${name} (${columns})`);
    if (table.rows.length) {
      const values = table.rows.map((r) => '(' + r.map(literal).join(', ') + ')').join(', ');
      await sql.query(`INSERT INTO ${name} VALUES ${values}`);
    }
  }
  for (const statement of pack.setup) await sql.query(statement);
}

// How many more issues of this type may be listed (the cap is per type, across checks).
function room(findings, type) {
  return Math.max(findings.limit - findings.issues.filter((i) => i.type === type).length, 0);
}

function countMore(findings, type, total, listed) {
  if (total > listed) findings.more[type] = (findings.more[type] || 0) + total - listed;
}

async function addQuery(sql, pack, findings, type, text, note = null) {
  const space = room(findings, type);
  const rows = await sql.query(
    `SELECT _row, field, cell::VARCHAR AS cell, message, count(*) OVER () AS _n FROM (${text}) q ` +
    `ORDER BY _row NULLS FIRST, coalesce(field::VARCHAR, ''), coalesce(cell::VARCHAR, ''), message LIMIT ${Math.max(space, 1)}`);
  const added = rows.slice(0, space).map((r) => issue(pack, type, r.message, { row: num(r._row), field: r.field, cell: r.cell, note }));
  findings.issues.push(...added);
  if (rows.length) countMore(findings, type, num(rows[0]._n), added.length);
  return added;
}

// Many one-row checks in one scan of `source`; the first `room` issues of each type in row order
// are listed, the rest counted.
async function addRowChecks(sql, pack, findings, source, checks, padded = null) {
  if (!checks.length) return;
  const where = checks.map((c) => `(${c.where})`).join(' OR ');
  const codes = [...new Set(checks.map((c) => c.type))].sort();
  const space = Object.fromEntries(codes.map((c) => [c, room(findings, c)]));
  const hits = checks.map((c, i) => `CASE WHEN ${c.where} THEN struct_pack(k := ${i}, t := ${codes.indexOf(c.type)}, ` +
    `f := ${literal(c.field)}, d := ${literal(PADDED_TYPES.has(c.type))}, ` +
    `cell := (${c.cell || 'NULL'})::VARCHAR, message := ${c.message}) END`).join(', ');
  const skip = padded ? `WHERE NOT (e.d AND EXISTS (SELECT 1 FROM ${padded} p WHERE p._row = found._row AND p.field = e.f))` : '';
  const caps = '[' + codes.map((c) => space[c]).join(', ') + ']';
  const rows = await sql.query(`
      WITH found AS (SELECT _row, unnest(list_filter([${hits}], lambda x: x IS NOT NULL)) AS e
                     FROM ${source} s WHERE ${where}),
           hit AS (SELECT * FROM found ${skip})
      SELECT _row, e.k AS k, e.t AS t, e.cell AS cell, e.message AS message, count(*) OVER (PARTITION BY e.t) AS n,
             row_number() OVER (PARTITION BY e.t ORDER BY _row, e.f, e.k) AS i
      FROM hit QUALIFY i <= ${caps}[e.t + 1] OR i = 1 ORDER BY _row, e.f, e.k`);
  const totals = new Map();
  const listed = new Map();
  for (const r of rows) {
    const check = checks[num(r.k)];
    const type = check.type;
    totals.set(type, num(r.n));
    if (num(r.i) <= space[type]) {
      listed.set(type, (listed.get(type) || 0) + 1);
      findings.issues.push(issue(pack, type, r.message, { row: num(r._row), field: check.field, cell: r.cell, note: check.note ?? null }));
    }
  }
  for (const [type, n] of totals) countMore(findings, type, n, listed.get(type) || 0);
}

// Every check of the pack whose columns are in the file; `ret` must exist.
// A check runs when every column it `requires` is in the header; a row check also needs its own
// field in the file or optional (a missing column is reported once, as missing-label).
async function runPack(sql, pack, present, findings, { indicatorSet = null, requireComplete = false, padded = null } = {}) {
  await loadPack(sql, pack);
  const active = (c) => (c.requires || []).every((f) => present.has(f));
  const optional = new Set(pack.fields.filter((f) => f.optional).map((f) => f.name));
  const rowChecks = pack.row_checks.filter((c) => active(c) && (c.field === null || present.has(c.field) || optional.has(c.field)));
  await addRowChecks(sql, pack, findings, 't', rowChecks, padded);
  for (const q of pack.queries) if (active(q)) await addQuery(sql, pack, findings, q.type, q.sql, q.note ?? null);
  if (indicatorSet) {
    await sql.query(`CREATE OR REPLACE TEMP TABLE chosen_set AS SELECT ${literal(indicatorSet)}::VARCHAR AS set_id`);
    for (const statement of pack.set_setup || []) await sql.query(statement);
    for (const q of pack.set_queries || []) {
      if (!active(q)) continue;
      const added = await addQuery(sql, pack, findings, q.type, q.sql, q.note ?? null);
      if (requireComplete) for (const i of added) i.severity = 'error';
    }
  }
}

// One problem, one report (validate.py _dedupe).
function dedupe(findings) {
  const missing = new Set(findings.issues.filter((i) => i.type === 'missing-cell').map((i) => `${i.row}\u0000${i.field}`));
  const blank = new Set(findings.issues.filter((i) => i.type === 'blank-row').map((i) => i.row));
  if (!missing.size && !blank.size) return;
  const shadowed = new Set(['constraint-error', 'missing-value', 'missing-numerator', 'missing-denominator', 'geography-columns']);
  findings.issues = findings.issues.filter((i) => !(shadowed.has(i.type) && missing.has(`${i.row}\u0000${i.field}`)) &&
    !(i.type === 'primary-key' && blank.has(i.row)));
}

// At most `limit` issues of a type listed, the first in (row, field) order; the rest counted.
function cap(findings) {
  const byType = new Map();
  for (const i of findings.issues) {
    if (!byType.has(i.type)) byType.set(i.type, []);
    byType.get(i.type).push(i);
  }
  const kept = [];
  for (const [type, list] of byType) {
    let issues = list;
    if (issues.length > findings.limit) {
      const key = (i) => [i.row !== null && i.row !== undefined ? 1 : 0, i.row ?? 0, i.field ?? ''];
      issues = issues.slice().sort((a, b) => {
        const x = key(a), y = key(b);
        return x[0] - y[0] || x[1] - y[1] || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0);
      });
      countMore(findings, type, issues.length, findings.limit);
      issues = issues.slice(0, findings.limit);
    }
    kept.push(...issues);
  }
  findings.issues = kept;
}

// --- the whole validation -----------------------------------------------------------------------
export async function readTable(name, bytes, { encoding = null, headerRow = 1, readSheet = null, sheet = null } = {}) {
  if (headerRow < 1 || !Number.isInteger(headerRow)) throw new InputError('the header row counts from 1 (the first row of the sheet)');
  const lower = name.toLowerCase();
  if (/\.(xlsx|xlsm)$/.test(lower)) {
    const { sheetName, data } = await readSheet(bytes, sheet);
    const { bytes: csv, labels } = sheetToCsv(name, sheetName, data, headerRow);
    return { bytes: csv, labels, firstRow: headerRow + 1, ...scanLines(csv),
      notes: [`sheet '${sheetName}', header on row ${headerRow}`], size: bytes.length };
  }
  if (/\.(xls|xlsb|ods)$/.test(lower)) {
    throw new InputError(`${name}: this page reads .xlsx and .csv files; save it as .xlsx or CSV UTF-8.`);
  }
  const { bytes: utf8, notes } = toUtf8(name, bytes, encoding);
  let data = utf8;
  if (headerRow !== 1) {
    data = fromLine(name, utf8, headerRow);
    notes.push(`header on line ${headerRow}`);
  }
  const labels = headerOf(name, data);
  return { bytes: data, labels, firstRow: headerRow + 1, ...scanLines(data), notes, size: bytes.length };
}

export async function validate(sql, pack, name, table, { indicatorSet = null, requireComplete = false } = {}) {
  const started = performance.now();
  if (pack.format !== 1) throw new Error(`this page reads rule packs of format 1, not ${pack.format}: rebuild the page`);
  const fields = pack.fields.map((f) => f.name);
  const optional = new Set(pack.fields.filter((f) => f.optional).map((f) => f.name));
  const header = checkHeader(pack, table.labels, table.firstRow - 1);
  const present = new Set(header.columnOf.keys());
  const findings = { issues: [...header.issues], more: {}, limit: LIMIT };
  const absent = new Set(fields.filter((f) => !present.has(f) && !optional.has(f)));
  const frame = await loadFrame(sql, pack, table, header.columnOf);
  findings.issues.push(...frame.issues);
  for (const [k, n] of Object.entries(frame.more)) findings.more[k] = (findings.more[k] || 0) + n;
  await runPack(sql, pack, present, findings, { indicatorSet, requireComplete, padded: frame.padded ? 'padded' : null });
  const rows = frame.rows + frame.rejected;
  findings.issues = findings.issues.filter((i) => !absent.has(i.field) || i.type === 'missing-label');
  if (rows === 0) findings.issues.push(issue(pack, 'no-rows', 'no data rows after the header', { row: table.firstRow }));
  dedupe(findings);
  cap(findings);
  const meta = { title: 'csc-outcomes validate', input: name, framework_version: pack.framework_version, engine: 'duckdb-wasm' };
  if (indicatorSet) meta.indicator_set = indicatorSet;
  if (table.notes.length) meta.read = table.notes.join('; ');
  return makeReport({ name, issues: findings.issues, more: findings.more,
    stats: { rows, fields: table.labels.length, bytes: table.size } }, meta, (performance.now() - started) / 1000, pack);
}

// --- the report (report/model.py) ---------------------------------------------------------------
export function severityOf(task, type, pack) {
  const listed = task.issues.find((i) => i.type === type);
  return listed ? listed.severity : (pack.errors[type] || {}).severity || 'error';
}

export function count(task, severity, pack) {
  const listed = task.issues.filter((i) => i.severity === severity).length;
  return listed + Object.entries(task.more).filter(([t]) => severityOf(task, t, pack) === severity)
    .reduce((a, [, n]) => a + n, 0);
}

function strip(i) {
  const out = { type: i.type, title: i.title, severity: i.severity, message: i.message, hint: i.hint };
  for (const k of ['row', 'field', 'cell', 'note']) if (i[k] !== null && i[k] !== undefined) out[k] = i[k];
  return out;
}

export function makeReport(task, meta, seconds, pack) {
  const errors = count(task, 'error', pack);
  const valid = errors === 0;
  return {
    valid,
    stats: { errors, warnings: count(task, 'warning', pack), infos: count(task, 'info', pack), seconds: Math.round(seconds * 1000) / 1000 },
    meta,
    tasks: [{ name: task.name, valid, stats: task.stats, errors: task.issues.map(strip),
      ...(Object.keys(task.more).length ? { unlisted: task.more } : {}) }],
  };
}

export { InputError };
