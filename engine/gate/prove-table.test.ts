// The gate benchmark's detection table: per family and size, the runs the gate failed (any metric, and
// each metric), the mean measured change; for unchanged code, the false alarms per metric. CSV and
// Markdown carry the same rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { detectionCsv, detectionMarkdown, detectionRows, type Cell, type GateRun } from './prove-table.js';

const run = (code: number, verdicts: Record<string, [string, number]>): GateRun => ({
  code, seconds: 10, verdicts: Object.fromEntries(Object.entries(verdicts).map(([m, [verdict, changePct]]) => [m, { verdict, changePct }])),
});

const cells: Cell[] = [
  { family: 'ivcsd', sizePct: 10, metrics: ['rc4plus-vs-rc4'], runs: [run(1, { 'rc4plus-vs-rc4': ['regression', 12] }), run(0, { 'rc4plus-vs-rc4': ['ok', 6] }), run(1, { 'rc4plus-vs-rc4': ['regression', 15] })] },
];
const unchanged = [run(0, { 'ctr-aes': ['ok', 1], 'link-shm-10b': ['ok', -2] }), run(1, { 'ctr-aes': ['ok', 0], 'link-shm-10b': ['regression', 9] })];

test('a planted cell counts the runs that failed, overall and per metric, with the mean change; unchanged runs count false alarms per metric', () => {
  const rows = detectionRows(cells, unchanged);
  assert.deepEqual(rows[0], ['planted', 'ivcsd', 10, 'any (the gate exits 1)', 3, 2, '', '1 0 1', '10']);
  assert.deepEqual(rows[1], ['planted', 'ivcsd', 10, 'rc4plus-vs-rc4', 3, 2, '11.0', '', '']);
  assert.deepEqual(rows.slice(2).map((r) => [r[0], r[3], r[5]]), [['unchanged', 'any (the gate exits 1)', 1], ['unchanged', 'ctr-aes', 0], ['unchanged', 'link-shm-10b', 1]]);
  assert.deepEqual(detectionRows([], []), []);
});

test('the CSV and the Markdown table hold the same rows', () => {
  const csv = parse(detectionCsv(cells, unchanged)) as string[][];
  assert.deepEqual(csv[0], ['code', 'family', 'size %', 'metric', 'runs', 'failed', 'mean change %', 'exit codes', 's / run']);
  assert.equal(csv.length, 1 + detectionRows(cells, unchanged).length);
  const md = detectionMarkdown(cells, unchanged, ['# title']);
  assert.match(md, /^# title\n/);
  assert.match(md, /\| planted \| ivcsd \| 10 \| rc4plus-vs-rc4 \| 3 \| 2 \| 11\.0 \|/);
  assert.equal(md.split('\n').filter((l) => l.startsWith('| ')).length, 2 + detectionRows(cells, unchanged).length);
});
