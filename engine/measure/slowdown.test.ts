import assert from 'node:assert/strict';
import { test } from 'node:test';
import { busyWork, parseSlowdown, SLOWDOWN_ENV, slowdownShare } from './slowdown.js';

test('an injected slowdown is NAME:SHARE, several separated by commas', () => {
  assert.deepEqual([...parseSlowdown('ctr-aes:0.25')], [['ctr-aes', 0.25]]);
  assert.deepEqual([...parseSlowdown(' link-tcp-10b:0.1 , rc4plus:1.5 ')], [['link-tcp-10b', 0.1], ['rc4plus', 1.5]]);
  assert.deepEqual([...parseSlowdown('')], []);
});

test('a bad injection is refused with a message naming the variable and the entry', () => {
  assert.throws(() => parseSlowdown('ctr-aes'), new RegExp(`${SLOWDOWN_ENV}: entry "ctr-aes" must be NAME:SHARE`));
  assert.throws(() => parseSlowdown(':0.2'), /entry ":0.2" must be NAME:SHARE/);
  assert.throws(() => parseSlowdown('Ctr:0.2'), /entry "Ctr:0.2" must be NAME:SHARE/);
  assert.throws(() => parseSlowdown('ctr-aes:'), /the share must be a number above 0 and at most 10 .* got ""/);
  assert.throws(() => parseSlowdown('ctr-aes:25%'), /got "25%"/);
  assert.throws(() => parseSlowdown('ctr-aes:0'), /got "0"/);
  assert.throws(() => parseSlowdown('ctr-aes:-0.1'), /got "-0.1"/);
  assert.throws(() => parseSlowdown('ctr-aes:11'), /got "11"/);
  assert.throws(() => parseSlowdown('ctr-aes:0.1,ctr-aes:0.2'), /"ctr-aes" is named twice/);
});

test('only the named benchmark gets a share; no variable or no name means none', () => {
  const env = { [SLOWDOWN_ENV]: 'ctr-aes:0.25' };
  assert.equal(slowdownShare('ctr-aes', env), 0.25);
  assert.equal(slowdownShare('ctr-file-vs-cp', env), 0);
  assert.equal(slowdownShare(undefined, env), 0);
  assert.equal(slowdownShare('ctr-aes', {}), 0);
});

test('busy work takes at least the time asked for', () => {
  assert.ok(busyWork(3) >= 3);
  assert.ok(busyWork(0) >= 0);
});
