import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plotProblems } from '../../engine/report/plot-lint.js';
import type { Plot } from '../../engine/report/plot.js';
import type { ResultRecord } from '../../engine/report/record.js';
import { summarize } from '../../engine/report/stats.js';
import type { Topology } from '../../engine/topology/topology.js';
import { simulatedPlots, sweepPlots } from './plots.js';

const KiB = 1024;
const GB = 2 ** 30;
const beowulf = { name: 'paper-000-beowulf', nodes: [{}, {}, {}], processesPerNode: 4 } as unknown as Topology;

/** a record of ctr-sweep at one point: measured ones with three timed repetitions */
function record(source: 'measured' | 'simulated', operation: string, sizeBytes: number, procs: number, integrity = 'none'): ResultRecord {
  const ms = (sizeBytes / 2 ** 20) * (operation === 'encrypt' ? 3 : 4) / procs + 1;
  return {
    scenario: 'ctr-sweep',
    experiment: operation === 'encrypt' ? 'fig1-encrypt' : 'fig2-decrypt',
    source,
    parameters: { operation, sizeBytes, procs, integrity, ...(operation === 'decrypt' ? { stitch: 'gather' } : {}) },
    metrics: { wallMs: source === 'measured' ? summarize([ms * 0.9, ms, ms * 1.1]) : summarize([ms]), throughputGbps: summarize([(sizeBytes * 8) / (ms * 1e6)]) },
    threads: procs,
    status: 'completed',
  };
}
const grid = (source: 'measured' | 'simulated', sizes: number[], procs: number[], integrities = ['none']) =>
  integrities.flatMap((i) => ['encrypt', 'decrypt'].flatMap((op) => sizes.flatMap((s) => procs.map((p) => record(source, op, s, p, i)))));
const problemsOf = (plots: Plot[]) => plots.flatMap((p) => plotProblems(p.spec, p.name, plots.map((q) => q.name)));
const subtitle = (p: Plot) => ((p.spec as { title: { subtitle?: string[] } }).title.subtitle ?? []).join(' ');

test('simulated beside a quick measurement: a chart without measured points says nothing was measured, not "measured in the same run"', () => {
  const simulated = grid('simulated', [100 * KiB, 10 * 2 ** 20, GB], [1, 12]);
  const measured = grid('measured', [100 * KiB, 10 * 2 ** 20], [1, 12]);
  const plots = simulatedPlots(beowulf, simulated, measured, true);
  assert.deepEqual(problemsOf(plots), []);
  const speedup = plots.find((p) => p.name === 'sim-speedup-vs-processes')!;
  assert.doesNotMatch(subtitle(speedup), /measured in the same run/, 'nothing measured at 1 GB');
  const fig1 = plots.find((p) => p.name === 'sim-fig1-encryption-time')!;
  assert.match(subtitle(fig1), /measured in the same run: encrypt \(no tag\)(?!;)/, 'Fig. 1 names the variant it draws, and only it');
  assert.match(subtitle(plots.find((p) => p.name === 'sim-fig2-decryption-time')!), /measured in the same run: decrypt, gather \(no tag\)/);
  // measured up to 1 GB: the speedup chart draws them, and says so
  const full = simulatedPlots(beowulf, simulated, grid('measured', [GB], [1, 12]), true);
  assert.deepEqual(problemsOf(full), []);
  assert.match(subtitle(full.find((p) => p.name === 'sim-speedup-vs-processes')!), /measured in the same run: encrypt \(no tag\); decrypt, gather \(no tag\)/);
  assert.match(subtitle(full.find((p) => p.name === 'sim-speedup-vs-processes')!), /encryption 6\.7x; decryption 6\.378x/, "the paper's points say what they are, once");
});

test('the measured sweep with and without a tag: no chart names another by its file name, every chart passes the plot checks', () => {
  const measured = grid('measured', [100 * KiB, 2 ** 20, GB], [1, 2, 12], ['none', 'aes-128-gcm']);
  const plots = sweepPlots(measured, { integrities: ['none', 'aes-128-gcm'], stitches: ['gather'] }, 'measured here: 2 cores', 2);
  assert.ok(plots.some((p) => p.name === 'tag-cost-over-no-tag'));
  assert.deepEqual(problemsOf(plots), []);
  assert.match(subtitle(plots.find((p) => p.name === 'fig1-encryption-time')!), /what the tag costs has a plot of its own/);
});
