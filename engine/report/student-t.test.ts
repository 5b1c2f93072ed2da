import assert from 'node:assert/strict';
import { test } from 'node:test';
import { studentTCdf, studentTQuantile } from './student-t.js';

// Two-sided 95 % critical values (the 0.975 quantile), as R's qt(0.975, df) prints them.
const T975: [number, number][] = [
  [1, 12.706204736174698],
  [2, 4.302652729749464],
  [5, 2.570581835636314],
  [10, 2.228138851986274],
  [30, 2.042272456301238],
  [31, 2.039513446396408],
  [60, 2.000297821058262],
  [120, 1.979930405052777],
  [1e6, 1.959966349],
];

test("the 0.975 quantile of Student's t matches R's qt for df 1 to 10^6", () => {
  for (const [df, expected] of T975) {
    const t = studentTQuantile(0.975, df);
    assert.ok(Math.abs(t - expected) < 1e-8 * expected, `df ${df}: ${t} vs ${expected}`);
  }
});

test('other quantiles: symmetry, the median, and closed forms for df 1 (Cauchy) and 2', () => {
  assert.equal(studentTQuantile(0.5, 7), 0);
  assert.ok(Math.abs(studentTQuantile(0.025, 10) + 2.228138851986274) < 1e-9);
  for (const p of [0.6, 0.9, 0.99, 0.9995]) {
    assert.ok(Math.abs(studentTQuantile(p, 1) - Math.tan(Math.PI * (p - 0.5))) < 1e-8 * Math.tan(Math.PI * (p - 0.5)), `df 1, p ${p}`);
    const two = (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
    assert.ok(Math.abs(studentTQuantile(p, 2) - two) < 1e-9 * two, `df 2, p ${p}`);
  }
  assert.ok(Math.abs(studentTCdf(studentTQuantile(0.95, 3.5), 3.5) - 0.95) < 1e-12);
});

test('a p outside (0, 1) or a df not above 0 is refused', () => {
  for (const p of [0, 1, -0.1, Number.NaN]) assert.throws(() => studentTQuantile(p, 5), /0 < p < 1/);
  for (const df of [0, -1, Number.NaN]) assert.throws(() => studentTQuantile(0.975, df), /degrees of freedom/);
});
