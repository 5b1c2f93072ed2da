// The report page shows every reading of paper 000's setup: each reading's prediction and error
// against the paper, labelled with the reading and its sentence, which reading the text supports,
// and, for a run that predates the readings, that it lacks them and how to get them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimRow } from '../../engine/report/claims.js';
import { paperTable } from '../../engine/report/page.js';
import { loadRuns, type LoadedRun } from '../../engine/report/runs.js';
import { projectPath } from '../../engine/runtime/project.js';
import { loadTopology } from '../../engine/topology/topology.js';
import { CLAIMS } from '../claims.js';
import { FIGURES, PAPERS } from '../figures.js';
import { PIPELINES, READINGS, readingRecords, SUPPORT } from '../models/ctr-readings.js';
import { PAPER, PAPER_ONE_PROCESS_MS } from './paper.js';
import { READINGS_ABSENT, READINGS_FIGURE } from './readings-page.js';

const ONE_S = PAPER_ONE_PROCESS_MS / 1000;

/** The reference's ctr-sweep run without any readings (as one promoted before them), and a later run with made-up readings: each case its own 12-process times. */
async function runs(): Promise<{ without: LoadedRun; withReadings: LoadedRun; results: { id: string; pipeline: string; enc: number; gbps: number; dec: number }[] }> {
  const { runs: reference } = await loadRuns(projectPath('reports', 'reference'), 'reference');
  const ref = reference.find((r) => r.run.scenario === 'ctr-sweep')!;
  const without: LoadedRun = { ...ref, run: { ...ref.run, records: ref.run.records.filter((r) => r.experiment !== 'readings') } };
  const t = loadTopology(projectPath('cluster-config', 'paper-000-beowulf.json'));
  const rows = READINGS.flatMap((reading, i) => PIPELINES.map((p, j) => ({ reading, pipeline: p.name, aesBytesPerS: 1e8, oneS: ONE_S, enc12S: ONE_S / (3 + i + j / 2), dec1S: ONE_S, dec12S: ONE_S / (2.5 + i + j / 2) })));
  const records = readingRecords(t, rows, PAPER, PAPER_ONE_PROCESS_MS);
  const withReadings: LoadedRun = { ...without, origin: 'local', dir: '/nonexistent', run: { ...without.run, runId: 'readings-run', startedAt: '2099-01-01T00:00:00.000Z', records: [...without.run.records, ...records] } };
  const results = rows.map((r) => ({ id: r.reading.id, pipeline: r.pipeline, enc: r.oneS / r.enc12S, gbps: (8 * 2 ** 30) / r.enc12S / 1e9, dec: r.dec1S / r.dec12S }));
  return { without, withReadings, results };
}

const readingRows = (all: LoadedRun[]) => {
  const { table } = paperTable(PAPERS[0], FIGURES, all);
  return table.rows.filter((r) => r[0] === READINGS_FIGURE).map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i]])));
};

test('the page shows every reading, each prediction with its error, labelled with its reading and sentence', async () => {
  const { without, withReadings, results } = await runs();
  const rows = readingRows([without, withReadings]);
  assert.equal(rows.length, READINGS.length * PIPELINES.length * 3 + 1);
  for (const r of results) {
    const reading = READINGS.find((x) => x.id === r.id)!;
    const of = (what: RegExp) => rows.find((row) => what.test(String(row.quantity)) && String(row.quantity).includes(`reading ${r.id} (${reading.what}), ${r.pipeline};`))!;
    for (const [what, value, paper] of [[/^encryption speedup/, r.enc, PAPER.speedupEncryptX], [/^encryption throughput/, r.gbps, PAPER.throughputGbps], [/^decryption speedup/, r.dec, PAPER.speedupDecryptX]] as const) {
      const row = of(what);
      assert.ok(row, `${r.id} ${r.pipeline} ${what}`);
      assert.ok(String(row.quantity).includes(reading.rests), 'labelled with the sentence it rests on');
      assert.ok(Math.abs((row.simulated as number) - value) < 1e-9 * value, `${r.id} ${r.pipeline} ${what}: ${row.simulated} vs ${value}`);
      assert.equal(row.fit, 'predicted');
      const err = (100 * (value - paper)) / paper;
      assert.equal(row['simulated vs paper'], `${err > 0 ? '+' : ''}${err.toFixed(1)} %`);
      assert.match(String(row.paper), new RegExp(`^${paper} `));
      assert.equal(row['measured here'], undefined, 'a reading is a model: nothing measured claims to be it');
    }
  }
  const support = rows.find((row) => /^which reading the text supports best/.test(String(row.quantity)))!;
  assert.equal(support.paper, SUPPORT);
  assert.match(SUPPORT, /\(B or C\)/);
  assert.match(SUPPORT, /No reading is chosen by its distance/);
});

test('a run without the readings says so and how to get them, in the table and in the claims, inventing none', async () => {
  const { without, withReadings, results } = await runs();
  for (const row of readingRows([without]).slice(0, -1)) {
    assert.equal(row.simulated, READINGS_ABSENT);
    assert.equal(row.fit, undefined);
    assert.equal(row['simulated vs paper'], undefined);
  }
  assert.match(READINGS_ABSENT, /--mode simulate/);
  const claims = CLAIMS.filter((c) => c.rows[0].experiment === 'readings');
  assert.equal(claims.length, results.length * 3);
  for (const c of claims) {
    const lacking = claimRow(c, [without]);
    assert.equal(lacking.simulated, undefined);
    assert.ok(lacking.judgement!.why.includes(READINGS_ABSENT), `${c.id}: ${lacking.judgement!.why}`);
    const having = claimRow(c, [without, withReadings]);
    assert.equal(having.fit, 'predicted');
    assert.equal(typeof having.simulated, 'number');
    assert.match(having.judgement!.why, /supports B or C best/, `${c.id}: says which reading the text supports, whatever the verdict`);
    assert.notEqual(having.judgement!.verdict, 'not measurable on this machine', `${c.id}: judged on the reading's prediction`);
  }
});
