import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pauseAfter, retry, retrySync } from './retry.js';

const busy = () => Object.assign(new Error('busy'), { code: 'EBUSY' });
const isBusy = (err: unknown) => (err as NodeJS.ErrnoException).code === 'EBUSY';

test('the pause doubles from the first up to the cap, and stays fixed without a cap', () => {
  const policy = { firstPauseMs: 5, maxPauseMs: 100 };
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => pauseAfter(policy, n)), [5, 10, 20, 40, 80, 100, 100]);
  assert.deepEqual([1, 2, 3].map((n) => pauseAfter({ firstPauseMs: 7 }, n)), [7, 7, 7]);
});

test('a retryable error is tried again until it succeeds; the value comes back', async () => {
  const seen: number[] = [];
  const value = await retry(
    async (n) => {
      seen.push(n);
      if (n < 3) throw busy();
      return 'done';
    },
    { attempts: 5, firstPauseMs: 1, retryable: isBusy },
  );
  assert.equal(value, 'done');
  assert.deepEqual(seen, [1, 2, 3]);
});

test('at most `attempts` tries, then the last error; an error not retryable propagates at once', async () => {
  let tries = 0;
  await assert.rejects(retry(async () => { tries++; throw busy(); }, { attempts: 4, firstPauseMs: 0, retryable: isBusy }), /busy/);
  assert.equal(tries, 4);
  tries = 0;
  await assert.rejects(retry(async () => { tries++; throw new Error('broken'); }, { attempts: 4, firstPauseMs: 0, retryable: isBusy }), /broken/);
  assert.equal(tries, 1);
  tries = 0;
  assert.throws(() => retrySync(() => { tries++; throw busy(); }, { attempts: 3, firstPauseMs: 0 }), /busy/);
  assert.equal(tries, 1, 'by default no error is retried');
});

test('a deadline stops the tries before a pause that would end after it', async () => {
  let tries = 0;
  const started = performance.now();
  await assert.rejects(retry(async () => { tries++; throw busy(); }, { deadline: started + 60, firstPauseMs: 10, maxPauseMs: 20, retryable: isBusy }), /busy/);
  // pauses 10, 20, 20 fit in 60 ms (a fourth 20 would not, whatever the scheduler adds): 2 to 4 tries
  assert.ok(tries >= 2 && tries <= 4, `${tries} tries`);
  assert.ok(performance.now() - started < 1000);
});

test('a value not accepted is tried again; after the last try it is returned as it is', () => {
  const values = [[], [], ['peer']];
  assert.deepEqual(retrySync((n) => values[n - 1], { attempts: 5, firstPauseMs: 0, accept: (v) => v.length > 0 }), ['peer']);
  let tries = 0;
  assert.deepEqual(retrySync(() => { tries++; return []; }, { attempts: 3, firstPauseMs: 0, accept: (v) => v.length > 0 }), []);
  assert.equal(tries, 3);
});

test('a retry with neither attempts nor deadline is refused before it runs', async () => {
  let ran = false;
  assert.throws(() => retrySync(() => { ran = true; }, { firstPauseMs: 1 }), /bound/);
  await assert.rejects(retry(async () => { ran = true; }, { firstPauseMs: 1 }), /bound/);
  assert.equal(ran, false);
});
