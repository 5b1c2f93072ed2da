import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { RELAY_CAST, runRelay } from './relay.js';
import { startExperimentSwarm, type Swarm } from './swarm.js';
import { seededTorrent, type TorrentMeta } from './torrent.js';

let dir: string;
let fixture: { sourceFile: string; torrentFile: string; meta: TorrentMeta };
let swarm: Swarm;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ivcsd-relay-'));
  fixture = await seededTorrent(dir, 300 * 1024, 'peer-test', { pieceLengthBytes: 32 * 1024 });
  swarm = await startExperimentSwarm(path.join(dir, 'tracker'), fixture.meta, RELAY_CAST);
});
after(async () => {
  await swarm.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('A seeds to intermediary C, A is killed, B gets a correct file from C alone, and C never held plaintext', async () => {
  const got = await runRelay({ ...fixture, outFile: path.join(dir, 'b.bin'), cacheDir: path.join(dir, 'c-cache'), swarm, timeoutMs: 30_000 });
  assert.equal(got.sha256Equal, true);
  assert.equal(got.onlyFromC, true);
  // B was told about A as well (A never said goodbye) and could not reach it
  assert.deepEqual(got.targetReport.unreachablePeers, [`127.0.0.1:${got.portA}`]);
  assert.equal(got.heldPieces, fixture.meta.pieceCount);
  assert.equal(got.disk.files, fixture.meta.pieceCount);
  for (const audit of [got.memory, got.disk]) {
    assert.equal(audit.blocks, 19);
    assert.equal(audit.plaintextAtPosition, 0);
    assert.equal(audit.plaintextAnywhere, 0);
    assert.ok(audit.equalByteFraction < 0.02, `equal bytes ${audit.equalByteFraction}`);
  }
  assert.match(got.keyRefusal, /intermediar/);
  const refusals = swarm.tracker.log.read().filter((e) => e.route === '/getcipher' && e.decision === 'refused');
  assert.deepEqual(refusals.map((e) => [e.username, e.reason]), [['C', 'intermediary']]);
});
