// The claims of the three papers judged on the committed reference set: every claim finds its
// figures and gets a verdict, every verdict but "reproduced" says why, and the misses a reader asks
// about (12-process speedup, decryption, IVCSD against BitTorrent, Fig. 13 past 2 cores) carry theirs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimRow } from '../engine/report/claims.js';
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
  assert.match(of('003-as-efficient-as-bt').why, /measured here 0\.3\d+ against the paper's 1/);
  assert.match(of('003-fig13-5-encryptors').why, /needs 5 cores; the run had 2/);
  assert.equal(of('001-sect71-encrypt-per-put').verdict, 'not reproduced', 'per put measured no faster');
});

test('a run that carries its own notes (schema 3) gives the why in its own words', async () => {
  const { runs } = await loadRuns(projectPath('reports', 'reference'), 'reference');
  const def = CLAIMS.find((c) => c.id === '003-fig13-2-encryptors')!;
  const withNotes = runs.map((r) => (r.run.scenario === 'speed-bound' ? { ...r, run: { ...r.run, notes: ['Measured here on 2 cores shared with other jobs: the words of the run.'] } } : r));
  assert.match(claimRow(def, withNotes).judgement!.why, /The run: Measured here on 2 cores shared with other jobs: the words of the run\./);
  assert.doesNotMatch(claimRow(def, runs).judgement!.why, /The run:/, 'a schema-2 reference has no notes: the claim\'s cause');
});
