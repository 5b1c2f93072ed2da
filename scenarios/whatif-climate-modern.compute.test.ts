import assert from 'node:assert/strict';
import test from 'node:test';
import { ARGONNE_SP, computeRatios, linpackFlops, luSolve, measureTodaySustained, mflopsPerProcessor, SMALL_SP, TODAY_PEAK_MFLOPS } from './whatif-climate-modern.compute.js';

test('luSolve solves a system that needs pivoting (column-major)', () => {
  // A = [[0, 2, 1], [1, 1, 1], [2, 1, 3]] (rows), x = [1, 2, 3]: a zero first pivot forces a row swap
  const rows = [[0, 2, 1], [1, 1, 1], [2, 1, 3]];
  const x = [1, 2, 3];
  const a = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) a[j * 3 + i] = rows[i][j];
  const b = Float64Array.from(rows.map((r) => r.reduce((s, v, j) => s + v * x[j], 0)));
  luSolve(a, b, 3);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(b[i] - x[i]) < 1e-12, `x[${i}] = ${b[i]}`);
  assert.throws(() => luSolve(new Float64Array(4), new Float64Array(2), 2), /singular matrix at column 0/);
});

test('today\'s sustained figure is a checked solve with a finite rate, and the ratios are its quotients by the TOP500 rows', () => {
  const today = measureTodaySustained(60, 1);
  assert.ok(Number.isFinite(today.mflops) && today.mflops > 0);
  assert.ok(today.maxError < 1e-9, `solve off by ${today.maxError}`);
  assert.equal(linpackFlops(100), (2 * 1e6) / 3 + 2e4);
  // the list's own figures, per processor: 4.8 GFlop/s over 128, 0.664 over 8, 16 over 128 (62.5 MHz x 2 FLOP a cycle)
  assert.equal(mflopsPerProcessor(ARGONNE_SP, 'rmax'), 37.5);
  assert.equal(mflopsPerProcessor(SMALL_SP, 'rmax'), 83);
  assert.equal(mflopsPerProcessor(ARGONNE_SP, 'rpeak'), ARGONNE_SP.clockMHz * 2);
  const [argonne, small, peak] = computeRatios(today);
  assert.deepEqual([argonne.kind, small.kind, peak.kind], ['sustained', 'sustained', 'peak']);
  assert.equal(argonne.factor, today.mflops / 37.5);
  assert.equal(small.factor, today.mflops / 83);
  assert.equal(peak.factor, TODAY_PEAK_MFLOPS / 125);
  // the rows are named as a reader finds them: list, rank, machine, clock
  assert.match(ARGONNE_SP.source, /June 1994.*rank 100: Argonne National Laboratory, IBM "9076-005 SP1", 128 processors, POWER1, 62\.5 MHz, Rmax 4\.8 GFlop\/s, Rpeak 16 GFlop\/s/);
  assert.match(SMALL_SP.source, /November 1993.*rank 410: NCAR.*8 processors, POWER1, 62\.5 MHz, Rmax 0\.664 GFlop\/s/);
});
