import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import bencode from 'bencode';
import { TrackerRefusal, TrackerSession } from '../tracker-client.js';
import { LOGIN_REFUSED } from './identity.js';
import { clientKeyOf, deriveScrypt } from './password.js';
import { clientProof, loginMessage } from './protocol.js';
import { request } from './fault-kit.testkit.js';
import { tryRefusals } from './refusals.js';
import { startTracker, type TrackerHandle } from './server.js';

const IP = '127.0.0.1';
const HASH_A = 'a1'.repeat(20);
const HASH_B = 'b2'.repeat(20);

async function get(url: string): Promise<Record<string, unknown>> {
  const body = await new Promise<Buffer>((resolve, reject) => {
    http.get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
    }).on('error', reject);
  });
  return bencode.decode(body) as Record<string, unknown>;
}
const text = (v: unknown) => Buffer.from(v as Uint8Array).toString('utf8');

describe('IVCSD tracker', () => {
  let dir: string;
  let t: TrackerHandle;
  const sessions: Record<string, TrackerSession> = {};
  const peerId = (n: number) => `-IV0100-${String(n).padStart(12, '0')}`;

  /** The last log line for a route, checked to be about this refusal. */
  function lastLog(route: string) {
    const entries = t.log.read().filter((e) => e.route === route);
    return entries[entries.length - 1];
  }

  async function expectRefusal(p: Promise<unknown>, reason: RegExp, route: string, logReason: string) {
    await assert.rejects(p, (err: unknown) => err instanceof TrackerRefusal && reason.test(err.failureReason));
    const entry = lastLog(route);
    assert.equal(entry.decision, 'refused');
    assert.equal(entry.reason, logReason);
    assert.equal(entry.sourceIp, IP);
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ivcsd-tracker-'));
    t = await startTracker({ dataDir: dir });
    for (const [name, level] of [['p1', 1], ['p3', 3], ['p5', 5]] as const) {
      await t.addPeer(name, `secret-${name}`, IP, level);
      sessions[name] = new TrackerSession({ baseUrl: t.baseUrl, username: name, password: `secret-${name}` });
      await sessions[name].login();
    }
    await t.addPeer('inter', 'secret-inter', IP, 1, 'intermediary');
    sessions.inter = new TrackerSession({ baseUrl: t.baseUrl, username: 'inter', password: 'secret-inter' });
    await sessions.inter.login();
  });
  after(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("Table II: publish sets level 0; announce lists peers only when peer level <= torrent level", async () => {
    await sessions.p3.publish(HASH_A, 'video-a.mp4');
    assert.equal(t.store.getTorrent(HASH_A)?.authority, 0);
    assert.deepEqual(await sessions.p3.announce(HASH_A, peerId(3), 6003), []); // 1. publish ok, download rejected
    assert.equal(lastLog('/announce').decision, 'empty-list');
    assert.deepEqual(await sessions.p1.announce(HASH_A, peerId(1), 6001), []); // 2. peer 1 vs torrent 0
    await t.setTorrentLevel(HASH_A, 4); // 3. administrator
    const four = await sessions.p1.announce(HASH_A, peerId(1), 6001); // 4. allowed
    assert.equal(lastLog('/announce').decision, 'allowed');
    assert.deepEqual(four, []); // the swarm was empty until now
    const five = await sessions.p3.announce(HASH_A, peerId(3), 6003); // 5. allowed, and sees peer 1
    assert.deepEqual(five, [{ ip: IP, port: 6001 }]);
    assert.equal(lastLog('/announce').decision, 'allowed');
    assert.deepEqual(await sessions.p5.announce(HASH_A, peerId(5), 6005), []); // 6. rejected
    const six = lastLog('/announce');
    assert.equal(six.decision, 'empty-list');
    assert.equal(six.reason, 'authority-too-low');
    assert.equal(six.peerLevel, 5);
    assert.equal(six.torrentLevel, 4);
    // the refused peer was not added to the swarm
    assert.deepEqual((await sessions.p1.announce(HASH_A, peerId(1), 6001)).map((p) => p.port), [6003]);
  });

  test('getcipher: the decrypted key equals the tracker key, for every allowed peer', async () => {
    const key = t.store.getTorrent(HASH_A)!.fileKey;
    assert.equal(key.length, 16);
    assert.deepEqual(await sessions.p1.getCipher(HASH_A), key);
    assert.deepEqual(await sessions.p3.getCipher(HASH_A), key);
    assert.equal(lastLog('/getcipher').decision, 'allowed');
  });

  test('every key-distribution refusal is refused, with its log line and source', async () => {
    const wrongPassword = new TrackerSession({ baseUrl: t.baseUrl, username: 'p1', password: 'not-it' });
    const outcomes = await tryRefusals(t, HASH_A, { allowed: sessions.p1, low: sessions.p5, relay: sessions.inter, wrongPassword });
    assert.deepEqual(outcomes.map((o) => o.expectedReason), ['bad-signature', 'wrong-password', 'authority-too-low', 'replay', 'intermediary', 'missing-identity']);
    for (const o of outcomes) {
      assert.equal(o.refused, true, `${o.attempt}: ${o.failureReason}`);
      assert.equal(o.log?.decision, 'refused', o.attempt);
      assert.equal(o.log?.reason, o.expectedReason, o.attempt);
      assert.equal(o.log?.sourceIp, IP, o.attempt);
    }
    assert.equal(outcomes[1].failureReason, LOGIN_REFUSED);
    assert.match(outcomes[5].failureReason, /missing parameter "username"/);
    await assert.rejects(wrongPassword.getCipher(HASH_A), /call login\(\) first/);
  });

  test('getcipher refuses an unknown torrent', async () => {
    await expectRefusal(sessions.p1.getCipher(HASH_B), /not published/, '/getcipher', 'unknown-torrent');
  });

  test('login refuses a replayed login', async () => {
    const s = sessions.p1;
    const salt = await s.call('/salt', { username: 'p1' });
    const saltedPassword = await deriveScrypt('secret-p1', salt.salt as Uint8Array, { logN: Number(salt.ln), r: Number(salt.r), p: Number(salt.p) });
    const ts = Date.now();
    const nonce = 'cd'.repeat(16);
    const params = { username: 'p1', ts: String(ts), nonce, proof: clientProof(clientKeyOf(saltedPassword), loginMessage('p1', IP, ts, nonce)) };
    assert.equal(typeof (await s.call('/login', params)).token, 'object');
    await expectRefusal(s.call('/login', params), /replayed request/, '/login', 'replay');
  });

  test('requests without identity are refused and logged', async () => {
    const anon = await get(`${t.baseUrl}/announce?info_hash=${'%a1'.repeat(20)}&peer_id=${'x'.repeat(20)}&port=6881`);
    assert.match(text(anon['failure reason']), /missing parameter "username"/);
    assert.equal(lastLog('/announce').reason, 'missing-identity');
    const noToken = await get(`${t.baseUrl}/publish?username=p1&info_hash=${HASH_B}&name=x`);
    assert.match(text(noToken['failure reason']), /missing parameter "token"/);
    const badToken = await get(`${t.baseUrl}/publish?username=p1&token=${'0'.repeat(64)}&info_hash=${HASH_B}&name=x`);
    assert.match(text(badToken['failure reason']), /no valid token/);
    assert.equal(lastLog('/publish').reason, 'bad-token');
  });

  test('malformed requests get a failure reason, not a crash', async () => {
    const { token } = await sessions.p1.getcipherParams(HASH_A);
    const id = `username=p1&token=${token}`;
    const cases: [string, RegExp, string][] = [
      [`/announce?${id}&info_hash=${'%a1'.repeat(19)}&peer_id=${'x'.repeat(20)}&port=6881`, /info_hash is 19 bytes/, 'malformed'],
      [`/announce?${id}&info_hash=${'%a1'.repeat(20)}&peer_id=short&port=6881`, /peer_id is 5 bytes/, 'malformed'],
      [`/publish?${id}&info_hash=${'a'.repeat(39)}&name=x`, /"info_hash" is not well formed/, 'malformed'],
      [`/getcipher?${id}&info_hash=${HASH_A}&ts=${Date.now()}&nonce=${'ab'.repeat(16)}&pubkey=%40%40%40%40&signature=AAAA`, /"pubkey" is not valid base64/, 'malformed'],
      [`/getcipher?${id}&info_hash=${HASH_A}&ts=${Date.now()}&nonce=${'ab'.repeat(16)}&pubkey=AAAA&signature=AAAA`, /not an RSA public key/, 'malformed'],
      [`/getcipher?${id}&info_hash=${HASH_A}&ts=${Date.now()}&nonce=${'ab'.repeat(16)}&pubkey=${'A'.repeat(3000)}&signature=AAAA`, /"pubkey" is 3000 characters/, 'oversize'],
      [`/salt?username=${'u'.repeat(65)}`, /"username" is 65 characters/, 'oversize'],
      [`/publish?${id}&info_hash=${HASH_B}&name=${'n'.repeat(9000)}`, /request URL is \d+ characters/, 'oversize'],
      [`/publish?${id}&${id}&info_hash=${HASH_B}&name=x`, /"username" is given 2 times/, 'malformed'],
      ['/nowhere', /no tracker route/, 'unknown-route'],
    ];
    for (const [url, reason, logReason] of cases) {
      const answer = await get(`${t.baseUrl}${url}`);
      assert.match(text(answer['failure reason']), reason, url.slice(0, 60));
      const entries = t.log.read();
      assert.equal(entries[entries.length - 1].decision, 'refused');
      assert.equal(entries[entries.length - 1].reason, logReason, url.slice(0, 60));
    }
    // still serving
    assert.deepEqual(await sessions.p1.getCipher(HASH_A), t.store.getTorrent(HASH_A)!.fileKey);
  });

  test('the admin HTTP interface needs its token and changes levels', async () => {
    const post = (route: string, body: unknown, auth?: string) =>
      fetch(`${t.adminUrl}${route}`, { method: 'POST', body: JSON.stringify(body), headers: auth ? { authorization: `Bearer ${auth}` } : {} });
    assert.equal((await post('/peer-level', { username: 'p5', level: 2 })).status, 401);
    const ok = await post('/peer-level', { username: 'p5', level: 2 }, t.adminToken);
    assert.equal(ok.status, 200);
    assert.equal(t.store.getPeer('p5')?.authority, 2);
    const bad = await post('/torrent-level', { infoHash: 'zz', level: 1 }, t.adminToken);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /info hash "zz"/);
    assert.equal(lastLog('admin/peer-level').sourceIp.startsWith('admin-http'), true);
    await t.setPeerLevel('p5', 5);
  });

  test('an 8 MB admin POST with the right token gets a 413 answer, not a reset', async () => {
    const headers = { authorization: `Bearer ${t.adminToken}` };
    const big = await request(`${t.adminUrl}/import`, { method: 'POST', headers, body: Buffer.alloc(8 * 1024 * 1024, 0x3c) });
    assert.equal(big.status, 413);
    assert.match(big.body.toString(), /at most 4194304 bytes/);
    const chunked = await request(`${t.adminUrl}/import`, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' }, body: Buffer.alloc(8 * 1024 * 1024, 0x3c) });
    assert.equal(chunked.status, 413);
    assert.equal((await request(`${t.adminUrl}/summary`, { headers })).status, 200);
  });

  test('passwords are stored only as SCRAM verifiers', () => {
    const bytes = fs.readFileSync(t.store.file).toString('latin1');
    for (const name of ['p1', 'p3', 'p5']) assert.equal(bytes.includes(`secret-${name}`), false);
    for (const p of t.store.listPeers()) assert.deepEqual([p.password.storedKey.length, p.password.serverKey.length], [32, 32]);
    assert.match(t.admin.exportXml(), /<psw_hash>scram-sha-256-scrypt\$ln=14\$r=8\$p=1\$[^$]+\$[^$]+\$[^$]+<\/psw_hash>/);
    assert.equal(fs.readFileSync(t.logFile, 'utf8').includes('secret-'), false);
  });
});
