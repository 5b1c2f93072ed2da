import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NonceGuard, Refusal, TokenTable, field } from './identity.js';

const refusedWith = (reason: string) => (err: unknown) => err instanceof Refusal && err.reason === reason;

test('NonceGuard refuses stale timestamps and reused nonces, and forgets old ones', () => {
  const g = new NonceGuard(1000);
  g.check(10_000, 'n1', 10_500);
  assert.throws(() => g.check(10_000, 'n1', 10_600), refusedWith('replay'));
  assert.throws(() => g.check(8_000, 'n2', 10_600), refusedWith('stale'));
  assert.throws(() => g.check(12_000, 'n3', 10_600), refusedWith('stale'));
  // after twice the window the nonce is dropped; its timestamp is stale by then anyway
  g.check(20_000, 'n4', 20_000);
  assert.throws(() => g.check(10_000, 'n1', 20_000), refusedWith('stale'));
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
