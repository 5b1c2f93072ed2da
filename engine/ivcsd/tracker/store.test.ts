import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import initSqlJs from 'sql.js';
import { TrackerSession } from '../tracker-client.js';
import { inTempDir } from './fault-kit.testkit.js';
import { clientKeyOf, deriveScrypt, makeVerifier, storedKeyOf } from './password.js';
import { startTracker } from './server.js';
import { AuthorityStore, type PeerEntry } from './store.js';

async function peer(username: string, authority: number): Promise<PeerEntry> {
  return { username, ip: '127.0.0.1', password: await makeVerifier('pw', { logN: 10, r: 8, p: 1 }), authority, role: 'peer', updatedMs: 1 };
}

// Needs no root: a directory put where the snapshot goes makes its rename fail (EISDIR), and
// removing it is the disk coming back.
test('a failed snapshot fails that change alone: memory stays as the disk is, later changes are written', () =>
  inTempDir('persist', async (dir) => {
    const file = path.join(dir, 'authority.sqlite');
    const store = await AuthorityStore.open(file);
    await store.putPeer(await peer('before', 1));
    fs.rmSync(file);
    fs.mkdirSync(path.join(file, 'in-the-way'), { recursive: true });
    await assert.rejects(store.putPeer(await peer('lost', 2)), /authority\.sqlite/);
    assert.equal(store.getPeer('lost'), undefined, 'a change that was not written must not be live');
    await assert.rejects(store.setPeerLevel('before', 7));
    assert.equal(store.getPeer('before')?.authority, 1);
    assert.deepEqual(fs.readdirSync(dir), ['authority.sqlite'], 'no temporary file is left behind');

    fs.rmSync(file, { recursive: true });
    await store.putPeer(await peer('after', 3));
    await store.setPeerLevel('before', 4);
    await store.close();
    const again = await AuthorityStore.open(file);
    assert.deepEqual(again.listPeers().map((p) => [p.username, p.authority]), [['after', 3], ['before', 4]]);
    await again.close();
  }));

test('concurrent changes are all written, in order, and the last one wins', () =>
  inTempDir('persist', async (dir) => {
    const file = path.join(dir, 'authority.sqlite');
    const SQL = await initSqlJs();
    const onDisk = () => {
      const db = new SQL.Database(fs.readFileSync(file));
      try {
        return Number(db.exec("SELECT authority FROM peers WHERE username = 'p'")[0].values[0][0]);
      } finally {
        db.close();
      }
    };
    const store = await AuthorityStore.open(file);
    await store.putPeer(await peer('p', 0));
    // what the file and the live store hold at the moment each change is acknowledged
    const acked: { level: number; disk: number; live: number | undefined }[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.setPeerLevel('p', i + 1).then(() => acked.push({ level: i + 1, disk: onDisk(), live: store.getPeer('p')?.authority }))),
    );
    const levels = Array.from({ length: 20 }, (_, i) => i + 1);
    assert.deepEqual(acked, levels.map((level) => ({ level, disk: level, live: level })), 'each change acknowledged in the order made, once on disk and live');
    await store.close();
    const again = await AuthorityStore.open(file);
    assert.equal(again.getPeer('p')?.authority, 20);
    await again.close();
  }));

test('a store from before the verifier keeps no password-equivalent hash, and its peers still log in', () =>
  inTempDir('legacy', async (dir) => {
    // the old layout: psw_hash = scrypt$...$<salt>$<SaltedPassword>, which logged in by itself
    const params = { logN: 10, r: 8, p: 1 };
    const salt = new Uint8Array(16).fill(9);
    const saltedPassword = await deriveScrypt('old-pw', salt, params);
    const legacyHash = Buffer.from(saltedPassword).toString('base64');
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE peers (username TEXT PRIMARY KEY, ip TEXT NOT NULL, psw_hash TEXT NOT NULL, authority INTEGER NOT NULL, role TEXT NOT NULL, updated_ms INTEGER NOT NULL)');
    db.run('INSERT INTO peers VALUES (?, ?, ?, ?, ?, ?)', ['old', '127.0.0.1', `scrypt$ln=10$r=8$p=1$${Buffer.from(salt).toString('base64')}$${legacyHash}`, 2, 'peer', 1]);
    fs.writeFileSync(path.join(dir, 'authority.sqlite'), db.export());
    db.close();

    const t = await startTracker({ dataDir: dir });
    try {
      const bytes = fs.readFileSync(t.store.file);
      assert.equal(bytes.toString('latin1').includes(legacyHash), false, 'the old hash is gone from the file, free pages included');
      assert.equal(bytes.includes(Buffer.from(saltedPassword)), false);
      assert.deepEqual(t.store.getPeer('old')?.password.storedKey, storedKeyOf(clientKeyOf(saltedPassword)));
      const session = new TrackerSession({ baseUrl: t.baseUrl, username: 'old', password: 'old-pw' });
      await session.login();
    } finally {
      await t.close();
    }
  }));
