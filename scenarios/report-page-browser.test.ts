// The report page of the committed reference set in a real browser (Debian's chromium): the verdict
// summaries come first with one row a claim of the three papers, each with one of the five verdicts and
// a why unless reproduced, and no figure of a paper's table is read from two runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { claimRow, summaryTable } from '../engine/report/claims.js';
import { writePage } from '../engine/report/page.js';
import { loadRuns } from '../engine/report/runs.js';
import { VERDICTS } from '../engine/report/verdict.js';
import { projectPath } from '../engine/runtime/project.js';
import { CLAIMS } from './claims.js';
import { FIGURES, PAPERS } from './figures.js';
import { scenarios } from './index.js';

const CHROMIUM = '/usr/bin/chromium';
const noBrowser = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (engine/report/ensure-chromium.sh installs it)`;

test('the reference set\'s page in chromium: a verdict for every claim, why unless reproduced, no figure mixing runs', { skip: noBrowser }, async (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `report-reference-page-${process.pid}-`));
  t.after(() => fs.rmSync(out, { recursive: true, force: true }));
  const reference = await loadRuns(projectPath('reports', 'reference'), 'reference');
  // A newer quick run under load that holds part of Fig. 13 (1 and 2 encryptors), as the one that once
  // made the reference's throughput appear to collapse: it must not fill any of Fig. 13's rows.
  const speedBound = reference.runs.find((r) => r.run.scenario === 'speed-bound')!;
  const quickRun = structuredClone(speedBound.run);
  Object.assign(quickRun, { quick: true, startedAt: '2030-01-01T00:00:00.000Z', finishedAt: '2030-01-01T00:01:00.000Z', runId: '20300101T000000.000Z-speed-bound-abcdef' });
  quickRun.records = quickRun.records.filter((r) => r.source === 'measured' && Number(r.parameters.parallels) <= 2).map((r) => ({ ...r, metrics: { throughputMBps: { samples: 1, median: 1 } } }));
  const quickDir = path.join(out, 'runs', quickRun.runId);
  fs.mkdirSync(quickDir, { recursive: true });
  fs.writeFileSync(path.join(quickDir, 'results.json'), JSON.stringify(quickRun));
  const runs = [...reference.runs, ...(await loadRuns(path.join(out, 'runs'), 'local')).runs];
  assert.equal(runs.length, reference.runs.length + 1);
  const rows = CLAIMS.map((c) => claimRow(c, runs));
  const summaries = PAPERS.map((p) => ({ paper: p.id, table: summaryTable(p, rows.filter((r) => r.def.paper === p.id)) }));
  const { htmlFile } = await writePage({ papers: PAPERS, scenarios, figures: FIGURES, runs, skipped: [], outDir: out, generatedAt: new Date().toISOString(), summaries });

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
  assert.deepEqual(errors, []);
  assert.equal(await page.locator('h2').first().innerText(), 'What reproduces');

  const summary = await page.$$eval('#summary tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  assert.equal(summary.length, CLAIMS.length, 'one row a claim');
  for (const [claim, , , , verdict, why] of summary) {
    assert.ok((VERDICTS as readonly string[]).includes(verdict), `${claim}: "${verdict}" is a verdict`);
    if (verdict !== 'reproduced') assert.ok(why.length > 20, `${claim}: ${verdict}, and why`);
  }
  for (const p of PAPERS) assert.ok(summary.some(([claim]) => CLAIMS.some((c) => c.paper === p.id && claim.includes(c.claim))), `paper ${p.id} has claims on the page`);

  // Each paper's table: the rows of one figure name one run for what they measured.
  for (const p of PAPERS) {
    const cells = await page.$$eval(`#paper-${p.id} ~ .scroll table`, (tables) => {
      const t = tables[0];
      return [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''));
    });
    const measuredRun = (from: string) => (from.includes('measured: ') ? from.slice(from.indexOf('measured: ') + 10) : from.replace(/^simulated: .*/, ''));
    const byFigure = new Map<string, Set<string>>();
    for (const row of cells) {
      const run = measuredRun(row[8]);
      if (!run) continue;
      byFigure.set(`${row[0]}`, (byFigure.get(row[0]) ?? new Set()).add(run));
    }
    for (const [figure, fromRuns] of byFigure) assert.equal(fromRuns.size, 1, `paper ${p.id}, ${figure}: one run, not ${[...fromRuns].join(' / ')}`);
    if (p.id === '003') assert.ok([...byFigure.get('Fig. 13')!][0].startsWith('reference run'), 'Fig. 13 from the full reference run, not the newer quick one');
  }
});
