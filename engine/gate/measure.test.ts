// How a measured metric is judged: the quiet-machine rule, another environment, pooled baselines,
// and the pair timing (warm-up dropped, fine-interleaved pairs), on synthetic numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Progress } from '../report/progress.js';
import type { BaselineMetric } from './baseline.js';
import { BUSY_SHARE, confirmRegressions, judge, measureAll, poolRuns, type MetricResult } from './measure.js';
import type { MetricFamily, MetricSpec } from './metric.js';

const spec = (extra: Partial<MetricSpec> = {}): MetricSpec => ({ name: 'm', contender: 'c', reference: 'r', unit: 'ms', timing: 'per op', tolerancePct: 10, toleranceWhy: 'w', reps: 5, ...extra });
const baseline = (ratios: number[], othersShare?: number): BaselineMetric => ({
  ratios, contender: ratios, reference: ratios.map(() => 1), unit: 'ms', takenAt: 't', gitCommit: 'c', loadAverage1m: 0, ...(othersShare === undefined ? {} : { othersShare }),
});
const result = (s: MetricSpec, ratios: number[], base?: BaselineMetric, othersShare?: number): MetricResult => ({
  spec: s, family: 'f', contender: ratios, reference: ratios.map(() => 1), ratios, othersShare, baseline: base, outcome: 'no baseline', seconds: 1,
});
const SLOWER = [1.5, 1.5, 1.5, 1.5, 1.5];
const BASE = [1, 1, 1, 1, 1];

test('a regression is judged on a quiet machine, and on a busy one when the metric allows it', () => {
  const quiet = result(spec(), SLOWER, baseline(BASE, 0.05), 0.1);
  judge(quiet, 's', true);
  assert.equal(quiet.outcome, 'regression');
  const busy = result(spec(), SLOWER, baseline(BASE, 0.05), 0.9);
  judge(busy, 's', true);
  assert.equal(busy.outcome, 'regression');
});

test('a metric that needs a quiet machine is not judged when this run or the baseline was busy', () => {
  const s = spec({ needsQuietMachine: true });
  for (const [runShare, baseShare] of [[BUSY_SHARE + 0.01, 0], [0, BUSY_SHARE + 0.01]]) {
    const r = result(s, SLOWER, baseline(BASE, baseShare), runShare);
    judge(r, 's', true);
    assert.equal(r.outcome, 'busy');
    assert.equal(r.decision?.verdict, 'regression'); // still computed, for reading
  }
  const calm = result(s, SLOWER, baseline(BASE, BUSY_SHARE), BUSY_SHARE);
  judge(calm, 's', true);
  assert.equal(calm.outcome, 'regression');
});

test('a baseline from another environment is not compared; no baseline is no verdict', () => {
  const r = result(spec(), SLOWER, baseline(BASE), 0);
  judge(r, 's', false);
  assert.equal(r.outcome, 'elsewhere');
  const none = result(spec(), SLOWER);
  judge(none, 's', true);
  assert.equal(none.outcome, 'no baseline');
  assert.equal(none.decision, undefined);
});

test('pooled runs concatenate samples, keep the busiest share, and carry an error', () => {
  const s = spec();
  const a = result(s, [1, 1.1], undefined, 0.1);
  const b = result(s, [1.2, 1.3], undefined, 0.4);
  const [pooled] = poolRuns([[a], [b]], 's', true);
  assert.deepEqual(pooled.ratios, [1, 1.1, 1.2, 1.3]);
  assert.equal(pooled.othersShare, 0.4);
  assert.equal(pooled.seconds, 2);
  const [failed] = poolRuns([[a], [{ ...b, outcome: 'error', error: 'boom' }]], 's', true);
  assert.equal(failed.outcome, 'error');
  assert.equal(failed.error, 'boom');
});

test('measureAll times pairs in turn after one warm-up pair, or bounce-fine pairs, and keeps going past a failing metric', async () => {
  const calls: string[] = [];
  let n = 0;
  const family: MetricFamily = {
    name: 'f', description: 'f',
    metrics: [spec({ name: 'turns' }), spec({ name: 'fine' }), spec({ name: 'broken' })],
    open: async () => ({
      pair: async (m) => {
        if (m.name === 'broken') throw new Error('cannot start');
        if (m.name === 'fine') return { both: async () => [2 + n++, 1] as [number, number] };
        return { contender: () => (calls.push('c'), 3), reference: () => (calls.push('r'), 1), before: () => calls.push('b') };
      },
      close: async () => undefined,
    }),
  };
  const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
  const results = await measureAll([{ family, metrics: family.metrics }], { scratchDir: '/nonexistent', seed: 's', progress: new Progress(quiet, false) }, {
    quick: false, baseline: { turns: baseline([3, 3, 3, 3, 3]) }, comparable: true, seed: 's',
  });
  assert.deepEqual(calls, Array.from({ length: 6 }, () => ['b', 'c', 'b', 'r']).flat());
  assert.deepEqual(results[0].ratios, [3, 3, 3, 3, 3]);
  assert.equal(results[0].outcome, 'ok');
  assert.deepEqual(results[1].contender, [3, 4, 5, 6, 7]); // the first call (2) was the warm-up
  assert.equal(results[1].outcome, 'no baseline');
  assert.equal(results[2].outcome, 'error');
  assert.equal(results[2].error, 'cannot start');
});

test('a regression stands only when a second measurement shows it too', async () => {
  let flakyOpened = 0;
  const family: MetricFamily = {
    name: 'f', description: 'f',
    metrics: [spec({ name: 'flaky' }), spec({ name: 'slow' }), spec({ name: 'fine' })],
    open: async () => ({
      pair: async (m) => {
        const ratio = m.name === 'slow' ? 2 : m.name === 'flaky' && flakyOpened++ === 0 ? 2 : 1;
        return { contender: () => ratio, reference: () => 1 };
      },
      close: async () => undefined,
    }),
  };
  const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
  const ctx = { scratchDir: '/nonexistent', seed: 's', progress: new Progress(quiet, false) };
  const opts = { quick: false, baseline: { flaky: baseline(BASE), slow: baseline(BASE), fine: baseline(BASE) }, comparable: true, seed: 's' };
  const selection = [{ family, metrics: family.metrics }];
  const first = await measureAll(selection, ctx, opts);
  assert.deepEqual(first.map((r) => r.outcome), ['regression', 'regression', 'ok']);
  const final = await confirmRegressions(first, selection, ctx, opts);
  assert.deepEqual(final.map((r) => [r.spec.name, r.outcome, r.firstChangePct]), [['flaky', 'unconfirmed', 100], ['slow', 'regression', 100], ['fine', 'ok', undefined]]);
  assert.equal(flakyOpened, 2);
});

test('a reference timing of 0 (a coarse clock) makes that metric one error row, not a crash and not an Infinity ratio', async () => {
  const family: MetricFamily = {
    name: 'f', description: 'f',
    metrics: [spec({ name: 'zero' }), spec({ name: 'after' })],
    open: async () => ({
      pair: async (m) => ({ contender: () => 3, reference: () => (m.name === 'zero' ? 0 : 1) }),
      close: async () => undefined,
    }),
  };
  const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
  const results = await measureAll([{ family, metrics: family.metrics }], { scratchDir: '/nonexistent', seed: 's', progress: new Progress(quiet, false) }, {
    quick: false, baseline: {}, comparable: true, seed: 's',
  });
  assert.equal(results[0].outcome, 'error');
  assert.match(results[0].error!, /zero reference timing 1: a timing of 0 is no sample/);
  assert.deepEqual(results[0].ratios, []);
  assert.deepEqual(results[1].ratios, [3, 3, 3, 3, 3]);
});
