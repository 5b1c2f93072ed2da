// The decision of --against on synthetic rounds: the signed-rank test's exact p-values and interval,
// and a metric failing only when the interval's lower end lies above the tolerance.
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
  const slow = decidePaired(base, base.map((b, i) => b * 1.2 * noise[i]), 5);
  assert.equal(slow.verdict, 'regression', slow.reason);
  assert.ok(slow.intervalPct[0] > 5 && slow.changePct > 18 && slow.changePct < 22);
  assert.equal(slow.pValue, 1 / 256);
  const same = decidePaired(base, base.map((b, i) => b * noise[i]), 5);
  assert.equal(same.verdict, 'ok', same.reason);
  assert.equal(decidePaired(base, base.map((b) => b * 0.7), 5).verdict, 'improved');
});

test('a slowdown the noise could explain does not fail: the interval must clear the tolerance', () => {
  const noisy = [1.3, 0.8, 1.25, 0.85, 1.2, 0.9, 1.1, 0.95];
  const d = decidePaired(base, base.map((b, i) => b * 1.08 * noisy[i]), 5);
  assert.ok(d.changePct > 5, `${d.changePct}`);
  assert.equal(d.verdict, 'ok', d.reason);
  assert.ok(d.intervalPct[0] < 5);
});

test(`fewer than ${MIN_ROUNDS} rounds are inconclusive; samples that are no ratios are refused`, () => {
  assert.equal(decidePaired([1, 1], [2, 2], 5).verdict, 'inconclusive');
  assert.throws(() => decidePaired([1, 1, 1], [1, Infinity, 1], 5), /finite ratios above 0, got Infinity/);
  assert.throws(() => decidePaired([1, 0, 1], [1, 1, 1], 5), /got 0/);
  assert.throws(() => decidePaired([1, 1], [1], 5), /2 base against 1 head/);
});

test('the interval is the exact signed-rank one: five rounds bound by their smallest, more rounds by a Walsh average within', async () => {
  const { signedRankInterval } = await import('./paired.js');
  // five: P(W+ = 0) = 1/32 <= 5 % < 2/32, so k = 1: the smallest and the largest Walsh average
  const five = signedRankInterval([0.3, 0.1, 0.2, 0.5, 0.4]);
  assert.deepEqual([five.lower, five.upper, five.estimate], [0.1, 0.5, 0.3]);
  // ten: P(W+ <= 10) = 0.042 and P(W+ <= 11) = 0.053 (any table of the signed-rank test), so k = 11
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const walsh = ten.flatMap((x, i) => ten.slice(i).map((y) => (x + y) / 2)).sort((a, b) => a - b);
  const i10 = signedRankInterval(ten);
  assert.deepEqual([i10.lower, i10.upper, i10.estimate], [walsh[10], walsh[walsh.length - 11], 5.5]);
  // four cannot be bound at 95 %: 1/16 > 5 %
  assert.equal(signedRankInterval([1, 2, 3, 4]).lower, -Infinity);
});

test('one wild round of twenty neither fails unchanged code nor hides a slowdown', () => {
  const rounds = 20;
  const noise = Array.from({ length: rounds }, (_, i) => 1 + 0.03 * Math.sin(1.7 * i));
  const base20 = noise.map(() => 1);
  const wild = (factor: number) => noise.map((x, i) => (i === 7 ? factor : x));
  assert.equal(decidePaired(base20, wild(1.6), 5).verdict, 'ok');
  const slow = decidePaired(base20, wild(0.6).map((x) => x * 1.12), 5);
  assert.equal(slow.verdict, 'regression', slow.reason);
  assert.ok(slow.changePct > 10 && slow.changePct < 14, `${slow.changePct}`);
});
