// The gate's timing: wall-clock batches of at least MIN_BATCH_MS, and no sample that is 0 or non-finite.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkedSample, MIN_BATCH_MS, wallBatchMs } from './benchmark.js';

test('a batch covers at least its minimum wall time, so even an operation that takes no time gives a sample above 0', async () => {
  let calls = 0;
  const started = process.hrtime.bigint();
  const ms = await wallBatchMs('nothing', () => calls++);
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(elapsedMs >= MIN_BATCH_MS, `batch took ${elapsedMs} ms`);
  assert.ok(calls > 1);
  assert.ok(ms > 0 && Number.isFinite(ms));
  // the per-call time is the batch's wall time over its calls
  assert.ok(Math.abs(ms * calls - elapsedMs) < 5, `${ms} x ${calls} against ${elapsedMs}`);
});

test('an operation longer than the batch runs once and is timed whole', async () => {
  let calls = 0;
  const ms = await wallBatchMs('sleep', () => new Promise((resolve) => setTimeout(() => resolve(calls++), 15)), 5);
  assert.equal(calls, 1);
  assert.ok(ms >= 14, `${ms}`);
});

test('0, negative and non-finite timings are refused, naming what was timed', () => {
  for (const bad of [0, -1, Infinity, NaN]) assert.throws(() => checkedSample('RC4 round', bad), new RegExp(`RC4 round: a timing of ${bad} is no sample`));
  assert.equal(checkedSample('ok', 0.001), 0.001);
});
