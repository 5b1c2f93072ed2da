// What a leaked data folder gives away, and what the tracker's answers tell a stranger.
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TrackerRefusal, TrackerSession } from '../tracker-client.js';
import { runTrackerCommand, tempDir } from './fault-kit.testkit.js';
import { clientKeyOf } from './password.js';
import { clientProof, getcipherIdentityString, getcipherMessage, loginMessage } from './protocol.js';
import { startTracker, type TrackerHandle } from './server.js';

const IP = '127.0.0.1';
const HASH = 'c3'.repeat(20);
const mode = (p: string) => fs.statSync(p).mode & 0o777;

/** Every byte string of 16 bytes or more in the stored verifier of `username` (authority.xml's psw_hash). */
function storedSecrets(xml: string, username: string): Uint8Array[] {
  const peer = new RegExp(`<username>${username}</username>\\s*<psw_hash>([^<]+)</psw_hash>`).exec(xml);
  assert.ok(peer, `no psw_hash for ${username} in the export`);
  return peer[1]
    .split('$')
    .filter((part) => /^[A-Za-z0-9+/]+={0,2}$/.test(part))
    .map((part) => new Uint8Array(Buffer.from(part, 'base64')))
    .filter((bytes) => bytes.length >= 16);
}

/**
 * What a thief can make of a stored value: use it as the scrypt output the client derives from the
 * password, or as the ClientKey itself; `oldScheme` is the proof before the verifier (an HMAC keyed
 * by the stored hash), which the test also tries.
 */
function clientKeysFrom(secret: Uint8Array): Uint8Array[] {
  return [clientKeyOf(secret), secret];
}
const oldScheme = (secret: Uint8Array, message: string) => createHmac('sha256', secret).update(message).digest('base64');

describe('tracker privacy', () => {
  let base: string;
  let dataDir: string;
  let t: TrackerHandle;
  let alice: TrackerSession;

  before(async () => {
    base = tempDir('privacy');
    dataDir = path.join(base, 'data');
    t = await startTracker({ dataDir });
    await t.addPeer('alice', 'alice-pw', IP, 1);
    alice = new TrackerSession({ baseUrl: t.baseUrl, username: 'alice', password: 'alice-pw' });
    await alice.login();
    await alice.publish(HASH, 'c.bin');
    await t.setTorrentLevel(HASH, 3);
  });
  after(async () => {
    await t.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  test('the data folder is 0700 and every file in it 0600', () => {
    assert.equal(mode(dataDir), 0o700);
    const files = fs.readdirSync(dataDir);
    for (const name of ['authority.sqlite', 'tracker-log.jsonl', 'admin.json', 'tracker.lock']) assert.ok(files.includes(name), `${name} in ${files.join(', ')}`);
    for (const name of files) assert.equal(mode(path.join(dataDir, name)), 0o600, name);
  });

  test('export writes authority.xml 0600', async () => {
    const out = path.join(base, 'export.xml');
    const r = await runTrackerCommand(['export', '--data', dataDir, '--file', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(fs.readFileSync(out, 'utf8'), /<username>alice<\/username>/);
    assert.equal(mode(out), 0o600);
  });

  test('a leaked store is not enough to log in: no stored value works as the client secret', async () => {
    const secrets = storedSecrets(t.admin.exportXml(), 'alice');
    assert.ok(secrets.length >= 2, 'the verifier holds a salt and at least one key');
    let tries = 0;
    for (const secret of secrets) {
      const message = (ts: number, nonce: string) => loginMessage('alice', IP, ts, nonce);
      const proofs = [...clientKeysFrom(secret).map((key) => (m: string) => clientProof(key, m)), (m: string) => oldScheme(secret, m)];
      for (const proof of proofs) {
        const ts = Date.now();
        const nonce = randomBytes(16).toString('hex');
        await assert.rejects(alice.call('/login', { username: 'alice', ts: String(ts), nonce, proof: proof(message(ts, nonce)) }), (err) => err instanceof TrackerRefusal);
        tries++;
      }
    }
    assert.equal(tries, secrets.length * 3);
    assert.equal(t.log.read().filter((e) => e.route === '/login' && e.decision === 'allowed').length, 1, 'only the real login was allowed');
  });

  test('a leaked store and a stolen token are not enough to get a file key', async () => {
    const { token } = await alice.getcipherParams(HASH);
    const mallory = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pubkey = mallory.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    for (const secret of storedSecrets(t.admin.exportXml(), 'alice')) {
      for (const key of clientKeysFrom(secret)) {
        const ts = Date.now();
        const nonce = randomBytes(16).toString('hex');
        const proof = clientProof(key, getcipherMessage('alice', IP, HASH, ts, nonce, Buffer.from(pubkey, 'base64')));
        const signature = sign('sha256', Buffer.from(getcipherIdentityString('alice', key, IP, HASH, ts, nonce)), mallory.privateKey).toString('base64');
        await assert.rejects(
          alice.call('/getcipher', { username: 'alice', token, info_hash: HASH, ts: String(ts), nonce, pubkey, proof, signature }),
          (err) => err instanceof TrackerRefusal,
        );
      }
    }
    assert.equal(t.log.read().filter((e) => e.route === '/getcipher' && e.decision === 'allowed').length, 0);
  });

  test('login answers the same for an unknown user and a wrong password', async () => {
    const reasons: string[] = [];
    for (const username of ['alice', 'nobody']) {
      const s = new TrackerSession({ baseUrl: t.baseUrl, username, password: 'wrong' });
      await assert.rejects(s.login(), (err) => err instanceof TrackerRefusal && (reasons.push(err.failureReason), true));
    }
    assert.equal(reasons[0], reasons[1]);
    assert.doesNotMatch(reasons[1], /nobody|unknown/);
    // the same for a request with a token: a made-up token says nothing about the name
    const token = '0'.repeat(64);
    const answers: string[] = [];
    for (const username of ['alice', 'nobody']) {
      await assert.rejects(alice.call('/publish', { username, token, info_hash: 'd4'.repeat(20), name: 'x' }), (err) => err instanceof TrackerRefusal && (answers.push(err.failureReason.replace(username, 'U')), true));
    }
    assert.equal(answers[0], answers[1]);
  });

  test('the log and the store hold no password', () => {
    assert.equal(fs.readFileSync(t.logFile, 'utf8').includes('alice-pw'), false);
    assert.equal(fs.readFileSync(t.store.file).toString('latin1').includes('alice-pw'), false);
  });
});

test('an existing folder open to others is closed (0700) when it holds only tracker files, refused otherwise', async () => {
  const base = tempDir('privacy');
  try {
    const own = path.join(base, 'own');
    const t = await startTracker({ dataDir: own });
    await t.close();
    fs.chmodSync(own, 0o755);
    for (const name of fs.readdirSync(own)) fs.chmodSync(path.join(own, name), 0o644);
    const again = await startTracker({ dataDir: own });
    await again.close();
    assert.equal(mode(own), 0o700);
    for (const name of fs.readdirSync(own)) assert.equal(mode(path.join(own, name)), 0o600, name);

    const shared = path.join(base, 'shared');
    fs.mkdirSync(shared, { mode: 0o755 });
    fs.chmodSync(shared, 0o755);
    fs.writeFileSync(path.join(shared, 'notes.txt'), 'someone else');
    await assert.rejects(startTracker({ dataDir: shared }), (err: Error) => err.message.includes(shared) && /0755/.test(err.message) && /notes\.txt/.test(err.message));
    assert.deepEqual(fs.readdirSync(shared), ['notes.txt'], 'a refused start leaves nothing behind');
    assert.equal(mode(shared), 0o755);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
