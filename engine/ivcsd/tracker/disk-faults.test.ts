// Disk faults on a running tracker, for real: its data folder on a small tmpfs that fills up, and
// on a bind mount made read-only and then writable again. The tracker runs as its own process, so
// a crash shows as an exit. Expected: every request still gets an answer (an error while the disk
// refuses), the process never dies, a failed store write leaves memory as the disk is, and
// everything works again once the disk does.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import bencode from 'bencode';
import { TrackerSession } from '../tracker-client.js';
import { adminRequest, fillDisk, mountSkipReason, request, spawnTracker, tempDir, withBindMount, withTmpfs, type TrackerProcess } from './fault-kit.testkit.js';
import { TrackerLog } from './log.js';
import { LOG_FILE, STORE_FILE } from './server.js';
import { AuthorityStore } from './store.js';

const IP = '127.0.0.1';
const HASH_A = 'a1'.repeat(20);
const HASH_B = 'b2'.repeat(20);

function admin(t: TrackerProcess) {
  return {
    post: (route: string, body: unknown) => adminRequest(t, 'POST', route, body),
    async summary(): Promise<{ peers: { username: string; authority: number }[]; torrents: { infoHash: string; authority: number }[] }> {
      const a = await adminRequest(t, 'GET', '/summary');
      assert.equal(a.status, 200, a.body.toString());
      return JSON.parse(a.body.toString()) as never;
    },
  };
}

function failureReason(body: Buffer): string | undefined {
  const d = bencode.decode(body) as Record<string, unknown>;
  return d['failure reason'] === undefined ? undefined : Buffer.from(d['failure reason'] as Uint8Array).toString();
}

/** A peer, a session logged in and a published torrent A, on a tracker process. */
async function setUp(t: TrackerProcess): Promise<TrackerSession> {
  assert.equal((await admin(t).post('/peer', { username: 'alice', password: 'alice-pw', ip: IP, authority: 1 })).status, 200);
  const alice = new TrackerSession({ baseUrl: t.baseUrl, username: 'alice', password: 'alice-pw' });
  await alice.login();
  await alice.publish(HASH_A, 'a.bin');
  assert.equal((await admin(t).post('/torrent-level', { infoHash: HASH_A, level: 1 })).status, 200);
  return alice;
}

const leftovers = (dir: string) => fs.readdirSync(dir).filter((n) => n.startsWith('.tmp-'));

describe('tracker on a failing disk', { skip: mountSkipReason() }, () => {
  test('a full disk: every request answered, no crash, a failed write not kept, all well once space is back', async () => {
    await withTmpfs(1 << 20, async (mount) => {
      const dataDir = path.join(mount, 'tracker');
      const t = await spawnTracker(dataDir);
      let exitCode: number | null;
      let keyA: Uint8Array | undefined;
      try {
        const alice = await setUp(t);
        const filler = fillDisk(mount);
        // An unauthenticated client with long paths, the attack of the issue: each request is a log line.
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) statuses.push((await request(`${t.baseUrl}/${'x'.repeat(7000)}${i}`)).status);
        assert.ok(t.alive(), `the tracker died on a full disk: ${t.stderr()}`);
        assert.ok(statuses.includes(503), `no request met the full disk: ${statuses.join(',')}`);
        assert.ok(statuses.every((s) => s === 200 || s === 503), statuses.join(','));
        const publish = await request(`${t.baseUrl}/publish?username=alice&token=${(await alice.getcipherParams(HASH_A)).token}&info_hash=${HASH_B}&name=b.bin`);
        assert.equal(publish.status, 503);
        assert.match(failureReason(publish.body) ?? '', /no space left|ENOSPC/i);
        assert.deepEqual((await admin(t).summary()).torrents.map((x) => x.infoHash), [HASH_A], 'a publish that was not written must not be live');
        assert.deepEqual(leftovers(dataDir), []);

        fs.rmSync(filler);
        assert.equal((await request(`${t.baseUrl}/${'x'.repeat(7000)}`)).status, 200);
        await alice.publish(HASH_B, 'b.bin');
        keyA = await alice.getCipher(HASH_A);
        assert.ok(t.alive());
        const entries = new TrackerLog(path.join(dataDir, LOG_FILE)).read();
        assert.equal(entries[entries.length - 1].route, '/getcipher');
        assert.ok(entries.every((e) => JSON.stringify(e).length < 1024), 'every log line is bounded');
      } finally {
        exitCode = await t.stop();
      }
      assert.equal(exitCode, 0, t.stderr());
      const store = await AuthorityStore.open(path.join(dataDir, STORE_FILE));
      assert.deepEqual(store.listTorrents().map((x) => x.infoHashHex), [HASH_A, HASH_B]);
      assert.deepEqual(keyA, store.getTorrent(HASH_A)?.fileKey, 'the key handed out is the one the tracker holds');
      await store.close();
      assert.deepEqual(leftovers(dataDir), []);
    });
  });

  test('a read-only disk that recovers: the failed change is refused alone, later ones are written', async () => {
    const base = tempDir('ro');
    const dataDir = path.join(base, 'tracker');
    fs.mkdirSync(dataDir, { mode: 0o700 });
    try {
      await withBindMount(dataDir, async (mount) => {
        const t = await spawnTracker(dataDir);
        let exitCode: number | null;
        let keyA: Uint8Array | undefined;
        try {
          const alice = await setUp(t);
          mount.readOnly();
          const refused = await admin(t).post('/torrent-level', { infoHash: HASH_A, level: 4 });
          assert.equal(refused.status, 503, refused.body.toString());
          assert.match(refused.body.toString(), /read-only file system|EROFS/i);
          assert.equal((await admin(t).summary()).torrents[0].authority, 1, 'the refused change must not be live');
          const salt = await request(`${t.baseUrl}/salt?username=alice`);
          assert.equal(salt.status, 503);
          assert.ok(t.alive(), `the tracker died on a read-only disk: ${t.stderr()}`);

          mount.readWrite();
          assert.equal((await admin(t).post('/torrent-level', { infoHash: HASH_A, level: 5 })).status, 200);
          assert.equal((await admin(t).post('/peer-level', { username: 'alice', level: 2 })).status, 200);
          await alice.login();
          keyA = await alice.getCipher(HASH_A);
        } finally {
          exitCode = await t.stop();
        }
        assert.equal(exitCode, 0, t.stderr());
        const store = await AuthorityStore.open(path.join(dataDir, STORE_FILE));
        assert.equal(store.getTorrent(HASH_A)?.authority, 5);
        assert.equal(store.getPeer('alice')?.authority, 2);
        assert.deepEqual(keyA, store.getTorrent(HASH_A)?.fileKey, 'the key handed out is the one the tracker holds');
        await store.close();
        assert.deepEqual(leftovers(dataDir), []);
      });
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  test('a read-only log with a writable store: changes answered 503 are neither live nor kept after a restart, nor logged', async () => {
    const base = tempDir('ro-log');
    const dataDir = path.join(base, 'tracker');
    fs.mkdirSync(dataDir, { mode: 0o700 });
    const logFile = path.join(dataDir, LOG_FILE);
    try {
      const t = await spawnTracker(dataDir);
      let exitCode: number | null;
      const before: { peers: string[]; torrents: string[] } = { peers: [], torrents: [] };
      try {
        const alice = await setUp(t);
        const token = (await alice.getcipherParams(HASH_A)).token;
        const summary = await admin(t).summary();
        before.peers = summary.peers.map((p) => `${p.username}@${p.authority}`);
        before.torrents = summary.torrents.map((x) => `${x.infoHash}@${x.authority}`);
        await withBindMount(logFile, async (mount) => {
          mount.readOnly();
          const answers = [
            await admin(t).post('/peer', { username: 'bob', password: 'bob-pw', ip: IP, authority: 1 }),
            await admin(t).post('/peer-level', { username: 'alice', level: 7 }),
            await request(`${t.baseUrl}/publish?username=alice&token=${token}&info_hash=${HASH_B}&name=b.bin`),
          ];
          assert.deepEqual(answers.map((a) => a.status), [503, 503, 503], answers.map((a) => a.body.toString()).join(' | '));
          const now = await admin(t).summary();
          assert.deepEqual(now.peers.map((p) => `${p.username}@${p.authority}`), before.peers, 'refused changes are not live');
          assert.deepEqual(now.torrents.map((x) => `${x.infoHash}@${x.authority}`), before.torrents);
          mount.readWrite();
        });
      } finally {
        exitCode = await t.stop();
      }
      assert.equal(exitCode, 0, t.stderr());
      const store = await AuthorityStore.open(path.join(dataDir, STORE_FILE));
      assert.deepEqual(store.listPeers().map((p) => `${p.username}@${p.authority}`), before.peers, 'refused changes are not in the store after a restart');
      assert.deepEqual(store.listTorrents().map((x) => `${x.infoHashHex}@${x.authority}`), before.torrents);
      await store.close();
      const lines = new TrackerLog(logFile).read();
      assert.equal(lines.filter((e) => e.username === 'bob' || e.peerLevel === 7 || (e.infoHash === HASH_B && e.decision !== 'refused')).length, 0, 'nor in the log');
      assert.deepEqual(leftovers(dataDir), []);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
