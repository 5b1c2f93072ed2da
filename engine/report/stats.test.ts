import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, quantile, single, summarize } from './stats.js';

test('summarize gives exact statistics on a small fixed sample', () => {
  const s = summarize([5, 1, 3, 2, 4]);
  assert.equal(s.samples, 5);
  assert.equal(s.median, 3);
  assert.equal(s.mean, 3);
  assert.equal(s.min, 1);
  assert.equal(s.max, 5);
  assert.equal(s.q1, 2);
  assert.equal(s.q3, 4);
  assert.equal(s.iqr, 2);
  assert.equal(s.mad, 1);
  assert.ok(Math.abs(s.sd! - Math.sqrt(2.5)) < 1e-12);
  // t(4) = 2.7764: 3 +- t * sqrt(2.5) / sqrt(5)
  assert.ok(Math.abs(s.ci95High! - (3 + (2.7764451051977987 * Math.sqrt(2.5)) / Math.sqrt(5))) < 1e-9);
  assert.equal(s.outliers, 0);
});

test('past 30 degrees of freedom the interval still uses t (t(39) = 2.0227), not the normal 1.96', () => {
  const xs = Array.from({ length: 40 }, (_, i) => i);
  const s = summarize(xs);
  const half = (2.02269092 * s.sd!) / Math.sqrt(40);
  assert.ok(Math.abs(s.ci95High! - (s.mean! + half)) < 1e-6, `${s.ci95High} vs ${s.mean! + half}`);
});

test('summarize flags a far sample as an outlier by its median-based score', () => {
  const s = summarize([10, 10.1, 9.9, 10.2, 9.8, 100]);
  assert.equal(s.outliers, 1);
});

test('one sample has no spread fields at all (written empty, not 0)', () => {
  const s = summarize([7]);
  assert.deepEqual(s, { samples: 1, median: 7, min: 7, max: 7 });
  assert.deepEqual(single(4.233), { samples: 1, median: 4.233 });
});

test('bad samples are refused', () => {
  assert.throws(() => summarize([]), /at least one/);
  assert.throws(() => summarize([1, Number.NaN]), /non-finite/);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
});

test('median: the middle value of unsorted input, the mean of the middle two for an even count, the input left as it was', () => {
  const xs = [9, 1, 5];
  assert.equal(median(xs), 5);
  assert.deepEqual(xs, [9, 1, 5]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([10, 2]), 6); // numeric order, not the default string order ('10' < '2')
  assert.equal(median([7]), 7);
  assert.throws(() => median([]), /empty/);
});
