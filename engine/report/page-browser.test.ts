// The report page in a real browser: Debian's chromium driven by playwright-core, the page opened
// from disk (file://, no server) as a reader opens it. It loads with no console error and no failed
// request, every plot is drawn (an <img> with a width), every paper's table is there, and a
// screenshot is saved. engine/report/ensure-chromium.sh (npm test's pretest) installs chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FIGURES, fullRecords, PAPERS, record, run, SCENARIOS, writeRun } from './fixtures/page-runs.js';
import { writePage } from './page.js';
import { loadRuns } from './runs.js';

const CHROMIUM = '/usr/bin/chromium';
const noBrowser = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (engine/report/ensure-chromium.sh installs Debian's chromium as root with apt-get)`;

test('the page opens from disk in chromium: no console error, every plot drawn, every table there, a screenshot', { skip: noBrowser }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `report-browser-${process.pid}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const runsDir = path.join(dir, 'runs');
  const referenceDir = path.join(dir, 'reference');
  await writeRun(referenceDir, run('2026-01-01T00:00:00.000Z', fullRecords(40)), 'reference plot.svg');
  await writeRun(runsDir, run('2026-02-01T00:00:00.000Z', [record('measured', 'fig1', { sizeBytes: 1 }, { wallMs: 2 })], { quick: true, mode: 'measure' }), 'quick-plot.svg');
  const local = await loadRuns(runsDir, 'local');
  const reference = await loadRuns(referenceDir, 'reference');
  const out = path.join(dir, 'site');
  const { htmlFile } = await writePage({ papers: PAPERS, scenarios: SCENARIOS, figures: FIGURES, runs: [...reference.runs, ...local.runs], skipped: [], outDir: out, generatedAt: new Date().toISOString() });

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} (${r.failure()?.errorText})`));
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  const url = pathToFileURL(htmlFile).href;
  await page.goto(url, { waitUntil: 'load' });

  assert.deepEqual(problems, []);
  assert.ok(requested.every((u) => u.startsWith('file://')), `only files are requested: ${requested.join(', ')}`);
  const images = await page.$$eval('img', (imgs) => imgs.map((i) => ({ src: i.getAttribute('src'), complete: i.complete, naturalWidth: i.naturalWidth })));
  assert.equal(images.length, 2, 'both runs\' plots are on the page');
  for (const img of images) assert.ok(img.complete && img.naturalWidth > 0, `plot ${img.src} is drawn`);
  assert.equal(await page.locator('table').count(), PAPERS.length, 'one table a paper');
  for (const p of PAPERS) assert.equal(await page.locator(`h2#paper-${p.id}`).count(), 1, `paper ${p.id}'s section`);
  const body = await page.locator('body').innerText();
  assert.match(body, /no run yet: npm run scenario -- beta/);
  assert.match(body, /reference run \(Fixture CPU, 2 cores, host fixture-host, 2026-01-01\)/, 'the 1 GB row names the reference run');
  assert.match(body, /local run 20260201T000000\.000Z-alpha-[0-9a-f]{6}, quick/, 'the 1 KB row names the newer local run');

  const shot = path.join(dir, 'page.png');
  await page.screenshot({ path: shot, fullPage: true });
  const png = fs.readFileSync(shot);
  assert.ok(png.length > 1000, `screenshot of ${png.length} bytes`);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
});
