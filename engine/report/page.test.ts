// The report page's builder: which run each cell comes from (the newest that has it, the reference
// set when no local run does), paper | simulated | measured cells, a corrupt results.json named and
// left out, a scenario without a run, and promotion into the reference set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FIGURES, fullRecords, PAPERS, record, run, SCENARIOS, writeRun } from './fixtures/page-runs.js';
import { buildPage, paperTable, writePage, type PageInput } from './page.js';
import { promote } from './reference.js';
import { loadRuns, type LoadedRun } from './runs.js';

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `report-page-${process.pid}-`));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The table's row whose quantity is `quantity`, as column -> cell. */
function rowOf(runs: LoadedRun[], quantity: string, prefer: 'reference' | 'newest' = 'reference'): Record<string, unknown> {
  const { table } = paperTable(PAPERS[0], FIGURES, runs, prefer);
  const row = table.rows.find((r) => r[1] === quantity);
  assert.ok(row, `a row "${quantity}"`);
  return Object.fromEntries(table.columns.map((c, i) => [c, row[i]]));
}

test('paper | simulated (fit, error against the paper) | measured, the simulation of the paper\'s profile only', async (t) => {
  const root = await tempDir(t);
  await writeRun(root, run('2026-01-01T00:00:00.000Z', fullRecords(40)));
  const { runs } = await loadRuns(root, 'local');
  const cells = rowOf(runs, 'time, 1 GB');
  assert.equal(cells.paper, 100);
  assert.equal(cells.simulated, 110, 'the model of the paper profile, not of this machine (999)');
  assert.equal(cells.fit, 'predicted');
  assert.equal(cells['simulated vs paper'], '+10.0 %');
  assert.equal(cells['measured here'], 40);
  assert.match(String(cells.from), /^local run 20260101T000000\.000Z-alpha-[0-9a-f]{6}, full$/);
  const text = rowOf(runs, 'response');
  assert.equal(text.paper, 'Allowed', 'a text figure: the paper record\'s parameter');
  assert.equal(text['measured here'], 'allowed');
  const noModel = rowOf(runs, 'time, 1 KB');
  assert.equal(noModel.simulated, undefined, 'simulated: false leaves the cell empty');
  assert.equal(noModel.fit, undefined);
});

test('cell sources: a full reference run wins over local runs unless --prefer newest; a quick run never replaces a full one; every cell names its run, full or quick', async (t) => {
  const local = path.join(await tempDir(t), 'runs');
  const reference = path.join(path.dirname(local), 'reference');
  await writeRun(reference, run('2026-01-01T00:00:00.000Z', fullRecords(40)));
  await writeRun(local, run('2026-02-01T00:00:00.000Z', fullRecords(30)));
  // The newest: a quick run with only the 1 KB point, and with no model.
  await writeRun(local, run('2026-03-01T00:00:00.000Z', [record('measured', 'fig1', { sizeBytes: 1 }, { wallMs: 2 })], { quick: true, mode: 'measure' }));
  const runs = [...(await loadRuns(reference, 'reference')).runs, ...(await loadRuns(local, 'local')).runs];
  assert.equal(runs.length, 3);

  const big = rowOf(runs, 'time, 1 GB');
  assert.equal(big['measured here'], 40, 'the reference run, though a local one is newer');
  assert.equal(big.from, 'reference run (Fixture CPU, 2 cores, host fixture-host, 2026-01-01, full)');
  const small = rowOf(runs, 'time, 1 KB');
  assert.equal(small['measured here'], 1, 'the quick run\'s 1 KB point does not replace the full run\'s');
  assert.match(String(small.from), /^reference run .*full\)$/);

  const newest = rowOf(runs, 'time, 1 GB', 'newest');
  assert.equal(newest['measured here'], 30, '--prefer newest: the February local run');
  assert.match(String(newest.from), /^local run 20260201T000000\.000Z-alpha-[0-9a-f]{6}, full$/);
  assert.equal(rowOf(runs, 'time, 1 KB', 'newest')['measured here'], 1, 'still a full run: the quick one is never preferred to it');

  const quickOnly = runs.filter((r) => r.run.quick);
  assert.equal(rowOf(quickOnly, 'time, 1 KB')['measured here'], 2, 'a quick run when it is all there is');
  assert.match(String(rowOf(quickOnly, 'time, 1 KB').from), /, quick$/);
  assert.equal(rowOf(quickOnly, 'time, 1 GB')['measured here'], 'not in the run this figure is read from: npm run scenario -- alpha', 'a run exists, but not of that point');
});

test('one figure is never assembled from two runs: a run holding part of a figure gives all of it, the rest left empty', async (t) => {
  const root = await tempDir(t);
  // Two full runs: the newer has only the 1 KB point of Fig. 1, the older both points.
  await writeRun(root, run('2026-01-01T00:00:00.000Z', fullRecords(40)));
  await writeRun(root, run('2026-02-01T00:00:00.000Z', [record('measured', 'fig1', { sizeBytes: 1 }, { wallMs: 7 })], { mode: 'measure' }));
  const { runs } = await loadRuns(root, 'local');
  const big = rowOf(runs, 'time, 1 GB');
  const small = rowOf(runs, 'time, 1 KB');
  assert.equal(small['measured here'], 7);
  assert.equal(big['measured here'], 'not in the run this figure is read from: npm run scenario -- alpha', 'not the older run\'s 40');
  assert.equal(big.simulated, 110, 'the model comes from the one run that has it');
  assert.match(String(big.from), /^local run 20260101T000000\.000Z-alpha-[0-9a-f]{6}, full$/, 'and names it');
});

test('a corrupt or off-schema results.json is named with what is wrong and left out; the page still builds and lists it', async (t) => {
  const dir = await tempDir(t);
  const root = path.join(dir, 'runs');
  await writeRun(root, run('2026-01-01T00:00:00.000Z', fullRecords(40)));
  await fs.mkdir(path.join(root, 'broken'));
  await fs.writeFile(path.join(root, 'broken', 'results.json'), '{"schemaVersion": 2, "runId": ');
  const offSchema = run('2026-01-02T00:00:00.000Z', fullRecords(41));
  (offSchema.records[0] as { source: string }).source = 'rumour';
  await writeRun(root, offSchema);
  await fs.mkdir(path.join(root, 'not-a-run'));
  await fs.mkdir(path.join(root, '.tmp-abc-in-progress'));
  await fs.writeFile(path.join(root, '.tmp-abc-in-progress', 'results.json'), '{');

  const { runs, skipped } = await loadRuns(root, 'local');
  assert.equal(runs.length, 1);
  const problems = new Map(skipped.map((s) => [path.basename(path.dirname(s.file)), s]));
  assert.deepEqual([...problems.keys()].sort(), [offSchema.runId, 'broken'].sort(), 'a folder without results.json is not a run, a temporary one is not yet');
  assert.match(problems.get('broken')!.problem, /^is not JSON: /);
  assert.equal(problems.get('broken')!.file, path.join(root, 'broken', 'results.json'));
  assert.match(problems.get(offSchema.runId)!.problem, /result\.schema\.json: \/records\/0\/source must be equal to one of the allowed values/);

  const page = await buildPage(input(dir, runs, skipped));
  assert.match(page.html, /2 results\.json left out/);
  assert.ok(page.html.includes(path.join(root, 'broken', 'results.json')), 'the page names the file');
  assert.match(page.markdown, /broken\/results\.json` is not JSON/);
});

function input(outDir: string, runs: LoadedRun[], skipped: PageInput['skipped'] = []): PageInput {
  return { papers: PAPERS, scenarios: SCENARIOS, figures: FIGURES, runs, skipped, outDir, generatedAt: '2026-04-01T00:00:00.000Z' };
}

test('a scenario with no run says how to make one; plots and folders are linked relative to the page; both files written whole', async (t) => {
  const dir = await tempDir(t);
  const runDir = await writeRun(path.join(dir, 'runs'), run('2026-01-01T00:00:00.000Z', fullRecords(40)), 'fig-1.svg');
  await fs.writeFile(path.join(runDir, 'index.html'), '<!doctype html><title>run</title>');
  const { runs } = await loadRuns(path.join(dir, 'runs'), 'local');
  const out = path.join(dir, 'site');
  const { htmlFile, markdownFile } = await writePage(input(out, runs));
  assert.deepEqual((await fs.readdir(out)).sort(), ['index.html', 'report.md'], 'no temporary file left');
  const html = await fs.readFile(htmlFile, 'utf8');
  const md = await fs.readFile(markdownFile, 'utf8');
  for (const text of [html, md]) assert.ok(text.includes('no run yet: npm run scenario -- beta'), 'the row and the list say how to run beta');
  const relative = `../runs/${path.basename(runDir)}`;
  assert.ok(html.includes(`<img src="${relative}/fig-1.svg"`), 'the plot by a relative path');
  assert.ok(html.includes(`href="${relative}/index.html"`), 'the run folder linked');
  assert.ok(md.includes(`](${relative}/fig-1.svg)`));
  assert.ok(!/(src|href)="(\/|file:|https?:)/.test(html), 'nothing absolute or remote');
  assert.match(html, /CPU: Fixture CPU, 2 cores, 1\.0 GiB/);
  assert.match(html, /commit abc123/);
  assert.equal((html.match(/<table>/g) ?? []).length, 2, 'one table a paper');
});

test('--promote copies the run folder, replaces the scenario\'s reference, and the README names the machine', async (t) => {
  const dir = await tempDir(t);
  const first = await writeRun(path.join(dir, 'runs'), run('2026-01-01T00:00:00.000Z', fullRecords(40)), 'a.svg');
  await fs.writeFile(path.join(first, 'a.png'), 'a plot as PNG');
  const reference = path.join(dir, 'reference');
  const { dir: promoted, files } = await promote(first, reference, ['alpha', 'beta'], 'not a full run: fixture');
  assert.equal(promoted, path.join(reference, 'alpha'));
  assert.deepEqual((await fs.readdir(promoted)).sort(), ['a.png', 'a.svg', 'promoted.json', 'results.json']);
  assert.deepEqual(files.sort(), ['a.png', 'a.svg', 'promoted.json', 'results.json']);
  const readme = await fs.readFile(path.join(reference, 'README.md'), 'utf8');
  assert.match(readme, /\| alpha \| full \| both \| Fixture CPU, 2 cores, 1 GiB, host fixture-host \| Node v20\.0\.0, OpenSSL 3\.0\.0 \| abc123 \|.*\| not a full run: fixture \|/);

  const second = await writeRun(path.join(dir, 'runs'), run('2026-02-01T00:00:00.000Z', fullRecords(30)), 'b.svg');
  assert.match(readme, /^No reference run yet: beta /m);
  await promote(second, reference, ['alpha']);
  assert.deepEqual((await fs.readdir(promoted)).sort(), ['b.svg', 'promoted.json', 'results.json'], 'the old reference replaced whole');
  assert.deepEqual((await fs.readdir(reference)).sort(), ['README.md', 'alpha'], 'no temporary folder left');
  const { runs } = await loadRuns(reference, 'reference');
  assert.equal(runs[0].run.startedAt, '2026-02-01T00:00:00.000Z');
  assert.equal(runs[0].note, undefined);

  await fs.mkdir(path.join(dir, 'bad'));
  await fs.writeFile(path.join(dir, 'bad', 'results.json'), '[]');
  await assert.rejects(promote(path.join(dir, 'bad'), reference, ['alpha']), /bad\/results\.json does not match .*: not promoted/);
});
