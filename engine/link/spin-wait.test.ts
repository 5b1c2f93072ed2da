import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { MAX_SPIN_US, SLEEPS_BEFORE_PROBE, SpinThenWait } from './spin-wait.js';

test('a wait on a word that already moved returns at once, true', () => {
  const ctrl = new Int32Array(new SharedArrayBuffer(4));
  ctrl[0] = 1;
  assert.equal(new SpinThenWait().wait(ctrl, 0, 0, 1000), true);
});

test('a wait on a word that never moves polls, then sleeps its slice, and returns false', () => {
  const ctrl = new Int32Array(new SharedArrayBuffer(4));
  const waiter = new SpinThenWait();
  const started = performance.now();
  assert.equal(waiter.wait(ctrl, 0, 0, 20), false);
  const ms = performance.now() - started;
  assert.ok(ms >= 20 + MAX_SPIN_US / 1000 - 1, `returned after ${ms} ms`);
  // after the miss it sleeps at once, then probes again: either way an unmoved word times out
  for (let i = 0; i <= SLEEPS_BEFORE_PROBE; i++) assert.equal(waiter.wait(ctrl, 0, 0, 0), false);
});

test('a wait is ended by another thread moving the word, polling or asleep', async () => {
  const ctrl = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    `const { workerData: c } = require('node:worker_threads');
     for (let i = 1; i <= 200; i++) {
       while (Atomics.load(c, 1) !== i) Atomics.wait(c, 1, i - 1, 1000);
       Atomics.store(c, 0, i);
       Atomics.notify(c, 0);
     }`,
    { eval: true, workerData: ctrl },
  );
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  const waiter = new SpinThenWait();
  for (let i = 1; i <= 200; i++) {
    Atomics.store(ctrl, 1, i);
    Atomics.notify(ctrl, 1);
    // 10 s slices: a wait that only ended on its slice would fail the bounded test run, not pass it
    while (Atomics.load(ctrl, 0) !== i) assert.equal(waiter.wait(ctrl, 0, i - 1, 10_000), true, `bounce ${i}`);
  }
  await exited;
});
