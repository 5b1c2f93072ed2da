// The report page in a real browser: Debian's chromium driven by playwright-core, the page opened
// from disk (file://, no server) as a reader opens it. It loads with no console error and no failed
// request, every plot is drawn (an <img> with a width), every paper's table is there, and its
// screenshot is a picture of it (a PNG of the page's size with more than one colour). Hostile text
// in a run folder (a plot's file name, a run note, a topology name) is shown as text: no script of
// it runs, on the report page or on the run's own page. engine/report/ensure-chromium.sh (npm test's
// pretest) installs chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FIGURES, fullRecords, PAPERS, record, run, SCENARIOS, writeRun } from './fixtures/page-runs.js';
import { claimRow, summaryTable, type ClaimDef } from './claims.js';
import { writePage } from './page.js';
import type { Page } from 'playwright-core';
import { promote } from './reference.js';
import { loadRuns } from './runs.js';
import { writeRunFolder } from './writer.js';

const CHROMIUM = '/usr/bin/chromium';
const noBrowser = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (engine/report/ensure-chromium.sh installs Debian's chromium as root with apt-get)`;

/** Three claims of the fixture paper: one the model reproduces, one outcome measured as the paper says, one it misses. */
const CLAIMS: ClaimDef[] = [
  { id: 'c-model', paper: '000', figure: 'Fig. 1', claim: 'time of 1 GB', unit: 'ms', rows: [FIGURES[0]], form: 'absolute' },
  { id: 'c-answer', paper: '000', figure: 'Table 2', claim: 'the response', unit: '', rows: [FIGURES[2]], form: 'outcome' },
  { id: 'c-miss', paper: '000', figure: 'Table 2', claim: 'the response is a refusal', unit: '', rows: [FIGURES[2]], form: 'outcome', expect: 'refused', cause: 'the fixture allows it' },
];

test('the page opens from disk in chromium: the verdict summary first, no console error, every plot drawn, every table there, no figure mixing runs, a screenshot that shows it', { skip: noBrowser }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `report-browser-${process.pid}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const runsDir = path.join(dir, 'runs');
  const referenceDir = path.join(dir, 'reference');
  await writeRun(referenceDir, run('2026-01-01T00:00:00.000Z', fullRecords(40)), 'reference plot.svg');
  // Newer local runs holding part of Fig. 1: a full one with the 1 KB point only, and a quick one.
  await writeRun(runsDir, run('2026-02-01T00:00:00.000Z', [record('measured', 'fig1', { sizeBytes: 1 }, { wallMs: 7 })], { mode: 'measure' }), 'partial-plot.svg');
  await writeRun(runsDir, run('2026-03-01T00:00:00.000Z', [record('measured', 'fig1', { sizeBytes: 1 }, { wallMs: 2 })], { quick: true, mode: 'measure' }), 'quick-plot.svg');
  const local = await loadRuns(runsDir, 'local');
  const reference = await loadRuns(referenceDir, 'reference');
  const runs = [...reference.runs, ...local.runs];
  const out = path.join(dir, 'site');
  const summaries = PAPERS.map((p) => ({ paper: p.id, table: summaryTable(p, CLAIMS.filter((c) => c.paper === p.id).map((c) => claimRow(c, runs))) }));
  const { htmlFile } = await writePage({ papers: PAPERS, scenarios: SCENARIOS, figures: FIGURES, runs, skipped: [], outDir: out, generatedAt: new Date().toISOString(), summaries });

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
  assert.deepEqual(images.map((i) => path.basename(decodeURIComponent(i.src ?? ''))), ['reference plot.svg'], 'the plots of the run the tables read');
  for (const img of images) assert.ok(img.complete && img.naturalWidth > 0, `plot ${img.src} is drawn`);
  assert.equal(await page.locator('#summary table').count(), PAPERS.length, 'one verdict summary a paper');
  assert.equal(await page.locator('table').count(), 2 * PAPERS.length, 'and one figure table a paper');
  const first = await page.locator('h2').first().innerText();
  assert.equal(first, 'What reproduces', 'the summary comes first');
  const link = await page.locator('#paper-000 ~ .scroll table tbody tr td a').first().getAttribute('href');
  assert.ok(link?.startsWith('#') && (await page.evaluate((id) => document.getElementById(id) !== null, link.slice(1))), `a table row links to its run's plots: ${link}`);
  assert.equal(await page.locator('figure a[href] > img').count(), 1, 'each plot links to its full size');
  const verdicts = await page.$$eval('#summary tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  const byClaim = new Map(verdicts.map((cells) => [cells[0], { verdict: cells[4], why: cells[5], from: cells[6] }]));
  assert.deepEqual(byClaim.get('Fig. 1: time of 1 GB [ms]'), { verdict: 'reproduced', why: "Not judged as measured: an absolute figure of the paper's hardware (measured here: 40, context only).", from: 'reference 2026-01-01, full' });
  assert.equal(byClaim.get('Table 2: the response')?.verdict, 'reproduced');
  assert.equal(byClaim.get('Table 2: the response is a refusal')?.verdict, 'not reproduced');
  assert.match(await page.locator('#summary h3').first().innerText(), /^Paper 000: 3 claims: 2 reproduced, 1 not reproduced$/);
  assert.match(byClaim.get('Table 2: the response is a refusal')?.why ?? '', /Measured "allowed" where the paper has "Allowed"\. the fixture allows it/);
  assert.ok(verdicts.find((v) => v[0] === 'beta') === undefined);
  const figureRows = await page.$$eval('#paper-000 ~ .scroll table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  const fig1 = figureRows.filter((cells) => cells[0] === 'Fig. 1');
  assert.equal(fig1.length, 2);
  assert.equal(new Set(fig1.map((cells) => cells[8])).size, 1, `Fig. 1's rows all name one run: ${fig1.map((c) => c[8]).join(' / ')}`);
  for (const p of PAPERS) assert.equal(await page.locator(`h2#paper-${p.id}`).count(), 1, `paper ${p.id}'s section`);
  const body = await page.locator('body').innerText();
  assert.match(body, /no run yet: npm run scenario -- beta/);
  assert.match(body, /reference run \(Fixture CPU, 2 cores, host fixture-host, 2026-01-01, full\)/, 'the rows name the reference run, full');
  assert.doesNotMatch(body, /local run \d/, 'no cell from the partial or the quick local run');

  const shot = path.join(dir, 'page.png');
  await page.screenshot({ path: shot, fullPage: true });
  const png = fs.readFileSync(shot);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  const pixels = await pngPixels(page, png);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.equal(pixels.width, 1280, 'the viewport\'s width');
  assert.equal(pixels.height, height, 'the whole page, not one screen');
  assert.ok(pixels.colours > 16, `the page's text and plots are in it: ${pixels.colours} colours`);
  assert.ok(pixels.dark > 0.001 && pixels.dark < 0.5, `text on a light page: ${(100 * pixels.dark).toFixed(2)} % dark pixels`);
});

/** A PNG decoded by the browser: its size, how many colours it has, and the share of dark pixels. */
async function pngPixels(page: Page, png: Buffer): Promise<{ width: number; height: number; colours: number; dark: number }> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      if (data[i] + data[i + 1] + data[i + 2] < 200) dark++;
    }
    return { width: canvas.width, height: canvas.height, colours: colours.size, dark: dark / (data.length / 4) };
  }, png.toString('base64'));
}

/** Every way text can run script: a handler in a quoted attribute, a script element, an image's onerror. */
const HOSTILE_PLOT = 't" onerror="window.__ran.push(\'plot\')" x=".svg';
const HOSTILE_NOTE = 'a note <script>window.__ran.push(\'note\')</script><img src=x onerror="window.__ran.push(\'note img\')"> [link](javascript:window.__ran.push(1)) | cell';
const HOSTILE_TOPOLOGY = '"><img src=x onerror="window.__ran.push(\'topology\')">.json';

test('hostile text from a run folder (a plot\'s file name, a run note, a topology name) runs no script in chromium, on the report page nor on the run\'s own page', { skip: noBrowser }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `report-hostile-${process.pid}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const hostile = run('2026-01-01T00:00:00.000Z', fullRecords(40));
  hostile.environment.topologyFile = HOSTILE_TOPOLOGY;
  hostile.environment.hostname = '<b>host</b>';
  // The run as the writer leaves it (its own index.html and report.md carry the note), plus a plot whose name is an attack and whose bytes do not decode.
  const runDir = path.join(dir, 'runs', hostile.runId);
  await writeRunFolder(runDir, hostile, { title: `alpha <script>window.__ran.push('title')</script>`, plots: [], tables: [{ title: 'a table', columns: ['a<b>'], rows: [[HOSTILE_NOTE]] }], notes: [HOSTILE_NOTE] });
  fs.writeFileSync(path.join(runDir, HOSTILE_PLOT), 'not an image');
  const reference = path.join(dir, 'reference');
  await promote(runDir, reference, ['alpha', 'beta'], HOSTILE_NOTE);
  assert.ok(fs.existsSync(path.join(reference, 'alpha', HOSTILE_PLOT)), 'the hostile plot reaches the reference set: the page must make it harmless');
  const { runs } = await loadRuns(reference, 'reference');
  const out = path.join(dir, 'site');
  const { htmlFile, markdownFile } = await writePage({ papers: PAPERS, scenarios: SCENARIOS, figures: FIGURES, runs, skipped: [], outDir: out, generatedAt: new Date().toISOString() });

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  t.after(() => browser.close());
  for (const file of [htmlFile, path.join(reference, 'alpha', 'index.html')]) {
    const page = await browser.newPage();
    await page.addInitScript(() => Object.assign(window, { __ran: [] }));
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForTimeout(200);
    const ran = await page.evaluate(() => (window as unknown as { __ran: unknown[] }).__ran);
    assert.deepEqual(ran, [], `${path.basename(path.dirname(file))}/index.html: no script of the run's text ran`);
    assert.deepEqual([dialogs, errors], [[], []]);
    assert.equal(await page.locator('script').count(), 0, 'no script element');
    const handlers = await page.$$eval('*', (els) => els.flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${e.tagName} ${a.name}`)));
    assert.deepEqual(handlers, [], 'no event-handler attribute on any element');
    assert.equal(await page.locator('a[href^="javascript:" i]').count(), 0, 'no javascript: link');
    const body = await page.locator('body').innerText();
    assert.ok(body.includes(HOSTILE_NOTE), 'the note is shown, as text');
    assert.ok(body.includes(HOSTILE_TOPOLOGY), 'the topology name is shown, as text');
    if (file === htmlFile) {
      const alts = await page.$$eval('img', (imgs) => imgs.map((i) => i.getAttribute('alt')));
      assert.ok(alts.includes(HOSTILE_PLOT), `the plot's name is its alt text, whole: ${alts.join(', ')}`);
    }
    await page.close();
  }
  const md = fs.readFileSync(markdownFile, 'utf8') + fs.readFileSync(path.join(reference, 'alpha', 'report.md'), 'utf8') + fs.readFileSync(path.join(reference, 'README.md'), 'utf8');
  // CommonMark reads `\<` as a plain `<` and `\[` as a plain `[`: only an unescaped one starts HTML or a link.
  assert.doesNotMatch(md, /(?<!\\)<(script|img|b)\b/i, 'no raw HTML in the Markdown files');
  assert.doesNotMatch(md, /(?<!\\)\]\(javascript:/i, 'no javascript: link in the Markdown files');
});
