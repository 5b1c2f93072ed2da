// The decision of --against on synthetic rounds: the signed-rank test's exact p-values, and a metric
// failing only when the bootstrap interval's lower end lies above the tolerance.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decidePaired, MIN_ROUNDS, signedRankGreater } from './paired.js';

test('the signed-rank p-value is exact: all n above 0 is 2^-n, the two tails of one sample overlap', () => {
  assert.equal(signedRankGreater([0.1, 0.2, 0.3, 0.4, 0.5]), 1 / 32);
  assert.equal(signedRankGreater([-0.1, -0.2, -0.3]), 1);
  // W+ = 4 + 5 = 9 of 15 over ranks 1..5: 13 of the 32 sign patterns reach 9 or more
  assert.equal(signedRankGreater([-0.1, -0.2, -0.3, 0.4, 0.5]), 13 / 32);
  const d = [0.3, -0.1, 0.2, -0.25, 0.05, 0.4];
  const p = signedRankGreater(d);
  const q = signedRankGreater(d.map((x) => -x));
  // the two tails overlap by the point mass at the observed statistic, so they sum to more than 1
  assert.ok(p > 0 && p < 1 && q > 0 && q < 1 && p + q > 1);
});

const base = [2.0, 2.1, 1.9, 2.05, 1.95, 2.0, 2.02, 1.98];

test('a 20 % slowdown with 2 % noise fails; the same rounds unchanged pass; a large improvement is "improved"', () => {
  const noise = [1.01, 0.99, 1.02, 0.98, 1.0, 1.01, 0.99, 1.0];
  const slow = decidePaired(base, base.map((b, i) => b * 1.2 * noise[i]), 5, 's');
  assert.equal(slow.verdict, 'regression', slow.reason);
  assert.ok(slow.intervalPct[0] > 5 && slow.changePct > 18 && slow.changePct < 22);
  assert.equal(slow.pValue, 1 / 256);
  const same = decidePaired(base, base.map((b, i) => b * noise[i]), 5, 's');
  assert.equal(same.verdict, 'ok', same.reason);
  assert.equal(decidePaired(base, base.map((b) => b * 0.7), 5, 's').verdict, 'improved');
});

test('a slowdown the noise could explain does not fail: the interval must clear the tolerance', () => {
  const noisy = [1.3, 0.8, 1.25, 0.85, 1.2, 0.9, 1.1, 0.95];
  const d = decidePaired(base, base.map((b, i) => b * 1.08 * noisy[i]), 5, 's');
  assert.ok(d.changePct > 5, `${d.changePct}`);
  assert.equal(d.verdict, 'ok', d.reason);
  assert.ok(d.intervalPct[0] < 5);
});

test(`fewer than ${MIN_ROUNDS} rounds are inconclusive; samples that are no ratios are refused`, () => {
  assert.equal(decidePaired([1, 1], [2, 2], 5, 's').verdict, 'inconclusive');
  assert.throws(() => decidePaired([1, 1, 1], [1, Infinity, 1], 5, 's'), /finite ratios above 0, got Infinity/);
  assert.throws(() => decidePaired([1, 0, 1], [1, 1, 1], 5, 's'), /got 0/);
  assert.throws(() => decidePaired([1, 1], [1], 5, 's'), /2 base against 1 head/);
});

test('the interval is the expanded percentile one: its tails shrink to 5 % as rounds grow, and 5 noisy rounds give a wide one', async () => {
  const { expandedTail } = await import('./paired.js');
  assert.ok(Math.abs(expandedTail(5) - 0.0086) < 0.0005, `${expandedTail(5)}`);
  assert.ok(expandedTail(10) > expandedTail(5) && expandedTail(10) < 0.05);
  assert.ok(Math.abs(expandedTail(1000) - 0.05) < 0.001);
  // five rounds, all slower by 6-30 %: a plain 90 % percentile interval would start near +9 %;
  // the expanded one reaches down to the tolerance's side
  const d = decidePaired([1, 1, 1, 1, 1], [1.06, 1.3, 1.08, 1.25, 1.1], 5, 's');
  assert.ok(d.intervalPct[0] < 8, `${d.intervalPct}`);
});
