// The gate's decision on synthetic, seeded samples: exact p-values checked against enumerations and
// scipy, a 20 % shift caught, identical distributions passed, and the small-sample edges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import seedrandom from 'seedrandom';
import { ALPHA, bootstrapChangeIntervalPct, decide, mannWhitneyGreater, smallestPValue } from './decision.js';

/** `count` ratios around `center`, log-normal with `sdShare` spread (a ratio's noise is multiplicative). */
function ratios(seed: string, count: number, center: number, sdShare: number): number[] {
  const rng = seedrandom(seed);
  return Array.from({ length: count }, () => {
    const gaussian = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    return center * Math.exp(sdShare * gaussian);
  });
}

test('exact Mann-Whitney p-values on small fixed samples', () => {
  assert.deepEqual(mannWhitneyGreater([4, 5, 6], [1, 2, 3]), { u: 9, pValue: 1 / 20, method: 'exact' });
  assert.equal(mannWhitneyGreater([1, 2, 3], [4, 5, 6]).pValue, 1);
  // ties: pooled midranks 1.5, 3.5, 1.5, 3.5; 5 of the 6 ways to pick two reach x's rank sum
  const tied = mannWhitneyGreater([1, 2], [1, 2]);
  assert.equal(tied.u, 2);
  assert.ok(Math.abs(tied.pValue - 5 / 6) < 1e-12);
});

test('the exact distribution with ties matches a full enumeration (45 of 462 splits)', () => {
  // counted in Python over all C(11, 5) splits of the pooled midranks (scipy's "exact" ignores ties: 0.123)
  const r = mannWhitneyGreater([1.1, 2.5, 3.3, 4.0, 5.2], [0.9, 1.0, 2.2, 2.6, 3.1, 3.3]);
  assert.equal(r.u, 22.5);
  assert.equal(r.method, 'exact');
  assert.ok(Math.abs(r.pValue - 45 / 462) < 1e-12, `p = ${r.pValue}`);
});

test('large samples use the normal approximation, matching scipy (asymptotic, continuity)', () => {
  const x = [1.08, 1.13, 1.08, 0.92, 1.14, 1.09, 1.0, 1.11, 1.09, 1.08, 1.05, 1.1, 0.98, 1.03, 1.0, 1.11, 1.05, 1.02, 0.97, 1.02, 1.05, 1.02, 1.18, 1.15, 0.78, 0.86, 1.03, 1.01, 1.07, 1.07, 1.26, 0.94, 1.01, 1.25, 1.11];
  const y = [1.07, 0.95, 0.84, 1.02, 1.01, 0.88, 0.93, 0.99, 0.91, 0.99, 1.01, 1.0, 0.95, 1.06, 1.09, 1.03, 0.92, 1.07, 0.95, 1.09, 0.89, 1.09, 1.0, 0.88, 0.97, 1.01, 1.03, 0.9, 0.89, 1.02];
  const r = mannWhitneyGreater(x, y);
  assert.equal(r.method, 'normal');
  assert.equal(r.u, 783);
  // scipy.stats.mannwhitneyu(x, y, alternative='greater', method='asymptotic') -> 0.00034620320843034287
  assert.ok(Math.abs(r.pValue - 0.00034620320843034287) < 1e-6, `p = ${r.pValue}`);
});

test('the exact form at the switch-over size (30 against 30, no ties) matches scipy', () => {
  const x = [1.03006, 1.04494, 1.01629, 0.98547, 1.00727, 0.98042, 1.03301, 1.09701, 1.00539, 0.99898, 1.05449, 1.04784, 1.03527, 0.98348, 1.02854, 1.06477, 0.96279, 1.00712, 0.93494, 0.96552, 0.93791, 1.01825, 0.96663, 1.04356, 1.03784, 1.02065, 0.90416, 1.00307, 1.02757, 1.03567];
  const y = [0.92349, 0.97611, 0.95107, 0.95956, 1.05304, 0.95962, 0.99837, 1.04422, 0.97082, 0.99441, 1.00552, 1.00319, 0.93875, 1.00381, 1.06794, 0.92264, 1.04297, 1.00597, 0.96793, 1.10002, 1.03811, 0.94004, 1.00373, 1.02883, 0.99056, 1.03415, 0.99667, 1.03336, 1.07193, 0.96622];
  const r = mannWhitneyGreater(x, y);
  assert.equal(r.method, 'exact');
  assert.equal(r.u, 518);
  // scipy.stats.mannwhitneyu(x, y, alternative='greater', method='exact') -> 0.16038877295701917 (asymptotic: 0.159)
  assert.ok(Math.abs(r.pValue - 0.16038877295701917) < 1e-9, `p = ${r.pValue}`);
});

test('smallest reachable p-values', () => {
  assert.equal(smallestPValue(3, 3), 1 / 20);
  assert.ok(Math.abs(smallestPValue(5, 5) - 1 / 252) < 1e-15);
  assert.ok(Math.abs(smallestPValue(1, 9) - 1 / 10) < 1e-15);
});

test('a 20 % slowdown is caught every time (tolerance 8 %, 3 % noise, 8 against 8 samples)', () => {
  for (let s = 0; s < 50; s++) {
    const baseline = ratios(`base-${s}`, 8, 2, 0.03);
    const now = ratios(`now-${s}`, 8, 2 * 1.2, 0.03);
    const d = decide(baseline, now, 8, `seed-${s}`);
    assert.equal(d.verdict, 'regression', `seed ${s}: ${d.reason} (change ${d.changePct.toFixed(1)} %)`);
    assert.ok(d.pValue < ALPHA);
  }
});

test('identical distributions pass (no false alarm in 100 seeded runs, even at 5 % noise)', () => {
  for (let s = 0; s < 100; s++) {
    const d = decide(ratios(`same-a-${s}`, 8, 1.5, 0.05), ratios(`same-b-${s}`, 8, 1.5, 0.05), 8, `seed-${s}`);
    assert.notEqual(d.verdict, 'regression', `seed ${s}: ${d.reason}`);
  }
});

test('a shift inside the tolerance passes; one beyond it, in the other direction, is an improvement', () => {
  const baseline = ratios('in-base', 10, 1, 0.01);
  assert.equal(decide(baseline, ratios('in-now', 10, 1.04, 0.01), 8, 's').verdict, 'ok');
  assert.equal(decide(baseline, ratios('fast-now', 10, 0.8, 0.01), 8, 's').verdict, 'improved');
});

test('a noisy run that only moved its median beyond the tolerance does not fail without significance', () => {
  // 12 % median change, but 30 % noise: the test cannot tell it from the tolerance's edge
  const d = decide(ratios('noisy-base', 6, 1, 0.3), ratios('noisy-now', 6, 1.12, 0.3), 8, 's');
  assert.notEqual(d.verdict, 'regression', d.reason);
});

test('small-sample edges: too few samples are inconclusive, never a failure', () => {
  assert.equal(decide([1], [5], 8, 's').verdict, 'inconclusive');
  assert.equal(decide([1, 1, 1], [5, 5, 5], 8, 's').verdict, 'inconclusive'); // p >= 1/20
  assert.equal(decide([1, 1, 1, 1], [5, 5, 5, 5], 8, 's').verdict, 'inconclusive'); // 1/70 > 0.01
  // 5 against 5 can reach 1/252: all-equal samples 20 % apart are a regression, all-equal identical ones are not
  assert.equal(decide([1, 1, 1, 1, 1], [1.2, 1.2, 1.2, 1.2, 1.2], 8, 's').verdict, 'regression');
  assert.equal(decide([1, 1, 1, 1, 1], [1, 1, 1, 1, 1], 8, 's').verdict, 'ok');
  // exactly at the tolerance's edge is not beyond it
  assert.equal(decide([1, 1, 1, 1, 1], [1.08, 1.08, 1.08, 1.08, 1.08], 8, 's').verdict, 'ok');
});

test('bad samples are refused with a message naming them', () => {
  assert.throws(() => decide([], [1], 8, 's'), /baseline: no samples/);
  assert.throws(() => decide([1], [Number.NaN], 8, 's'), /now: non-finite sample NaN/);
  assert.throws(() => decide([1, -1], [1, 1], 8, 's'), /must be positive, got -1/);
  assert.throws(() => decide([1], [1], -1, 's'), /tolerance must be a non-negative percentage/);
});

test('the bootstrap interval is seeded and brackets a clean shift', () => {
  const baseline = ratios('boot-base', 10, 1, 0.02);
  const now = ratios('boot-now', 10, 1.1, 0.02);
  const a = bootstrapChangeIntervalPct(baseline, now, 'x');
  assert.deepEqual(bootstrapChangeIntervalPct(baseline, now, 'x'), a);
  assert.ok(a[0] < 10 && a[1] > 10 && a[0] > 3 && a[1] < 17, `interval ${a}`);
});
