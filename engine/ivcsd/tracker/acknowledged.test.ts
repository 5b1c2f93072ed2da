// A change is acknowledged only when the store and the decision log both hold it; one refused
// (503) leaves no trace: not live, not in the store after a restart, not in the log. Needs no
// root: a folder where the log file goes makes every append fail (EISDIR) while the store is
// writable, the case the issue found (disk-faults.test.ts does it with a read-only bind mount).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import bencode from 'bencode';
import { TrackerSession } from '../tracker-client.js';
import { authorityToXml } from './authority-xml.js';
import { inTempDir, request, type RawAnswer } from './fault-kit.testkit.js';
import { makeVerifier } from './password.js';
import { startTracker, type TrackerHandle } from './server.js';

const IP = '127.0.0.1';
const HASH_A = 'a1'.repeat(20);
const HASH_B = 'b2'.repeat(20);

function adminPost(t: TrackerHandle, route: string, body: string): Promise<RawAnswer> {
  return request(`${t.adminUrl}${route}`, { method: 'POST', headers: { authorization: `Bearer ${t.adminToken}` }, body });
}

const failureReason = (a: RawAnswer) => Buffer.from((bencode.decode(a.body) as Record<string, Uint8Array>)['failure reason'] ?? []).toString();

/** The peers and torrents live in a tracker's store. */
const live = (t: TrackerHandle) => ({
  peers: t.store.listPeers().map((p) => [p.username, p.authority]),
  torrents: t.store.listTorrents().map((x) => [x.infoHashHex, x.authority]),
});

/** What a tracker holds, as a reader of its store and log sees it. */
function holdings(t: TrackerHandle) {
  return {
    ...live(t),
    adminLines: t.log.read().filter((e) => e.decision === 'admin' && e.route !== 'start').map((e) => `${e.route} ${e.username ?? e.infoHash ?? e.detail}`),
    publishLines: t.log.read().filter((e) => e.route === '/publish' && e.decision === 'allowed').map((e) => e.infoHash),
  };
}

test('with the log unwritable, add-peer, peer-level, torrent-level, import and publish are refused (503) and leave no trace', () =>
  inTempDir('ack', async (dir) => {
    let t = await startTracker({ dataDir: dir });
    try {
      await t.addPeer('alice', 'alice-pw', IP, 1);
      const alice = new TrackerSession({ baseUrl: t.baseUrl, username: 'alice', password: 'alice-pw' });
      await alice.login();
      await alice.publish(HASH_A, 'a.bin');
      await t.setTorrentLevel(HASH_A, 2);
      const token = alice.credentials.token;
      const before = holdings(t);
      assert.deepEqual(before.adminLines, ['admin/add-peer alice', `admin/torrent-level ${HASH_A}`]);
      assert.deepEqual(before.publishLines, [HASH_A]);

      const aside = path.join(dir, 'log-aside');
      fs.renameSync(t.logFile, aside);
      fs.mkdirSync(t.logFile);
      const carol = { username: 'carol', ip: IP, password: await makeVerifier('carol-pw', { logN: 10, r: 8, p: 1 }), authority: 3, role: 'peer' as const, updatedMs: 1 };
      const refused = {
        addPeer: await adminPost(t, '/peer', JSON.stringify({ username: 'bob', password: 'bob-pw', ip: IP, authority: 1 })),
        peerLevel: await adminPost(t, '/peer-level', JSON.stringify({ username: 'alice', level: 5 })),
        torrentLevel: await adminPost(t, '/torrent-level', JSON.stringify({ infoHash: HASH_A, level: 6 })),
        import: await adminPost(t, '/import', authorityToXml([carol])),
        publish: await request(`${t.baseUrl}/publish?username=alice&token=${token}&info_hash=${HASH_B}&name=b.bin`),
      };
      for (const [what, answer] of Object.entries(refused)) {
        assert.equal(answer.status, 503, `${what}: ${answer.body.toString()}`);
        assert.match(what === 'publish' ? failureReason(answer) : answer.body.toString(), /log/, what);
      }
      assert.deepEqual(live(t), { peers: before.peers, torrents: before.torrents }, 'a refused change is not live');
      await assert.rejects(t.addPeer('dave', 'dave-pw', IP, 1), /cannot write the tracker's log/);
      assert.equal(t.store.getPeer('dave'), undefined);
      assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.tmp-')), [], 'no staged snapshot left behind');

      fs.rmdirSync(t.logFile);
      fs.renameSync(aside, t.logFile);
      await t.close();
      t = await startTracker({ dataDir: dir });
      const after = holdings(t);
      assert.deepEqual(live(t), { peers: before.peers, torrents: before.torrents }, 'a refused change is not in the store after a restart');
      assert.deepEqual(after.adminLines, before.adminLines, 'nor in the log');

      // the refused publish can be made again: it was not half-done
      const again = new TrackerSession({ baseUrl: t.baseUrl, username: 'alice', password: 'alice-pw' });
      await again.login();
      await again.publish(HASH_B, 'b.bin');
      assert.deepEqual(holdings(t).publishLines, [HASH_A, HASH_B], 'each change in the store has its log line, and only those');
      assert.deepEqual(
        t.store.listTorrents().map((x) => x.infoHashHex),
        [HASH_A, HASH_B],
      );
    } finally {
      await t.close();
    }
  }));

test('a change whose snapshot cannot be put in place after its log line is retracted in the log', () =>
  inTempDir('ack', async (dir) => {
    const t = await startTracker({ dataDir: dir });
    try {
      await t.addPeer('alice', 'alice-pw', IP, 1);
      // a folder where the store goes: staging works, the rename over it fails (EISDIR)
      fs.rmSync(t.store.file);
      fs.mkdirSync(path.join(t.store.file, 'in-the-way'), { recursive: true });
      await assert.rejects(t.setPeerLevel('alice', 4), /authority store/);
      assert.equal(t.store.getPeer('alice')?.authority, 1);
      const lines = t.log.read().filter((e) => e.route === 'admin/peer-level');
      assert.deepEqual(lines.map((e) => [e.decision, e.reason]), [['admin', undefined], ['refused', 'storage-error']]);
      fs.rmSync(t.store.file, { recursive: true });
    } finally {
      await t.close();
    }
  }));
