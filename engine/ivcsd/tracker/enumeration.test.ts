// A stranger cannot tell which usernames exist from /salt or /login: the made-up answer for an
// unknown name has the shape of a real one (the same fields, a salt length and scrypt cost drawn
// from the real users'), stays the same for a name, and costs the tracker the same work.
//
// The work is measured, not timed (a timing on this loaded 2-core machine swings by 2x from run
// to run): the handlers are called in-process with the store wrapped to record every call made on
// it, and node:crypto's functions wrapped to count every hash, HMAC and comparison; a known name
// (right or wrong password) and an unknown one must leave the same record. Before the fix an
// unknown name took an extra store read (the secret) and three HMACs (its made-up verifier).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { authorityToXml } from './authority-xml.js';
import { inTempDir, tempDir } from './fault-kit.testkit.js';
import { LOGIN_REFUSED, NonceGuard, Refusal, TokenTable, type Query } from './identity.js';
import { makeVerifier } from './password.js';
import { clientProof } from './protocol.js';
import { ROUTES, type RouteContext } from './routes.js';
import { startTracker, type TrackerHandle } from './server.js';

const IP = '127.0.0.1';
/** Real users made with two cost settings: the default, and one imported from elsewhere. */
const IMPORTED = { logN: 12, r: 4, p: 2 };
const IMPORTED_SALT_BYTES = 24;

function saltAnswer(t: TrackerHandle, username: string) {
  const ctx: RouteContext = { store: t.store, tokens: new TokenTable(1000), nonces: new NonceGuard(), recordOf: () => ({ write() {}, retract() {} }) };
  const outcome = ROUTES['/salt'](ctx, { username }, IP);
  assert.ok(!(outcome instanceof Promise) && outcome.kind === 'answer');
  return outcome.body as { salt: Uint8Array; ln: number; r: number; p: number; 'your ip': string };
}

const require = createRequire(import.meta.url);
const cryptoModule = require('node:crypto') as Record<string, unknown>;
const COUNTED = ['createHmac', 'createHash', 'timingSafeEqual', 'scrypt', 'scryptSync', 'randomBytes', 'pbkdf2Sync'];

/**
 * Calls `fn` with node:crypto's functions wrapped to count their calls (every module's imports of
 * them included: syncBuiltinESMExports updates the ES module bindings), and returns the counts.
 */
function countCrypto(fn: () => void): Record<string, number> {
  const originals = Object.fromEntries(COUNTED.map((name) => [name, cryptoModule[name] as (...a: unknown[]) => unknown]));
  const counts: Record<string, number> = {};
  for (const name of COUNTED) {
    cryptoModule[name] = (...args: unknown[]) => {
      counts[name] = (counts[name] ?? 0) + 1;
      return originals[name](...args);
    };
  }
  syncBuiltinESMExports();
  try {
    fn();
  } finally {
    Object.assign(cryptoModule, originals);
    syncBuiltinESMExports();
  }
  return counts;
}

const costOf = (a: { salt: Uint8Array; ln: number; r: number; p: number }) => `ln=${a.ln} r=${a.r} p=${a.p} salt=${a.salt.length}`;

describe('username enumeration', () => {
  let base: string;
  let t: TrackerHandle;
  const known = ['alice', 'bob', 'carol', 'dave'];

  before(async () => {
    base = tempDir('enum');
    t = await startTracker({ dataDir: base });
    await t.addPeer('alice', 'alice-pw', IP, 1);
    await t.addPeer('bob', 'bob-pw', IP, 1);
    // two users imported with other costs and a longer salt, as another tracker might have made them
    const imported = await Promise.all(
      ['carol', 'dave'].map(async (username) => {
        const v = await makeVerifier(`${username}-pw`, IMPORTED);
        const salt = new Uint8Array(randomBytes(IMPORTED_SALT_BYTES));
        return { username, ip: IP, password: { ...v, salt }, authority: 1, role: 'peer' as const, updatedMs: 1 };
      }),
    );
    await t.admin.importXml(authorityToXml(imported), 'imported.xml');
  });
  after(async () => {
    await t.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  test('/salt for an unknown name has the shape and the cost distribution of a real one, and stays the same', () => {
    const real = new Set(known.map((u) => costOf(saltAnswer(t, u))));
    assert.deepEqual([...real].sort(), ['ln=12 r=4 p=2 salt=24', 'ln=14 r=8 p=1 salt=16']);
    const made = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const name = `nobody${i}`;
      const a = saltAnswer(t, name);
      assert.deepEqual(Object.keys(a).sort(), Object.keys(saltAnswer(t, 'alice')).sort(), 'the same fields');
      assert.ok(real.has(costOf(a)), `${name}: ${costOf(a)} is no real user's cost`);
      made.set(costOf(a), (made.get(costOf(a)) ?? 0) + 1);
      assert.deepEqual(saltAnswer(t, name), a, `${name}: the same answer twice`);
    }
    // both real costs appear among made-up answers, about as often as among real users (half each)
    for (const cost of real) assert.ok((made.get(cost) ?? 0) >= 60, `${cost} given to ${made.get(cost) ?? 0} of 200 unknown names`);
  });

  test('/salt and /login do the same work for a known and an unknown name: store calls and crypto calls counted', () => {
    const proof = clientProof(new Uint8Array(32).fill(1), 'not this message');
    const queries: Record<string, (username: string) => Query> = {
      '/salt': (username) => ({ username }),
      '/login': (username) => ({ username, ts: String(Date.now()), nonce: randomBytes(16).toString('hex'), proof }),
    };
    for (const [route, query] of Object.entries(queries)) {
      const records = new Map<string, string>();
      for (const username of [...known, 'nobody', 'x', 'a'.repeat(64)]) {
        const q = query(username);
        const storeCalls: string[] = [];
        const store = new Proxy(t.store, {
          get(target, prop) {
            const v = Reflect.get(target, prop, target) as unknown;
            if (typeof v !== 'function') return v;
            return (...args: unknown[]) => {
              storeCalls.push(String(prop));
              return (v as (...a: unknown[]) => unknown).apply(target, args);
            };
          },
        });
        const ctx: RouteContext = { store, tokens: new TokenTable(60_000), nonces: new NonceGuard(), recordOf: () => ({ write() {}, retract() {} }) };
        const cryptoCalls = countCrypto(() => {
          try {
            ROUTES[route](ctx, q, IP);
          } catch (err) {
            assert.ok(err instanceof Refusal && err.message === LOGIN_REFUSED, String(err));
          }
        });
        records.set(username, JSON.stringify({ storeCalls, cryptoCalls }));
      }
      const distinct = new Set(records.values());
      assert.equal(distinct.size, 1, `${route}: the work differs by name:\n${[...records].map(([u, r]) => `  ${u.slice(0, 12)}: ${r}`).join('\n')}`);
      const [one] = distinct;
      assert.match(one, /createHmac/, `${route}: the count sees the hashing it is meant to count`);
    }
  });
});

test('the made-up answers stay the same across a restart', () =>
  inTempDir('enum', async (dir) => {
    let t = await startTracker({ dataDir: dir });
    await t.addPeer('alice', 'alice-pw', IP, 1);
    const first = saltAnswer(t, 'nobody');
    await t.close();
    t = await startTracker({ dataDir: dir });
    try {
      assert.deepEqual(saltAnswer(t, 'nobody'), first);
    } finally {
      await t.close();
    }
  }));
