// Benchmark: how long the page takes to check each file in headless Chromium, and the most memory
// the browser's processes held meanwhile. Prints figures; not a test.
//
//   python bench/national.py /tmp/r100k.csv --rows 100000            (from the repository root)
//   cd web && npm run build && node bench/browser.mjs /tmp/r100k.csv [more files...]
//
// Serves docs/validator/ (the built page) on 127.0.0.1 and drives it with test/drive.mjs.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const site = path.resolve(process.env.SITE || path.join(here, '..', '..', 'docs', 'validator'));
const files = process.argv.slice(2).map((f) => path.resolve(f));
if (!files.length || !fs.existsSync(path.join(site, 'index.html'))) {
  console.error('usage: node bench/browser.mjs FILE... (after npm run build; SITE=dir for another build)');
  process.exit(2);
}
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };
const server = http.createServer((req, res) => {
  const file = path.join(site, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!file.startsWith(site) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/index.html`;

// the resident memory of the driver's process tree (Chromium's browser, renderer and GPU processes)
function treeRss(root) {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=']).toString().trim().split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const kids = new Map();
  for (const [pid, ppid] of table) kids.set(ppid, [...(kids.get(ppid) || []), pid]);
  const rss = new Map(table.map(([pid, , r]) => [pid, r]));
  let total = 0;
  const stack = [...(kids.get(root) || [])];
  while (stack.length) {
    const pid = stack.pop();
    total += rss.get(pid) || 0;
    stack.push(...(kids.get(pid) || []));
  }
  return total * 1024;
}

const child = spawn('node', [path.join(here, '..', 'test', 'drive.mjs'), url, ...files], { stdio: ['ignore', 'pipe', 'inherit'] });
let peak = 0;
const timer = setInterval(() => { try { peak = Math.max(peak, treeRss(child.pid)); } catch { /* process gone */ } }, 250);
let out = '';
child.stdout.on('data', (d) => { out += d; });
const code = await new Promise((ok) => child.on('close', ok));
clearInterval(timer);
server.close();
if (code !== 0) process.exit(code);
const result = JSON.parse(out);
console.log(`page ready in ${result.load_seconds.toFixed(1)} s, warmed up (a check of its own 8,000-row return) at ${result.warm_seconds.toFixed(1)} s`);
for (const r of result.results) {
  const size = fs.statSync(r.file).size / 1e6;
  if (r.error) console.log(`${path.basename(r.file)}: ${r.error}`);
  else {
    const s = r.report.stats;
    console.log(`${path.basename(r.file)} (${size.toFixed(0)} MB, ${r.report.tasks[0].stats.rows.toLocaleString('en-GB')} rows): ` +
      `${r.seconds.toFixed(1)} s from pressing the button to the report shown (engine ${s.seconds.toFixed(1)} s); ` +
      `${s.errors} errors, ${s.warnings} warnings`);
  }
}
console.log(`peak memory of the browser's processes: ${(peak / 1e9).toFixed(2)} GB (sampled every 0.25 s, all files)`);
