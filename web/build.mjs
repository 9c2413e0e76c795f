// Build the browser validator into the docs site (docs/validator/, copied by `mkdocs build`):
// the page, its bundled script, DuckDB's wasm and worker files (served from the same origin: no
// CDN), and every shipped release's rule pack with the names of its authorities and indicators.
//
//   npm ci && npm run build            (from web/)
//   OUT=dir npm run build              (elsewhere)
//
// A release without a rule pack fails the build: the page would otherwise offer a version it
// cannot check against.

import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = path.resolve(process.env.OUT || path.join(root, 'docs', 'validator'));
const releasesDir = path.join(root, 'src', 'csc_outcomes', 'releases');
// For trying a pack before it is released (development only): a folder of <version>/rulepack.json.
const packsDir = process.env.CSC_RULEPACKS ? path.resolve(process.env.CSC_RULEPACKS) : releasesDir;
const duckdbDist = path.join(here, 'node_modules', '@duckdb', 'duckdb-wasm', 'dist');

function fail(message) {
  console.error(`build: ${message}`);
  process.exit(2);
}

const key = (v) => v.split('.').map(Number);
const newestFirst = (a, b) => { const x = key(a), y = key(b); for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return y[i] - x[i]; return 0; };

const versions = fs.readdirSync(releasesDir)
  .filter((v) => fs.existsSync(path.join(releasesDir, v, 'catalogue.json')))
  .sort(newestFirst);
if (!versions.length) fail(`no release in ${releasesDir}: run \`csc-outcomes release build\` first`);

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'duckdb'), { recursive: true });

for (const v of versions) {
  const pack = path.join(packsDir, v, 'rulepack.json');
  if (!fs.existsSync(pack)) fail(`release ${v} has no rule pack (${pack}): rebuild it with \`csc-outcomes release build\``);
  const catalogue = JSON.parse(fs.readFileSync(path.join(releasesDir, v, 'catalogue.json'), 'utf8'));
  const list = (id) => (catalogue.code_lists.find((c) => c.id === id) || { codes: [] }).codes;
  const names = {
    indicators: Object.fromEntries(catalogue.indicators.map((i) => [i.id, i.name])),
    authorities: Object.fromEntries(list('local-authorities').map((c) => [String(c.code), c.label])),
    regions: Object.fromEntries(list('regions').map((c) => [String(c.code), c.label])),
    sets: Object.fromEntries(catalogue.indicator_sets.map((s) => [s.id, s.name])),
  };
  const target = path.join(out, 'releases', v);
  fs.mkdirSync(target, { recursive: true });
  const parsed = JSON.parse(fs.readFileSync(pack, 'utf8'));
  if (parsed.framework_version !== v) fail(`${pack} is for framework version ${parsed.framework_version}, not ${v}`);
  fs.writeFileSync(path.join(target, 'rulepack.json'), JSON.stringify(parsed));
  fs.writeFileSync(path.join(target, 'names.json'), JSON.stringify(names));
}
fs.writeFileSync(path.join(out, 'releases', 'releases.json'), JSON.stringify({ versions }, null, 1));

for (const f of ['duckdb-mvp.wasm', 'duckdb-eh.wasm', 'duckdb-browser-mvp.worker.js', 'duckdb-browser-eh.worker.js']) {
  fs.copyFileSync(path.join(duckdbDist, f), path.join(out, 'duckdb', f));
}
for (const f of fs.readdirSync(path.join(here, 'static'))) fs.copyFileSync(path.join(here, 'static', f), path.join(out, f));

await build({
  entryPoints: [path.join(here, 'src', 'main.js')],
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  sourcemap: false,
  outfile: path.join(out, 'app.js'),
  logLevel: 'warning',
  legalComments: 'eof',
});
console.log(`build: ${out} (framework versions ${versions.join(', ')})`);
