import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NonceGuard, Refusal, TokenTable, field } from './identity.js';

const refusedWith = (reason: string) => (err: unknown) => err instanceof Refusal && err.reason === reason;

test('NonceGuard refuses stale timestamps and reused nonces', () => {
  const g = new NonceGuard(1000);
  g.check(10_000, 'n1', 10_500);
  assert.throws(() => g.check(10_000, 'n1', 10_600), refusedWith('replay'));
  assert.throws(() => g.check(8_000, 'n2', 10_600), refusedWith('stale'));
  assert.throws(() => g.check(12_000, 'n3', 10_600), refusedWith('stale'));
});

test('NonceGuard forgets nonces older than twice its window, and only those', () => {
  const g = new NonceGuard(1000);
  for (let i = 0; i < 50; i++) g.check(10_000, `old${i}`, 10_000 + i);
  assert.equal(g.rememberedCount, 50);
  // within twice the window of the first ones: all still remembered (a replay is still refused)
  g.check(11_900, 'mid', 11_900);
  assert.equal(g.rememberedCount, 51);
  assert.throws(() => g.check(11_000, 'old49', 11_950), refusedWith('replay'));
  // past twice the window of every old one: only 'mid' and the new one are left
  g.check(12_100, 'new', 12_100);
  assert.equal(g.rememberedCount, 2);
  // stale requests and replays add nothing
  assert.throws(() => g.check(1, 'stale', 12_100), refusedWith('stale'));
  assert.throws(() => g.check(12_100, 'new', 12_100), refusedWith('replay'));
  assert.equal(g.rememberedCount, 2);
});

test('TokenTable binds tokens to user, IP and time', () => {
  const tokens = new TokenTable(1000);
  const { token } = tokens.issue('alice', '10.0.0.1', 0);
  tokens.check('alice', token, '10.0.0.1', 500);
  assert.throws(() => tokens.check('bob', token, '10.0.0.1', 500), refusedWith('bad-token'));
  assert.throws(() => tokens.check('alice', token, '10.0.0.2', 500), refusedWith('ip-mismatch'));
  assert.throws(() => tokens.check('alice', token, '10.0.0.1', 1500), refusedWith('expired-token'));
});

test('field names the parameter and the problem', () => {
  assert.throws(() => field({}, 'nonce', 8), /missing parameter "nonce"/);
  assert.throws(() => field({ nonce: ['a', 'b'] }, 'nonce', 8), /given 2 times/);
  assert.throws(() => field({ nonce: 'abcdefghij' }, 'nonce', 8), refusedWith('oversize'));
  assert.throws(() => field({ nonce: 'xyz' }, 'nonce', 8, /^[0-9]+$/), /not well formed/);
  assert.equal(field({ nonce: '123' }, 'nonce', 8, /^[0-9]+$/), '123');
});
