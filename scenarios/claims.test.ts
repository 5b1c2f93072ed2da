// The claims of the three papers judged on the committed reference set: every claim finds its
// figures and gets a verdict, every verdict but "reproduced" says why, and the misses a reader asks
// about (12-process speedup, decryption, IVCSD against BitTorrent, Fig. 13 past 2 cores) carry theirs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimRow, summaryTable } from '../engine/report/claims.js';
import { loadRuns } from '../engine/report/runs.js';
import { projectPath } from '../engine/runtime/project.js';
import { CLAIMS } from './claims.js';
import { PAPERS } from './figures.js';

test('claims: ids unique, each paper has claims, every claim reads a scenario of the catalogue', async () => {
  const { scenarios } = await import('./index.js');
  assert.equal(new Set(CLAIMS.map((c) => c.id)).size, CLAIMS.length);
  for (const p of PAPERS) assert.ok(CLAIMS.filter((c) => c.paper === p.id).length >= 4, `paper ${p.id}`);
  for (const c of CLAIMS) for (const r of c.rows) assert.ok(scenarios.some((s) => s.name === r.scenario && s.paper === c.paper), `${c.id}: ${r.scenario}`);
});

test('on the reference set every claim has a verdict, and a why unless reproduced', async () => {
  const { runs } = await loadRuns(projectPath('reports', 'reference'), 'reference');
  const rows = CLAIMS.map((c) => claimRow(c, runs));
  for (const r of rows) {
    assert.ok(r.judgement, `${r.def.id} has a verdict`);
    if (r.judgement.verdict !== 'reproduced') assert.ok(r.judgement.why.length > 20, `${r.def.id}: ${r.judgement.verdict} says why`);
    if (r.def.form !== 'outcome' && r.judgement.basis !== 'none' && r.judgement.basis !== 'paper') assert.equal(typeof (r.judgement.basis === 'measured' ? r.measured : r.simulated), 'number', `${r.def.id}: judged on a number`);
  }
  const of = (id: string) => rows.find((r) => r.def.id === id)!.judgement!;
  assert.equal(of('000-decrypt-speedup-12').verdict, "the paper's own numbers rule it out");
  assert.match(of('000-decrypt-speedup-12').why, /100 Mbit\/s LAN/);
  assert.notEqual(of('000-encrypt-speedup-12').verdict, 'reproduced', 'the model misses 6.7x by 45 %');
  assert.match(of('000-encrypt-speedup-12').why, /needs 12 cores/);
  assert.equal(of('003-as-efficient-as-bt').verdict, 'not reproduced');
  assert.match(of('003-as-efficient-as-bt').why, /measured here 0\.\d+ against the paper's 1/);
  assert.match(of('003-fig13-5-encryptors').why, /needs 5 cores; the run had 2/);
  assert.equal(of('001-sect71-encrypt-per-put').verdict, 'not reproduced', 'per put measured no faster');
});

test('a run that carries its own notes (schema 3) gives the why in its own words', async () => {
  const { runs } = await loadRuns(projectPath('reports', 'reference'), 'reference');
  // a claim the reference does not reproduce, so that its verdict says why
  const def = CLAIMS.find((c) => c.id === '000-encrypt-throughput-12')!;
  const notes = (n: string[] | undefined) => runs.map((r) => (r.run.scenario === 'ctr-sweep' ? { ...r, run: { ...r.run, notes: n } } : r));
  assert.match(claimRow(def, notes(['Prediction off by -1 %: encryption throughput at 12 processes, in the words of the run.'])).judgement!.why, /The run: Prediction off by -1 %: encryption throughput at 12 processes, in the words of the run\./);
  assert.doesNotMatch(claimRow(def, notes(undefined)).judgement!.why, /The run:/, 'a run without notes (schema 2): the claim\'s cause');
});

test('paper 000: its own claims say they are simulated under reading A, and the readings of its setup are counted apart from them', async () => {
  const own = CLAIMS.filter((c) => c.paper === '000' && c.kind !== 'reading');
  const readings = CLAIMS.filter((c) => c.paper === '000' && c.kind === 'reading');
  assert.deepEqual(own.map((c) => c.id), ['000-encrypt-speedup-12', '000-encrypt-throughput-12', '000-decrypt-speedup-12', '000-fig1-flattens']);
  for (const c of own) assert.match(c.claim, /simulated under reading A \(input and output on the disk\), sequential/, c.id);
  // three headline figures under readings A, B, C, each sequential and streamed
  assert.equal(readings.length, 18);
  for (const c of readings) assert.match(c.id, /^000-.*-reading-[ABC]-(sequential|streamed)$/, c.id);
  assert.ok(CLAIMS.every((c) => c.paper === '000' || c.kind !== 'reading'), 'only paper 000 has readings');
  const { runs } = await loadRuns(projectPath('reports', 'reference'), 'reference');
  const rows = CLAIMS.filter((c) => c.paper === '000').map((c) => claimRow(c, runs));
  const table = summaryTable(PAPERS.find((p) => p.id === '000')!, rows);
  assert.match(table.title, /^Paper 000: 4 claims: [^;]+; readings of its setup: 18 rows: .+$/);
  assert.ok(String(table.rows[3][0]).includes('curves flatten') && String(table.rows[4][0]).includes('under reading'), 'the paper\'s claims first, then the readings');
});
