import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { lineChart } from './plot.js';
import type { RunResult } from './record.js';
import { single, summarize } from './stats.js';
import { comparisonTable } from './table.js';
import { tableToMarkdown, toCsv, writeRunFolder } from './writer.js';

const run: RunResult = {
  runId: 'r1',
  scenario: 's',
  quick: true,
  seed: 'seed',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:01.000Z',
  environment: {
    cpuModel: 'cpu, with comma',
    cores: 2,
    memoryBytes: 1024,
    platform: 'linux',
    nodeVersion: 'v20',
    opensslVersion: '3',
    gitCommit: 'abc',
    topologyFile: 'cluster-config/local.json',
    launcher: 'piscina',
    hostname: 'h',
  },
  records: [
    { scenario: 's', experiment: 'fig1', source: 'measured', parameters: { sizeBytes: 10, procs: 2 }, metrics: { wallMs: summarize([1, 2, 3]), speedupX: single(1.5) }, threads: 2, status: 'completed' },
    { scenario: 's', experiment: 'fig1', source: 'paper', parameters: { sizeBytes: 10, note: 'a "quoted" note' }, metrics: { speedupX: single(6.7) }, threads: 12, status: 'completed' },
    { scenario: 's', experiment: 'fig1', source: 'measured', parameters: { sizeBytes: 20 }, metrics: {}, threads: 1, status: 'errored', error: 'boom' },
  ],
};

type Row = Record<string, string>;

test('CSV: one row per (record, metric), parameter and environment columns, missing values empty', () => {
  const rows = parse(toCsv(run), { columns: true }) as Row[];
  assert.equal(rows.length, 4);
  const paper = rows.find((r) => r.source === 'paper')!;
  assert.equal(paper.metric, 'speedupX');
  assert.equal(paper.median, '6.7');
  assert.equal(paper.sd, '', 'a missing spread is empty, never 0');
  assert.equal(paper['param.procs'], '');
  assert.equal(paper['param.note'], 'a "quoted" note');
  assert.equal(paper['env.cpuModel'], 'cpu, with comma');
  const wall = rows.find((r) => r.metric === 'wallMs')!;
  assert.equal(wall.samples, '3');
  assert.equal(wall.median, '2');
  assert.equal(wall.q1, '1.5');
  assert.equal(wall.threads, '2');
  const errored = rows.find((r) => r.status === 'errored')!;
  assert.equal(errored.error, 'boom');
  assert.equal(errored.metric, '');
});

test('Markdown tables show empty cells for absent figures', () => {
  const md = tableToMarkdown(comparisonTable('T', [{ figure: 'speedup', unit: 'x', paper: 6.7, measured: 1.92345 }]));
  assert.match(md, /\| speedup \| x \| 6\.7 \|  \| 1\.923 \|  \|/);
});

test('the run folder appears whole, with every file, or not at all', async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'writer-'));
  try {
    const plot = lineChart({ name: 'p', title: 'P', rows: [{ x: 1, y: 2 }, { x: 2, y: 4 }], x: { field: 'x', title: 'x' }, y: { field: 'y', title: 'y' } });
    await writeRunFolder(path.join(parent, 'ok'), run, { title: 'T', plots: [plot], tables: [], notes: ['n'] });
    assert.deepEqual(fs.readdirSync(path.join(parent, 'ok')).sort(), ['index.html', 'p.png', 'p.svg', 'p.vl.json', 'report.md', 'results.csv', 'results.json']);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(parent, 'ok', 'results.json'), 'utf8')), run);
    const png = fs.readFileSync(path.join(parent, 'ok', 'p.png'));
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    const html = fs.readFileSync(path.join(parent, 'ok', 'index.html'), 'utf8');
    assert.match(html, /<svg/);
    assert.match(html, /1 point\(s\) errored: fig1: boom/);
    const broken = { ...plot, spec: { mark: 'nonsense' } as never };
    await assert.rejects(writeRunFolder(path.join(parent, 'bad'), run, { title: 'T', plots: [broken], tables: [], notes: [] }));
    assert.deepEqual(fs.readdirSync(parent), ['ok'], 'nothing left of the failed folder');
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
});

test('long plot subtitles wrap at word boundaries', async () => {
  const { wrapLines } = await import('./plot.js');
  assert.deepEqual(wrapLines('aaa bbb ccc ddd', 7), ['aaa bbb', 'ccc ddd']);
  assert.deepEqual(wrapLines(['one', 'two three'], 5), ['one', 'two', 'three']);
  assert.deepEqual(wrapLines(undefined), []);
});
