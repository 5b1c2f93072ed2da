// The verdict summary counts a paper's own claims apart from the rows that read its setup one way or
// another (ClaimDef.kind), lists the claims first, and says which is which in report.json and .csv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { FIGURES, fullRecords, PAPERS, run, writeRun } from './fixtures/page-runs.js';
import { claimRow, summaryTable, summaryTitle, writeClaimFiles, type ClaimDef } from './claims.js';
import { loadRuns } from './runs.js';

const DEFS: ClaimDef[] = [
  // a reading listed first: the table still shows the paper's claims first
  { id: 'r-a', paper: '000', figure: 'Fig. 1', claim: 'time of 1 GB under reading A', unit: 'ms', rows: [FIGURES[0]], form: 'absolute', kind: 'reading' },
  { id: 'c-model', paper: '000', figure: 'Fig. 1', claim: 'time of 1 GB', unit: 'ms', rows: [FIGURES[0]], form: 'absolute' },
  { id: 'c-miss', paper: '000', figure: 'Table 2', claim: 'the response is a refusal', unit: '', rows: [FIGURES[2]], form: 'outcome', expect: 'refused', cause: 'the fixture allows it' },
  { id: 'r-b', paper: '000', figure: 'Table 2', claim: 'the response under reading B', unit: '', rows: [FIGURES[2]], form: 'outcome', expect: 'refused', kind: 'reading' },
];

test('a paper\'s claims and the readings of its setup are counted apart, claims first; report.json and .csv say which is which', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `claims-kind-${process.pid}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  await writeRun(path.join(dir, 'reference'), run('2026-01-01T00:00:00.000Z', fullRecords(40)));
  const { runs } = await loadRuns(path.join(dir, 'reference'), 'reference');
  const rows = DEFS.map((d) => claimRow(d, runs));
  assert.deepEqual(rows.map((r) => r.judgement?.verdict), ['reproduced', 'reproduced', 'not reproduced', 'not reproduced']);

  assert.equal(summaryTitle('000', rows), 'Paper 000: 2 claims: 1 reproduced, 1 not reproduced; readings of its setup: 2 rows: 1 reproduced, 1 not reproduced');
  assert.equal(summaryTitle('000', rows.filter((r) => !r.def.kind)), 'Paper 000: 2 claims: 1 reproduced, 1 not reproduced', 'no readings: no readings part');
  assert.equal(summaryTitle('003', []), 'Paper 003: 0 claims: none');
  const table = summaryTable(PAPERS[0], rows);
  assert.equal(table.title, summaryTitle('000', rows));
  assert.deepEqual(table.rows.map((r) => String(r[0])), ['Fig. 1: time of 1 GB [ms]', 'Table 2: the response is a refusal', 'Fig. 1: time of 1 GB under reading A [ms]', 'Table 2: the response under reading B']);

  const { jsonFile, csvFile } = await writeClaimFiles(path.join(dir, 'out'), rows, '2026-01-02T00:00:00.000Z');
  const claims = JSON.parse(fs.readFileSync(jsonFile, 'utf8')).claims as { id: string; kind: string }[];
  assert.deepEqual(claims.map((c) => [c.id, c.kind]), [['r-a', 'reading'], ['c-model', 'claim'], ['c-miss', 'claim'], ['r-b', 'reading']]);
  const csvRows = parse(fs.readFileSync(csvFile, 'utf8'), { columns: true }) as Record<string, string>[];
  assert.deepEqual(csvRows.map((r) => [r.id, r.kind]), [['r-a', 'reading'], ['c-model', 'claim'], ['c-miss', 'claim'], ['r-b', 'reading']]);
});
