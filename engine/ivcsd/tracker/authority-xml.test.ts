import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { TrackerAdmin } from './admin.js';
import { authorityFromXml, authorityToXml } from './authority-xml.js';
import { TrackerLog } from './log.js';
import { makeVerifier } from './password.js';
import { AuthorityStore, type PeerEntry } from './store.js';

async function tempStore(): Promise<{ dir: string; store: AuthorityStore; admin: TrackerAdmin }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ivcsd-store-'));
  const store = await AuthorityStore.open(path.join(dir, 'authority.sqlite'));
  return { dir, store, admin: new TrackerAdmin(store, new TrackerLog(path.join(dir, 'log.jsonl'))) };
}

test('authority.xml round trip: export, import into a fresh store, same peers', async () => {
  const a = await tempStore();
  await a.admin.addPeer('wyf1', 'pw1', '192.168.5.253', 1);
  await a.admin.addPeer('relay', 'pw2', '192.168.5.7', 2, 'intermediary');
  const xml = a.admin.exportXml();
  assert.match(xml, /<peerAuthority>[\s\S]*<ip>192\.168\.5\.253<\/ip>[\s\S]*<username>wyf1<\/username>/);
  const b = await tempStore();
  assert.equal(await b.admin.importXml(xml, 'authority.xml'), 2);
  assert.deepEqual(b.store.listPeers(), a.store.listPeers());
  assert.equal(b.admin.exportXml(), xml);
  for (const s of [a, b]) {
    await s.store.close();
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
});

test('the store survives a reopen (its snapshot is on disk)', async () => {
  const a = await tempStore();
  await a.admin.addPeer('p', 'pw', '127.0.0.1', 3);
  await a.store.addTorrent({ infoHashHex: 'ab'.repeat(20), name: 'f', authority: 0, fileKey: new Uint8Array(16).fill(7), publishedBy: 'p', updatedMs: 1 });
  await a.store.close();
  const again = await AuthorityStore.open(a.store.file);
  assert.equal(again.getPeer('p')?.authority, 3);
  assert.deepEqual(again.getTorrent('ab'.repeat(20))?.fileKey, new Uint8Array(16).fill(7));
  await assert.rejects(again.addTorrent({ ...again.getTorrent('ab'.repeat(20))!, name: 'g' }), /already published/);
  await again.close();
  fs.rmSync(a.dir, { recursive: true, force: true });
});

test("authority.xml errors name the file, the peer and the element", async () => {
  const peer: PeerEntry = { username: 'u', ip: '1.2.3.4', password: await makeVerifier('pw', { logN: 10, r: 8, p: 1 }), authority: 1, role: 'peer', updatedMs: 5 };
  const good = authorityToXml([peer]);
  assert.deepEqual(authorityFromXml(good, 'a.xml'), [peer]);
  // the paper's own example carries an unsalted hex hash, which is refused
  const paper = good.replace(/<psw_hash>[^<]*<\/psw_hash>/, '<psw_hash>945c7d0dcc876</psw_hash>');
  assert.throws(() => authorityFromXml(paper, 'a.xml'), /a\.xml: peer #1 \(u\) <psw_hash>: "945c7d0dcc876" is not a password verifier/);
  assert.throws(() => authorityFromXml(good.replace('<authority>1<', '<authority>-2<'), 'a.xml'), /a\.xml: peer #1 \(u\) <authority> must be an integer/);
  assert.throws(() => authorityFromXml(good.replace(/<ip>[^<]*<\/ip>/, ''), 'a.xml'), /a\.xml: peer #1: <ip> is missing/);
  assert.throws(() => authorityFromXml(good.replace('<ip>', '<color>red</color><ip>'), 'a.xml'), /unknown element <color>/);
  assert.throws(() => authorityFromXml('<peers/>', 'b.xml'), /b\.xml: the root element must be <peerAuthority>/);
  assert.throws(() => authorityFromXml(good.replace('</peerAuthority>', good.match(/<peer>[\s\S]*<\/peer>/)![0] + '</peerAuthority>'), 'c.xml'), /username "u" appears twice/);
});

test('add-peer and authority.xml import refuse the same bad username and ip, with the same words', async () => {
  const a = await tempStore();
  try {
    const good: PeerEntry = { username: 'u', ip: '1.2.3.4', password: await makeVerifier('pw', { logN: 10, r: 8, p: 1 }), authority: 1, role: 'peer', updatedMs: 5 };
    const bad = [
      { username: 'has space <b>', ip: '1.2.3.4', problem: /username "has space <b>" must be 1-64 characters/ },
      { username: 'u', ip: 'not an ip at all', problem: /ip "not an ip at all" of u is not an IPv4 or IPv6 address/ },
      { username: 'u', ip: '999.1.1.1', problem: /ip "999\.1\.1\.1" of u is not an IPv4 or IPv6 address/ },
      { username: 'u', ip: '::ffff:1.2.3.4', problem: /write it as 1\.2\.3\.4/ },
      { username: 'x'.repeat(65), ip: '1.2.3.4', problem: /must be 1-64 characters/ },
    ];
    for (const b of bad) {
      await assert.rejects(a.admin.addPeer(b.username, 'pw', b.ip, 1), (err: Error) => /^add-peer: /.test(err.message) && b.problem.test(err.message), `add-peer ${b.username} ${b.ip}`);
      const xml = authorityToXml([{ ...good, username: b.username, ip: b.ip }]);
      await assert.rejects(a.admin.importXml(xml, 'bad.xml'), (err: Error) => /^bad\.xml: peer #1: /.test(err.message) && b.problem.test(err.message), `import ${b.username} ${b.ip}`);
      // and the store itself, whatever calls it
      await assert.rejects(a.store.putPeer({ ...good, username: b.username, ip: b.ip }), b.problem);
    }
    assert.deepEqual(a.store.listPeers(), [], 'nothing of it was stored');
    await a.admin.addPeer('v6', 'pw', '::1', 1);
    assert.equal(await a.admin.importXml(authorityToXml([good]), 'good.xml'), 1);
    assert.deepEqual(a.store.listPeers().map((p) => [p.username, p.ip]), [['u', '1.2.3.4'], ['v6', '::1']]);
  } finally {
    await a.store.close();
    fs.rmSync(a.dir, { recursive: true, force: true });
  }
});
