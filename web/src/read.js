// Turn what the user gave (CSV bytes in UTF-8, UTF-16 or a chosen encoding; an XLSX sheet) into
// one UTF-8 CSV that DuckDB reads, and the header labels. The same steps as the CLI's
// validators/reading.py, so both number rows the way a spreadsheet shows them.

export class InputError extends Error {}

const NL = 10, CR = 13, QUOTE = 34;
const CHUNK = 1 << 24;

// Lines (as Python counts them: newlines, plus one for a last line without one) and whether any
// line is empty, in one pass; indexOf finds each newline in native code.
export function scanLines(bytes) {
  let n = 0, blank = false;
  for (let i = bytes.indexOf(NL); i >= 0; i = bytes.indexOf(NL, i + 1)) {
    n++;
    if (!blank && (bytes[i + 1] === NL || (bytes[i + 1] === CR && bytes[i + 2] === NL))) blank = true;
  }
  const last = bytes.length ? bytes[bytes.length - 1] : NL;
  return { lines: n + (last === NL ? 0 : 1), blank };
}

// Is every byte ASCII (most returns)? Four bytes at a time.
function isAscii(bytes) {
  let acc = 0;
  const aligned = bytes.byteOffset % 4 === 0;
  const words = aligned ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2) : new Uint32Array(0);
  for (let i = 0; i < words.length; i++) acc |= words[i];
  if (acc & 0x80808080) return false;
  for (let i = words.length * 4; i < bytes.length; i++) if (bytes[i] > 127) return false;
  return true;
}

// Is the whole file valid UTF-8? Checked by the browser's own decoder, 16 MB at a time.
function isUtf8(bytes) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for (let at = 0; at < bytes.length; at += CHUNK) decoder.decode(bytes.subarray(at, at + CHUNK), { stream: true });
    decoder.decode();
    return true;
  } catch (e) {
    return false;
  }
}

function lineOf(bytes, offset) {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === NL) line++;
  return line;
}

// The first byte that is not valid UTF-8, or -1. Only called on files that are not ASCII.
function firstInvalidUtf8(bytes) {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) { i++; continue; }
    let need, min;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    if (i + need >= n) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function notUtf8(name, bytes, at) {
  const bad = bytes[at];
  const hex = bad.toString(16).toUpperCase().padStart(2, '0');
  const guess = (bad >= 0x80 && bad <= 0x9f) || bad === 0xa3 || bad === 0xa0 || bad === 0xe9
    ? " It looks like Windows-1252, which Excel writes when you choose 'CSV (Comma delimited)'." : '';
  return new InputError(`${name} is not UTF-8 text: byte 0x${hex} on line ${lineOf(bytes, at)} cannot be decoded.${guess} ` +
    "Save it again as 'CSV UTF-8 (Comma delimited)', or choose its encoding (for example Windows-1252) above.");
}

// Bytes as UTF-8: checked, or transcoded from UTF-16 (byte-order mark) or the chosen encoding.
export function toUtf8(name, bytes, encoding) {
  const notes = [];
  if (encoding && !/^utf-?8$/i.test(encoding)) {
    let text;
    try {
      text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
    } catch (e) {
      throw new InputError(`${name} cannot be read as ${encoding}: choose another encoding, or save it as 'CSV UTF-8'.`);
    }
    notes.push(`read as ${encoding}`);
    return { bytes: new TextEncoder().encode(text), notes };
  }
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const le = bytes[0] === 0xff;
    const text = new TextDecoder(le ? 'utf-16le' : 'utf-16be').decode(bytes.subarray(2));
    notes.push('read as utf-16');
    return { bytes: new TextEncoder().encode(text), notes };
  }
  if (!isAscii(bytes) && !isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    if (at >= 0) throw notUtf8(name, bytes, at);
  }
  return { bytes, notes };
}

// Split CSV text into records as Python's csv.reader does (quote ", doubled quote escapes).
export function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', i = 0, inQuotes = false, started = false;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') { cell += '"'; i += 2; continue; }
        inQuotes = false; i++; continue;
      }
      cell += ch; i++; continue;
    }
    if (ch === '"' && cell === '' && !started) { inQuotes = true; started = true; i++; continue; }
    if (ch === ',') { row.push(cell); cell = ''; started = false; i++; continue; }
    if (ch === '\r' || ch === '\n') {
      row.push(cell); rows.push(row); row = []; cell = ''; started = false;
      if (ch === '\r' && text[i + 1] === '\n') i++;
      i++; continue;
    }
    cell += ch; started = true; i++;
  }
  if (cell !== '' || row.length || started) { row.push(cell); rows.push(row); }
  return rows;
}

// The header record: the first line, read on while a quoted label spans lines.
export function headerOf(name, bytes) {
  let end = 0, quotes = 0;
  const limit = Math.min(bytes.length, 1 << 20);
  for (;;) {
    while (end < limit && bytes[end] !== NL) { if (bytes[end] === QUOTE) quotes++; end++; }
    if (end < limit && quotes % 2 === 1) { end++; continue; }
    break;
  }
  let first = new TextDecoder('utf-8').decode(bytes.subarray(0, Math.min(end + 1, bytes.length)));
  if (first.charCodeAt(0) === 0xfeff) first = first.slice(1);
  if (!first.trim()) {
    throw new InputError(`${name} is empty: the first line should be the header (time_period,time_identifier,geographic_level,...).`);
  }
  return parseCsv(first)[0] || [];
}

// Blank lines become rows of empty cells (so they are reported and no row number shifts). A blank
// line inside a quoted cell is data: a candidate counts only when the quotes before it balance.
export function fixBlankLines(bytes, width) {
  const filler = new Uint8Array(Math.max(width - 1, 0)).fill(44);
  const parts = [];
  let start = 0, quotes = 0, extra = 0;
  for (let i = 1; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) quotes++;
    if (bytes[i - 1] === NL && (b === NL || (b === CR && bytes[i + 1] === NL)) && quotes % 2 === 0) {
      parts.push(bytes.subarray(start, i), filler);
      extra += filler.length;
      start = i;
    }
  }
  // a quote counted at i is before the blank line at i only when it is not the line itself
  parts.push(bytes.subarray(start));
  const out = new Uint8Array(bytes.length + extra);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

// From the header line on, for a CSV with title lines above its header.
export function fromLine(name, bytes, headerRow) {
  let at = 0;
  for (let k = 1; k < headerRow; k++) {
    const next = bytes.indexOf(NL, at);
    if (next < 0) throw new InputError(`${name} has fewer than ${headerRow} lines; the header row is too large`);
    at = next + 1;
  }
  return bytes.subarray(at);
}

function quoteCell(s) {
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

export function toCsv(rows) {
  return rows.map((r) => r.map(quoteCell).join(',')).join('\n') + '\n';
}

function excelCell(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    const p = (x) => String(x).padStart(2, '0');
    return `${v.getUTCFullYear()}-${p(v.getUTCMonth() + 1)}-${p(v.getUTCDate())}T${p(v.getUTCHours())}:` +
      `${p(v.getUTCMinutes())}:${p(v.getUTCSeconds())}`;
  }
  return String(v);
}

// A sheet (rows of cell values) as CSV bytes, with the header labels. Empty cells past the
// header's width are spreadsheet padding, not extra cells.
export function sheetToCsv(name, sheetName, data, headerRow) {
  if (data.length < headerRow) {
    throw new InputError(`sheet '${sheetName}' of ${name} has ${data.length} row(s), so row ${headerRow} cannot be the header.`);
  }
  const header = (data[headerRow - 1] || []).map((v) => excelCell(v).trim());
  while (header.length && header[header.length - 1] === '') header.pop();
  const width = header.length;
  const lines = [header.map(quoteCell).join(',')];
  for (let r = headerRow; r < data.length; r++) {
    const cells = (data[r] || []).map(excelCell);
    let end = cells.length;
    while (end > width && cells[end - 1] === '') end--;
    lines.push(cells.slice(0, end).map(quoteCell).join(','));
  }
  return { bytes: new TextEncoder().encode(lines.join('\n') + '\n'), labels: header };
}
