// Drive the built page in Debian's Chromium as a person would: open it, choose each file, press
// "Check the file", download the JSON report. Prints one JSON document: each file's report (or
// the page's error message), the seconds each check took, and every network request the
// browser made, marked as made before or after the page said it was ready.
//
//   node test/drive.mjs URL [--offline] [--screenshot DIR] [--width N] [--header-row N] [--set S [--require-complete]] [--keyboard] FILE...
//
// With --keyboard the button and the download are reached with Tab and pressed with Enter, and the
// element focused after each check is recorded (it should be the report's heading).
//
// With --offline the browser is taken offline once the page has loaded: the checks must still work.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const url = args.shift();
let offline = false, shots = null, width = 1200, headerRow = null, set = null, complete = false, keyboard = false;
const files = [];
while (args.length) {
  const a = args.shift();
  if (a === '--offline') offline = true;
  else if (a === '--screenshot') shots = args.shift();
  else if (a === '--width') width = Number(args.shift());
  else if (a === '--header-row') headerRow = args.shift();
  else if (a === '--set') set = args.shift();
  else if (a === '--require-complete') complete = true;
  else if (a === '--keyboard') keyboard = true;
  else files.push(path.resolve(a));
}

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'csc-chromium-'));
const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'csc-downloads-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  acceptDownloads: true,
  downloadsPath: downloads,
  viewport: { width, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const requests = [];
let phase = 'load';
context.on('request', (r) => requests.push({ url: r.url(), phase, method: r.method() }));
context.on('requestfailed', (r) => requests.push({ url: r.url(), phase, failed: r.failure()?.errorText ?? 'failed' }));
const consoleErrors = [];
const out = { requests, results: [], console: consoleErrors };
try {
  const page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); else if (m.type() === 'info') out.info = [...(out.info || []), m.text()]; });
  // requests of the page and of its workers are all reported on the context
  const started = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120000 });
  out.load_seconds = (Date.now() - started) / 1000;
  phase = 'after'; // from here on, no request may be made
  if (offline) await context.setOffline(true);
  // the page warms DuckDB up on a return of its own after loading; a person choosing a file
  // takes longer than that, so each check below is timed from a warm page
  await page.waitForSelector('body[data-warm="true"]', { timeout: 120000, state: 'attached' });
  out.warm_seconds = (Date.now() - started) / 1000;
  if (shots) await page.screenshot({ path: path.join(shots, `ready-${width}.png`), fullPage: true });
  if (headerRow) {
    await page.click('details.options summary');
    await page.fill('#header-row', headerRow);
  }
  if (set) await page.selectOption('#set', set);
  if (complete) await page.check('#require-complete');
  let n = 0;
  for (const file of files) {
    n++;
    const result = { file };
    await page.setInputFiles('#file', file);
    const t0 = Date.now();
    if (keyboard) {
      await page.focus('#file');
      for (let k = 0; k < 40 && await page.evaluate(() => document.activeElement?.id) !== 'check'; k++) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
    } else await page.click('#check');
    await page.waitForFunction((k) => document.body.dataset.done === String(k), n, { timeout: 600000, polling: 100 });
    result.seconds = (Date.now() - t0) / 1000;
    if (!(await page.isHidden('#error'))) {
      result.error = await page.textContent('#error-text');
    } else {
      result.status = await page.textContent('#status');
      result.focused = await page.evaluate(() => document.activeElement?.textContent);
      let press = () => page.click('#download-json');
      if (keyboard) {
        press = async () => {
          for (let k = 0; k < 40 && await page.evaluate(() => document.activeElement?.id) !== 'download-json'; k++) await page.keyboard.press('Tab');
          await page.keyboard.press('Enter');
        };
      }
      const [download] = await Promise.all([page.waitForEvent('download'), press()]);
      const saved = path.join(downloads, `${n}.json`);
      await download.saveAs(saved);
      result.report = JSON.parse(fs.readFileSync(saved, 'utf8'));
      if (shots) {
        const stem = path.basename(file).replace(/\.[^.]+$/, '');
        await page.screenshot({ path: path.join(shots, `${stem}-${width}.png`), fullPage: true });
        for (const kind of ['html', 'xlsx']) {
          const [d] = await Promise.all([page.waitForEvent('download'), page.click(`#download-${kind}`)]);
          await d.saveAs(path.join(shots, `${stem}-report.${kind}`));
        }
      }
    }
    out.results.push(result);
  }
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
  fs.rmSync(downloads, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(out) + '\n');
