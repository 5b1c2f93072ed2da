import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkWorkload } from './cluster.js';
import { nextSweeps, workloadOf, type CalibrationRound, type WorkloadPlan } from './workload.js';

const plan: WorkloadPlan = { transposeBytesPerDay: 72 * 10 * 1000, messageBytes: 1000, stepsPerDay: 72, oceanSweepsPerAtmosphere: 0.25 };
const shape = { securedOverNone: { shm: 1, tcp: 0.5 } };

test('a workload sends the plan\'s bytes a day in messages of about the plan\'s size', () => {
  const w = workloadOf(plan, 41.6);
  assert.deepEqual(w, { physicsSweeps: { atmosphere: 42, ocean: 11 }, transposeMessages: 10, transposeBytes: 1000 });
  assert.equal(workloadOf(plan, -3).physicsSweeps.atmosphere, 0);
  // whole float64s, at least one
  assert.equal(workloadOf({ ...plan, transposeBytesPerDay: 72 * 1001 }, 0).transposeBytes % 8, 0);
});

test('compute moves until the unsecured days stand to the cipher\'s extra seconds as in the table', () => {
  // extra 10 s a day on both transports: the table wants none 10 s on shm and 20 s on tcp, 15 on average
  const round = (sweeps: number, none: number): CalibrationRound => ({ workload: workloadOf(plan, sweeps), none: { shm: none, tcp: none }, all: { shm: none + 10, tcp: none + 10 } });
  // one round: the slope is the sweep time scaled by how much slower the cipher ran than alone (10 / 5)
  const first = nextSweeps(plan, shape, [round(0, 3)], { sweepS: 0.001, cipherSPerDay: 5 });
  assert.ok(Math.abs(first - 12 / (0.001 * 72 * 2)) < 1e-9, String(first));
  // two rounds on a line none = 3 + 0.1 x sweeps (the model: 0.1 s a day a sweep, the cipher 10x slower than alone): the secant lands on 120 sweeps
  const line = { sweepS: 0.1 / 72 / 10, cipherSPerDay: 1 };
  assert.ok(Math.abs(nextSweeps(plan, shape, [round(0, 3), round(50, 8)], line) - 120) < 1e-9);
  // already there: it stays
  assert.equal(nextSweeps(plan, shape, [round(0, 3), round(120, 15)], line), 120);
  // too slow already: fewer sweeps, never below none
  assert.ok(nextSweeps(plan, shape, [round(0, 3), round(200, 23)], line) < 200);
  // two late rounds within noise of each other (a secant 50x under the model) do not send the next to no compute: the model's slope does
  const noisy = nextSweeps(plan, shape, [round(0, 3), round(114, 14.4), round(140, 14.45)], line);
  assert.ok(Math.abs(noisy - (140 + (15 - 14.45) / 0.1)) < 1e-9, String(noisy));
  assert.equal(nextSweeps(plan, shape, [round(10, 40)], { sweepS: 0.001, cipherSPerDay: 10 }), 0);
});

test('under mpirun the rounds run tcp alone (no shm between processes), and compute moves to the tcp proportion alone', () => {
  const tcpOnly = (sweeps: number, none: number): CalibrationRound => ({ workload: workloadOf(plan, sweeps), none: { tcp: none }, all: { tcp: none + 10 } });
  const line = { sweepS: 0.1 / 72 / 10, cipherSPerDay: 1 };
  // extra 10 s a day and tcp's 0.5: none should take 20 s, 3 + 0.1 x 170 (both transports' mean, 15, would give 120)
  assert.ok(Math.abs(nextSweeps(plan, shape, [tcpOnly(0, 3), tcpOnly(50, 8)], line) - 170) < 1e-9);
});

test('a workload the ranks cannot run is refused, naming the field', () => {
  const atmosphere = { grid: { nx: 8, ny: 4, levels: 2 }, ranks: 2, diffusivity: 0.1, coupling: 0.05, physicsSweeps: 1 };
  const ok = { physicsSweeps: { atmosphere: 1, ocean: 0 }, transposeMessages: 2, transposeBytes: 64 };
  assert.doesNotThrow(() => checkWorkload(ok, atmosphere));
  assert.throws(() => checkWorkload({ ...ok, transposeBytes: 12 }, atmosphere), /transposeBytes 12 is not a multiple of 8 from 8 to the 256 B/);
  assert.throws(() => checkWorkload({ ...ok, transposeBytes: 264 }, atmosphere), /transposeBytes 264/);
  assert.throws(() => checkWorkload({ ...ok, transposeMessages: 1.5 }, atmosphere), /transposeMessages 1.5 is not a whole number/);
  assert.throws(() => checkWorkload({ ...ok, physicsSweeps: { atmosphere: -1, ocean: 0 } }, atmosphere), /physicsSweeps.atmosphere -1/);
});
